"""Browser tests: real headless Chromium (Debian's) through dash[testing], against the
dashboard world on SQLite (``tests/dashboards/world.py``). Each test logs in, opens a page,
changes the organisation and/or the period and checks what is drawn: values in Dutch
format, withheld cells as "< 10", event markers, comparison groups. Screenshots are
saved under ``test-artifacts/``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dashboards import ids
from dashboards.app import create_dash_app
from tests.dashboards.browser import (
    choose,
    figure,
    go_to,
    log_in,
    screenshot,
    wait_for_figure,
    wait_for_text,
)
from tests.dashboards.world import CORRECTED_AT, REACH_AFTER, REACH_BEFORE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("exact_figures")]
# The pages are checked against the world's hand values: counts without the cell-key
# noise here (the noise itself is held in tests/monitor/test_disclosure.py and the oracle).


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    return create_dash_app()


def _texts(dash_duo, selector: str) -> list[str]:  # noqa: ANN001
    return [e.text for e in dash_duo.find_elements(selector)]


def _row(dash_duo, table_id: str, first_cell: str) -> list[str]:  # noqa: ANN001
    """The cells of the table's row starting with ``first_cell`` (read again when Dash
    re-renders the table while it is being read)."""
    import time

    from selenium.common.exceptions import StaleElementReferenceException

    for _ in range(20):
        try:
            for row in dash_duo.find_elements(f"#{table_id} tbody tr"):
                cells = [c.text for c in row.find_elements("css selector", "td")]
                if cells and cells[0].startswith(first_cell):
                    return cells
        except StaleElementReferenceException:
            time.sleep(0.25)
            continue
        break
    raise AssertionError(f"no row starting with {first_cell!r} in #{table_id}")


def _alert(dash_duo):  # noqa: ANN001, ANN202
    """The browser's open confirm dialog, or None."""
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = dash_duo.driver.switch_to.alert
        _ = alert.text
        return alert
    except NoAlertPresentException:
        return None


def _dropdown_options(dash_duo, picker_id: str) -> list[str]:  # noqa: ANN001
    dash_duo.find_element(f"#{picker_id}").click()
    menu = dash_duo.wait_for_element(".dash-dropdown-options")
    labels = [o.text for o in menu.find_elements("css selector", ".dash-dropdown-option")]
    dash_duo.find_element("h1").click()  # close the menu
    return labels


def test_login_is_required_and_wrong_password_is_refused(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    dash_duo.wait_for_element(f"#{ids.LOGIN_USER}", timeout=20)  # "/" sent us to the login
    assert dash_duo.driver.current_url.endswith("/login")
    dash_duo.find_element(f"#{ids.LOGIN_USER}").send_keys("viewer_a")
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys("not the password")
    dash_duo.find_element(f"#{ids.LOGIN_BUTTON}").click()
    dash_duo.wait_for_contains_text(f"#{ids.LOGIN_MESSAGE}", "onjuist wachtwoord", timeout=10)
    screenshot(dash_duo, artifacts, "login-refused")
    assert not dash_duo.find_elements(f"#{ids.ORG}")


def test_overview_scorecard_per_organisation_and_period(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "officer_ams")
    # the picker offers only what an Amsterdam officer may see: no Rotterdam network
    options = _dropdown_options(dash_duo, ids.ORG)
    assert "Netwerk Amsterdam-Oost (NW-A)" in options and "Amsterdam (GM0363)" in options
    assert not any("NW-B" in o or "Rotterdam" in o for o in options)
    dash_duo.wait_for_element("#scorecard-table", timeout=20)
    # 2024-H1: (18 + 26 referrals) / 1,060 children x 1,000 = 41.5, Dutch decimal comma
    dash_duo.wait_for_contains_text("#scorecard-table", "41,5", timeout=20)
    assert _row(dash_duo, "scorecard-table", "Verwijzingen per 1.000")[3] == "41,5"
    assert _row(dash_duo, "scorecard-table", "Kinderen in bereik")[3] == "1.060"
    # NW_SIGNAL: 7 children in 2023-H2 is below the threshold
    assert _row(dash_duo, "scorecard-table", "Signalen zorg")[3] == "< 10"
    screenshot(dash_duo, artifacts, "overview-nw-a-2024-h1")

    choose(dash_duo, ids.PERIOD, "2e halfjaar 2023")
    # 2023-H2: 45 referrals / 1,100 children (as corrected) = 40.9; the year before 1.010.
    # (40,9 is in the 2024-H1 table too, as its previous value: wait for the new period)
    deadline = time.time() + 20
    while _row(dash_duo, "scorecard-table", "Verwijzingen per 1.000")[3] != "40,9":
        assert time.time() < deadline, "the scorecard never showed 2023-H2"
        time.sleep(0.25)
    assert _row(dash_duo, "scorecard-table", "Kinderen in bereik")[3] == "1.100"

    choose(dash_duo, ids.ORG, "Amsterdam (GM0363)")
    # municipality: MU_REF_RATE 2024-H1 = 150,000 x 0.026 / 150,000 x 1,000 = 26.0
    dash_duo.wait_for_contains_text("#scorecard-table", "Jeugdigen 0-17", timeout=20)
    choose(dash_duo, ids.PERIOD, "1e halfjaar 2024")
    dash_duo.wait_for_contains_text("#scorecard-table", "26,0", timeout=20)
    assert _row(dash_duo, "scorecard-table", "Verwijzingen per 1.000")[3] == "26,0"
    screenshot(dash_duo, artifacts, "overview-gm0363")


def test_trend_draws_groups_events_and_baseline(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "viewer_a")
    go_to(dash_duo, "/trend", f"#{ids.TREND_GRAPH}")
    drawn = wait_for_figure(
        dash_duo,
        ids.TREND_GRAPH,
        lambda f: any(t.get("name") == "Eigen organisatie" for t in f["data"]),
    )
    names = [t.get("name") for t in drawn["data"]]
    assert "Andere netwerken" in names  # three other networks: published
    assert "Gemeente" not in names  # one municipality this viewer may not see: withheld
    dash_duo.wait_for_contains_text(f"#{ids.TREND_NOTE}", "Niet getoond: Gemeente", timeout=10)
    own = next(t for t in drawn["data"] if t.get("name") == "Eigen organisatie")
    assert own["y"][0] == pytest.approx(60.0)  # (40 + 20) / 1,000 x 1,000 in 2021-H1
    # events as vertical markers with their titles
    labels = [a["text"] for a in drawn["layout"]["annotations"]]
    assert "Start samenwerking" in labels and "Nieuw verwijsprotocol" in labels
    lines = [s for s in drawn["layout"]["shapes"] if s["type"] == "line"]
    assert {s["x0"][:10] for s in lines} >= {"2023-01-01", "2023-09-01"}
    # the pre-2023 trend projected forward with its prediction interval
    assert "Verwachting zonder verandering" in names and "95%-voorspellingsinterval" in names
    ticks = drawn["layout"]["xaxis"]["ticktext"]
    assert "1e halfjaar 2021" in ticks
    screenshot(dash_duo, artifacts, "trend-nw-a")

    choose(dash_duo, ids.PERIOD, "1e halfjaar 2022")
    moved = wait_for_figure(
        dash_duo,
        ids.TREND_GRAPH,
        lambda f: any(s["type"] == "rect" and s["x0"].startswith("2022-01-01")
                      for s in f["layout"]["shapes"]),
    )  # fmt: skip
    assert moved

    choose(dash_duo, ids.TREND_CATEGORY, "Huisarts")
    huisarts = wait_for_figure(
        dash_duo,
        ids.TREND_GRAPH,
        lambda f: any(t.get("name") == "Eigen organisatie" and t["y"][0] == pytest.approx(40.0)
                      for t in f["data"]),
    )  # fmt: skip
    assert huisarts


def test_trend_shows_the_municipality_to_its_officer(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "officer_ams")
    go_to(dash_duo, "/trend", f"#{ids.TREND_GRAPH}")
    drawn = wait_for_figure(
        dash_duo, ids.TREND_GRAPH, lambda f: any(t.get("name") == "Gemeente" for t in f["data"])
    )
    municipality = next(t for t in drawn["data"] if t.get("name") == "Gemeente")
    assert municipality["y"][:2] == pytest.approx([20.0, 21.0])  # MU_REF_RATE of Amsterdam
    screenshot(dash_duo, artifacts, "trend-nw-a-officer")


def test_referrals_rates_suppression_and_sankey(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "viewer_a")
    go_to(dash_duo, "/verwijzingen", f"#{ids.REFERRAL_SANKEY}")
    choose(dash_duo, ids.PERIOD, "1e halfjaar 2023")
    rates = wait_for_figure(
        dash_duo,
        ids.REFERRAL_RATE_GRAPH,
        lambda f: any(t.get("name") == "Huisarts" for t in f["data"]),
    )
    withheld = next(t for t in rates["data"] if t.get("meta") == "withheld")
    assert set(withheld["text"]) == {"< 10"} and len(withheld["x"]) == 1  # the jeugdarts' 4
    assert rates["layout"]["separators"] == ",."
    dash_duo.wait_for_contains_text(f"#{ids.REFERRAL_RATE_NOTE}", "Onderdrukt (< 10)", timeout=10)
    care = figure(dash_duo, ids.REFERRAL_CARE_GRAPH)
    assert {t["name"] for t in care["data"]} == {"zonder verblijf", "met verblijf"}

    sankey = wait_for_figure(
        dash_duo, ids.REFERRAL_SANKEY, lambda f: f["data"] and f["data"][0]["type"] == "sankey"
    )
    nodes = [n.rsplit(": ", 1)[0] for n in sankey["data"][0]["node"]["label"]]  # "Signaal: 70"
    assert {"Signaal", "Huisarts", "Geen verwijzing", "Volgens plan", "Loopt nog"} <= set(nodes)
    # 4 children without care: withheld; the 11 in foster care are shown (no secondary
    # suppression: the cell-key noise keeps 15 - 11 from giving back the 4)
    assert "(Nog) geen jeugdhulp" not in nodes and "Pleegzorg" in nodes
    assert min(sankey["data"][0]["link"]["value"]) >= 10
    dash_duo.wait_for_contains_text(f"#{ids.REFERRAL_SANKEY_NOTE}", "1 stroom", timeout=10)
    screenshot(dash_duo, artifacts, "referrals-nw-a-2023-h1")

    choose(dash_duo, ids.PERIOD, "2e halfjaar 2023")  # no signals in that half-year
    empty = wait_for_figure(
        dash_duo, ids.REFERRAL_SANKEY, lambda f: "2e halfjaar 2023" in f["layout"]["title"]["text"]
    )
    assert not empty["data"]


def test_outcomes_in_and_outside_programme(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "officer_ams")
    go_to(dash_duo, "/uitkomsten", f"#{ids.OUTCOME_DISTRIBUTION}")
    choose(dash_duo, ids.PERIOD, "1e halfjaar 2023")
    boxes = wait_for_figure(
        dash_duo, ids.OUTCOME_DISTRIBUTION, lambda f: any(t.get("type") == "box" for t in f["data"])
    )
    inside = next(t for t in boxes["data"] if t["name"] == "binnen programma")
    assert inside["x"] == ["4-11"]  # 12-17 in the programme: 2 children, withheld
    assert "2023" in boxes["layout"]["title"]["text"]
    dash_duo.wait_for_element("#outcome-counts", timeout=10)
    row = [r for r in dash_duo.find_elements("#outcome-counts tbody tr") if "12-17" in r.text]
    assert row and all("< 10" in r.text for r in row)
    assert "18" in _row(dash_duo, "outcome-counts", "2023")[3] or any(
        "18" in r.text for r in dash_duo.find_elements("#outcome-counts tbody tr")
    )
    trend = figure(dash_duo, ids.OUTCOME_TREND)
    assert {t["name"] for t in trend["data"]} == {"binnen programma", "buiten programma"}
    screenshot(dash_duo, artifacts, "outcomes-nw-a")

    choose(dash_duo, ids.ORG, "Amsterdam (GM0363)")
    dash_duo.find_element(f"#{ids.OUTCOME_INDICATOR} input[value='CH_ABS']").click()
    absence = wait_for_figure(
        dash_duo, ids.OUTCOME_TREND, lambda f: "Verzuim" in f["layout"]["title"]["text"]
    )
    assert absence["layout"]["yaxis"]["title"]["text"] == "% schooldagen"
    screenshot(dash_duo, artifacts, "outcomes-gm0363-absence")


def test_reflection_then_and_now_corrections_and_notes(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "viewer_a")
    go_to(dash_duo, "/reflectie", f"#{ids.REFLECTION_SESSION}")
    dash_duo.wait_for_element("#then-now", timeout=20)
    row = next(
        [c.text for c in r.find_elements("css selector", "td")]
        for r in dash_duo.find_elements("#then-now tbody tr")
        if r.text.startswith("Kinderen in bereik") and "2e halfjaar 2023" in r.text
    )
    assert row[3:6] == [
        f"{REACH_BEFORE:,}".replace(",", "."),
        f"{REACH_AFTER:,}".replace(",", "."),
        f"+{REACH_AFTER - REACH_BEFORE}",  # the difference
    ]
    corrections = dash_duo.find_element("#corrections").text
    assert f"{CORRECTED_AT.day} maart {CORRECTED_AT.year}" in corrections
    assert "1.010" in corrections and "1.100" in corrections
    assert "Verwijzingen huisarts dalen." in dash_duo.find_element("#reflection-note-list").text

    # an action without an organisation is refused; with one it is recorded
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_KIND} input[value='action']").click()
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_TEXT}").send_keys("Huisartsen uitnodigen")
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_BUTTON}").click()
    dash_duo.wait_for_contains_text(f"#{ids.REFLECTION_MESSAGE}", "organisatie", timeout=10)
    choose(dash_duo, ids.REFLECTION_NOTE_OWNER, "Netwerk Amsterdam-Oost")
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_BUTTON}").click()
    dash_duo.wait_for_contains_text(
        "#reflection-note-list", "Huisartsen uitnodigen — Netwerk Amsterdam-Oost", timeout=10
    )
    screenshot(dash_duo, artifacts, "reflection-nw-a")

    # a note typed by mistake is deleted after a confirmation (dismissing keeps it)
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_KIND} input[value='note']").click()
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_TEXT}").send_keys("Tikfout")
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_BUTTON}").click()
    dash_duo.wait_for_contains_text("#reflection-note-list", "Tikfout", timeout=10)

    def delete_button():  # noqa: ANN202
        item = next(
            li for li in dash_duo.find_elements("#reflection-note-list li") if "Tikfout" in li.text
        )
        return item.find_element("css selector", "button")

    delete_button().click()
    from dash.testing.wait import until

    until(lambda: _alert(dash_duo) is not None, timeout=5)
    _alert(dash_duo).dismiss()
    time.sleep(1)
    assert "Tikfout" in dash_duo.find_element("#reflection-note-list").text
    delete_button().click()
    until(lambda: _alert(dash_duo) is not None, timeout=5)
    _alert(dash_duo).accept()
    notes = wait_for_text(dash_duo, "#reflection-note-list", lambda t: "Tikfout" not in t, 10)
    assert "Huisartsen uitnodigen" in notes

    dash_duo.find_element(f"#{ids.REFLECTION_EXPORT_PDF}").click()
    target = Path(dash_duo.download_path) / "dialooggesprek-NW-A-2024-02-01.pdf"
    deadline = time.monotonic() + 60
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert target.exists() and target.read_bytes()[:5] == b"%PDF-"


def test_data_entry_upload_report_and_form(dash_duo, app, artifacts, tmp_path):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "officer_ams")
    go_to(dash_duo, "/invoer", f"#{ids.ENTRY_UPLOAD}")
    # the officer lands on their own municipality, which reports what they send
    dash_duo.wait_for_contains_text(f"#{ids.ORG}", "Amsterdam (GM0363)", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.ENTRY_REPORTER}", "Amsterdam (GM0363)", timeout=20)
    upload = tmp_path / "nw-a-2024.csv"
    upload.write_text(
        "organisation,indicator,period,value,category\n"
        "NW-A,NW_CONSULT,2024-H1,14,\n"
        "NW-A,NW_CONSULT,2024-H7,15,\n",
        encoding="utf-8",
    )
    dash_duo.find_element(f"#{ids.ENTRY_UPLOAD} input[type=file]").send_keys(str(upload))
    dash_duo.wait_for_contains_text("#entry-report-status", "afgewezen", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.ENTRY_GRID}", "2024-H7", timeout=10)
    grid = dash_duo.find_element(f"#{ids.ENTRY_GRID}").text
    assert "period" in grid and "3" in grid  # file row 3, column period
    screenshot(dash_duo, artifacts, "data-entry-rejected")

    choose(dash_duo, ids.ORG, "Netwerk Amsterdam-Oost (NW-A)")  # the figure is the network's
    dash_duo.wait_for_contains_text(f"#{ids.ENTRY_REPORTER}", "Amsterdam (GM0363)", timeout=20)
    choose(dash_duo, ids.ENTRY_INDICATOR, "NW_CONSULT – Gezamenlijke casusoverleggen")
    dash_duo.find_element(f"#{ids.ENTRY_FORM_PERIOD}").send_keys("2024-H1")
    dash_duo.find_element(f"#{ids.ENTRY_VALUE}").send_keys("14")
    dash_duo.find_element(f"#{ids.ENTRY_SUBMIT}").click()
    dash_duo.wait_for_contains_text("#entry-report-status", "geaccepteerd", timeout=30)
    # NW-A sent its own referral figures: the officer gets no warning about them (a warning
    # would tell the median of figures that are withheld elsewhere), only about its own
    dash_duo.wait_for_contains_text(f"#{ids.ENTRY_WARNINGS}", "Geen waarschuwingen", timeout=20)
    screenshot(dash_duo, artifacts, "data-entry-accepted")

    # the stored figure is now on the overview
    go_to(dash_duo, "/", "#scorecard-table")
    dash_duo.wait_for_contains_text("#scorecard-table", "Gezamenlijke casusoverleggen", timeout=20)
    assert _row(dash_duo, "scorecard-table", "Gezamenlijke casusoverleggen")[3] == "14"


def test_language_switch_to_english(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "viewer_a")
    dash_duo.wait_for_contains_text("#scorecard-table", "41,5", timeout=20)
    dash_duo.find_element("a[href^='/lang/en']").click()
    dash_duo.wait_for_contains_text(f"#{ids.NAV}", "Overview", timeout=20)
    dash_duo.wait_for_contains_text("#scorecard-table", "41.5", timeout=20)
    assert _row(dash_duo, "scorecard-table", "Referrals per 1,000")[2] == "H1 2024"
    screenshot(dash_duo, artifacts, "overview-english")


def test_a_link_carries_organisation_and_period_through_the_login(dash_duo, app, artifacts):  # noqa: ANN001
    """A coordinator sends the link of a view before the meeting: whoever opens it logs in
    and lands on that page, organisation and period; choosing another updates the link.
    An organisation the reader may not see is not shown (the first allowed one is)."""
    from dash.testing.wait import until

    dash_duo.start_server(app)
    dash_duo.wait_for_element(f"#{ids.LOGIN_USER}", timeout=20)  # "/" sent us to the login
    dash_duo.driver.get(dash_duo.server_url + "/trend?org=GM0363&period=2023-H2")
    until(lambda: "/login?next=" in dash_duo.driver.current_url, timeout=20)
    log_in(dash_duo, "officer_ams")
    dash_duo.wait_for_contains_text(f"#{ids.ORG}", "Amsterdam (GM0363)", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.PERIOD}", "2e halfjaar 2023", timeout=20)
    # the address keeps organisation and period (and now names the indicator shown too)
    assert "/trend?org=GM0363&period=2023-H2" in dash_duo.driver.current_url
    choose(dash_duo, ids.ORG, "Netwerk Amsterdam-Oost (NW-A)")
    until(lambda: "org=NW-A" in dash_duo.driver.current_url, timeout=10)
    screenshot(dash_duo, artifacts, "link-trend-nw-a")
    # a Rotterdam network in the link of an Amsterdam officer: not shown
    dash_duo.driver.get(dash_duo.server_url + "/trend?org=NW-B")
    dash_duo.wait_for_element(f"#{ids.ORG}", timeout=20)
    driver = dash_duo.driver
    until(lambda: "org=" in driver.current_url and "org=NW-B" not in driver.current_url, 10)
    assert "NW-B" not in dash_duo.find_element(f"#{ids.ORG}").text
