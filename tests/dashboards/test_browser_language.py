"""Browser tests of the languages: the switch keeps page, organisation, period and
indicator; ``<html lang>`` follows; every page in nl and en is screenshotted under
test-artifacts/ and its visible text checked for words of the other language."""

from __future__ import annotations

import re

import pytest
from dash.testing.wait import until

from dashboards import ids
from dashboards.app import create_dash_app
from tests.dashboards.browser import choose, go_to, log_in, screenshot, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("exact_figures")]

PAGES = [("/", "#scorecard-table"), ("/trend", f"#{ids.TREND_INDICATOR}"),
         ("/verwijzingen", "h1"), ("/uitkomsten", "h1"), ("/reflectie", "h1"),
         ("/invoer", f"#{ids.ENTRY_REPORTER}")]  # fmt: skip
#: Words that give away a text in the other language (checked on whole words).
ENGLISH = {
    "the",
    "and",
    "with",
    "without",
    "children",
    "period",
    "organisation",
    "source",
    "received",
    "figures",
    "known",
    "withheld",
    "change",
    "better",
    "worse",
    "upload",
}
DUTCH = {
    "de",
    "het",
    "een",
    "kinderen",
    "periode",
    "organisatie",
    "bron",
    "ontvangen",
    "cijfers",
    "bekend",
    "onderdrukt",
    "beter",
    "slechter",
    "aanleveren",
    "gemeente",
}


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    return create_dash_app()


def _query(dash_duo) -> str:  # noqa: ANN001
    return dash_duo.driver.execute_script(
        "return window.location.pathname + window.location.search"
    )


def _switch(dash_duo, code: str) -> None:  # noqa: ANN001
    dash_duo.find_element(f"#lang-{code}").click()
    until(lambda: dash_duo.driver.execute_script(
        "return document.documentElement.lang") == code, timeout=20)  # fmt: skip
    dash_duo.wait_for_element(f"#{ids.ORG}", timeout=20)


def test_switch_keeps_page_organisation_period_and_indicator(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "officer_ams")
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "nl"
    # a shared link with organisation, period and indicator ...
    dash_duo.driver.get(dash_duo.server_url + "/trend?org=NW-A&period=2023-H2&indicator=NW_CARE")
    dash_duo.wait_for_contains_text(f"#{ids.PERIOD}", "2e halfjaar 2023", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.TREND_INDICATOR}", "jeugdhulp", timeout=20)
    # ... then other choices on the page itself (no reload): the switch must take these
    choose(dash_duo, ids.PERIOD, "1e halfjaar 2023")
    choose(dash_duo, ids.TREND_INDICATOR, "Kinderen in bereik netwerk")
    until(lambda: "indicator=NW_CHILDREN" in _query(dash_duo), timeout=10)
    chosen = "NW_CHILDREN"
    label_nl = dash_duo.find_element(f"#{ids.TREND_INDICATOR}").text

    _switch(dash_duo, "en")
    dash_duo.wait_for_contains_text(f"#{ids.PERIOD}", "H1 2023", timeout=20)
    assert dash_duo.driver.current_url.split("?")[0].endswith("/trend")
    where = _query(dash_duo)
    assert "org=NW-A" in where and "period=2023-H1" in where and f"indicator={chosen}" in where
    assert "NW-A" in dash_duo.find_element(f"#{ids.ORG}").text
    dash_duo.wait_for_contains_text(f"#{ids.TREND_INDICATOR}", "network's reach", timeout=20)
    screenshot(dash_duo, artifacts, "language-switch-trend-en")

    _switch(dash_duo, "nl")
    screenshot(dash_duo, artifacts, "language-switch-trend-nl")
    dash_duo.wait_for_contains_text(f"#{ids.PERIOD}", "1e halfjaar 2023", timeout=20)
    wait_for_text(dash_duo, f"#{ids.TREND_INDICATOR}", lambda t: t == label_nl, timeout=20)


def _words(text: str) -> set[str]:
    text = re.sub(r"\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b", " ", text)  # codes such as NW_CHILDREN
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_in_one_language(dash_duo, app, artifacts, lang):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "officer_ams")
    if lang == "en":
        _switch(dash_duo, "en")
    choose(dash_duo, ids.ORG, "Netwerk Amsterdam-Oost (NW-A)")
    found = {}
    for path, ready in PAGES:
        if path != "/":
            go_to(dash_duo, path, ready)
        else:
            dash_duo.wait_for_element(ready, timeout=20)
        dash_duo.wait_for_no_elements("._dash-loading", timeout=20)
        import time

        time.sleep(1.5)  # let the charts draw
        name = path.strip("/") or "overview"
        screenshot(dash_duo, artifacts, f"page-{name}-{lang}")
        text = dash_duo.driver.execute_script("return document.body.innerText")
        other = (ENGLISH if lang == "nl" else DUTCH) & _words(text)
        if other:
            found[path] = sorted(other)
    dash_duo.driver.get(dash_duo.server_url + "/no-such-page")
    dash_duo.wait_for_element("#not-found", timeout=20)
    screenshot(dash_duo, artifacts, f"page-404-{lang}")
    title = dash_duo.find_element("#not-found h1").text
    assert title == ("Pagina niet gevonden" if lang == "nl" else "Page not found")
    assert not found, f"words of the other language on {found}"


def test_template_download_fill_upload_and_see_it(dash_duo, app, artifacts, tmp_path):  # noqa: ANN001
    import openpyxl

    dash_duo.start_server(app)
    dash_duo.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    log_in(dash_duo, "officer_ams")
    go_to(dash_duo, "/invoer", f"#{ids.ENTRY_UPLOAD}")
    dash_duo.wait_for_contains_text(f"#{ids.ENTRY_REPORTER}", "Amsterdam (GM0363)", timeout=20)
    choose(dash_duo, ids.ENTRY_REPORTER, "Netwerk Amsterdam-Oost (NW-A)")
    dash_duo.find_element("#entry-template-button").click()
    until(lambda: list(tmp_path.glob("sjabloon-NW-A.xlsx")), timeout=20)
    path = next(tmp_path.glob("sjabloon-NW-A.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = book["cijfers"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [(r[0].value, r[1].value) for r in rows] == [("NW-A", "NW_CHILDREN")]  # its duty
    period = rows[0][2].value
    rows[0][3].value = 1234
    book.save(path)

    dash_duo.find_element(f"#{ids.ENTRY_UPLOAD} input[type=file]").send_keys(str(path))
    dash_duo.wait_for_contains_text("#entry-report-status", "Opgeslagen: 1 cijfer", timeout=30)
    note = dash_duo.find_element("#entry-stored-note").text
    # by name, as the pickers show them (monitor/data/indicators.yaml, tests.factories)
    assert "van Netwerk Amsterdam-Oost (NW-A) voor Kinderen in bereik netwerk," in note, note
    assert "NW_CHILDREN" not in note, note
    screenshot(dash_duo, artifacts, "data-entry-template-stored")
    dash_duo.find_element("#entry-stored-link").click()
    dash_duo.wait_for_contains_text(f"#{ids.TREND_INDICATOR}", "Kinderen in bereik", timeout=20)
    assert f"period={period}" in _query(dash_duo) and "org=NW-A" in _query(dash_duo)

    # a count written with a Dutch thousands point gets the hint, in Dutch
    go_to(dash_duo, "/invoer", f"#{ids.ENTRY_UPLOAD}")
    choose(dash_duo, ids.ENTRY_INDICATOR, "NW_CONSULT – Gezamenlijke casusoverleggen")
    dash_duo.find_element(f"#{ids.ENTRY_FORM_PERIOD}").send_keys("2024-H1")
    dash_duo.find_element(f"#{ids.ENTRY_VALUE}").send_keys("2.405")
    dash_duo.find_element(f"#{ids.ENTRY_SUBMIT}").click()
    dash_duo.wait_for_contains_text(f"#{ids.ENTRY_GRID}", "bedoelde u 2405?", timeout=30)
    grid = dash_duo.find_element(f"#{ids.ENTRY_GRID}").text
    assert "duizendtalscheiding" in grid and "fout" in grid
    screenshot(dash_duo, artifacts, "data-entry-thousands-hint")
