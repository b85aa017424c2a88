"""The charts of issue #13 as a browser draws them (headless Chromium, dashboard world):
KPI tiles on the overview, the whole event label in the trend's picker, colours that never
stand for two things, withheld cells on their strip; screenshots of every page touched, in
Dutch and English, under ``test-artifacts/``."""

from __future__ import annotations

import pytest

from dashboards import ids
from dashboards.app import create_dash_app
from tests.dashboards.browser import go_to, log_in, screenshot, wait_for_figure

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("exact_figures")]

#: Is the text of the picker's chosen option cut off anywhere inside the picker?
CUT_OFF = """
const picker = document.getElementById(arguments[0]);
const label = arguments[1];
const holders = [...picker.querySelectorAll('*')].filter(
  (e) => e.children.length === 0 && e.textContent.includes(label));
if (!holders.length) { return 'label not shown'; }
for (let e = holders[0]; e && e !== picker.parentElement; e = e.parentElement) {
  if (e.scrollWidth > e.clientWidth + 1) { return 'cut off at ' + e.className; }
}
return '';
"""


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    return create_dash_app()


def _colours_distinct(figure: dict) -> bool:
    meaning: dict[str, set] = {}
    for trace in figure.get("data", []):
        if trace.get("type") == "sankey":
            continue
        colour = (trace.get("line") or {}).get("color") or (trace.get("marker") or {}).get("color")
        if isinstance(colour, str):
            meaning.setdefault(colour.upper(), set()).add(
                trace.get("legendgroup") or trace.get("name")
            )
    return all(len(v) == 1 for v in meaning.values())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_pages_as_drawn(dash_duo, app, artifacts, lang):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "viewer_a")
    if lang == "en":
        dash_duo.wait_for_element("#kpi-tiles", timeout=30)
        dash_duo.find_element("a[href^='/lang/en']").click()
        dash_duo.wait_for_contains_text(f"#{ids.NAV}", "Overview", timeout=20)
    dash_duo.wait_for_element("#kpi-tiles .kpi-tile img.kpi-spark", timeout=30)
    tile = dash_duo.find_element("#kpi-tiles [data-indicator='NW_REF_RATE']")
    assert ("41,5" if lang == "nl" else "41.5") in tile.text  # as the scorecard's 2024-H1
    screenshot(dash_duo, artifacts, f"charts-{lang}-overview")

    go_to(dash_duo, "/trend", f"#{ids.TREND_GRAPH}")
    label = "1 januari 2023" if lang == "nl" else "1 January 2023"
    dash_duo.wait_for_contains_text(f"#{ids.TREND_EVENT}", label, timeout=30)
    drawn = wait_for_figure(
        dash_duo, ids.TREND_GRAPH, lambda f: any("dash" in (t.get("line") or {}) for t in f["data"])
    )
    assert _colours_distinct(drawn)
    full = dash_duo.find_element(f"#{ids.TREND_EVENT}").text
    assert full.strip() == f"{label}: Start samenwerking"  # the world's first event
    assert dash_duo.driver.execute_script(CUT_OFF, ids.TREND_EVENT, full.strip()) == ""
    dash_duo.wait_for_element("#trend-values", timeout=20)
    screenshot(dash_duo, artifacts, f"charts-{lang}-trend")

    go_to(dash_duo, "/verwijzingen", f"#{ids.REFERRAL_RATE_GRAPH}")
    rates = wait_for_figure(
        dash_duo,
        ids.REFERRAL_RATE_GRAPH,
        lambda f: any(t.get("meta") == "withheld" for t in f["data"]),
    )
    assert _colours_distinct(rates)
    marker = next(t for t in rates["data"] if t.get("meta") == "withheld")
    strip = rates["layout"]["yaxis" + marker["yaxis"][1:]]
    assert strip["domain"][1] < rates["layout"]["yaxis"]["domain"][0]  # below the values
    # the world's pathway is of 2023-H1: the chosen 2024-H1 shows the empty state
    empty = wait_for_figure(
        dash_duo, ids.REFERRAL_SANKEY, lambda f: bool(f["layout"].get("annotations"))
    )
    assert "2024" in empty["layout"]["annotations"][0]["text"]
    screenshot(dash_duo, artifacts, f"charts-{lang}-referrals")

    go_to(dash_duo, "/uitkomsten", f"#{ids.OUTCOME_DISTRIBUTION}")
    dash_duo.wait_for_element("#outcome-counts", timeout=30)
    wait_for_figure(dash_duo, ids.OUTCOME_TREND, lambda f: bool(f.get("data")))
    screenshot(dash_duo, artifacts, f"charts-{lang}-outcomes")
