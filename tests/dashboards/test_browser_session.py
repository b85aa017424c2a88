"""Browser test of a reflection session from start to finish (issue #13), in headless
Chromium against the dashboard world: open the past session, read then/now with its
correction (values by hand from ``tests/dashboards/world.py``), set a goal that the trend
draws, answer the turn-the-curve questions, add a note (the form is cleared), create a new
session (it is chosen) and see both pages in Dutch and English."""

from __future__ import annotations

import pytest
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from dashboards import ids
from dashboards.app import create_dash_app
from tests.dashboards.browser import go_to, log_in, screenshot, wait_for_figure, wait_for_text
from tests.dashboards.world import CORRECTED_AT, REACH_AFTER, REACH_BEFORE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("exact_figures")]


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    return create_dash_app()


def _cells(dash_duo, table_id: str, *starts: str) -> list[str]:  # noqa: ANN001
    from dash.testing.wait import until
    from selenium.common.exceptions import StaleElementReferenceException

    found: list[str] = []

    def read() -> bool:
        try:
            for row in dash_duo.find_elements(f"#{table_id} tbody tr"):
                cells = [c.text for c in row.find_elements("css selector", "td")]
                # the row of the indicator (first cell), not a row whose corrections name it
                first, *rest = starts
                if (
                    cells
                    and cells[0].startswith(first)
                    and all(any(s in c for c in cells) for s in rest)
                ):
                    found[:] = cells
                    return True
        except StaleElementReferenceException:
            return False
        return False

    until(read, timeout=20)
    return found


def _pick(dash_duo, picker_id: str, label: str) -> None:  # noqa: ANN001
    """Choose a dropdown option by its label (clicked by script: a long page may put the
    open menu under the search field)."""
    from dash.testing.wait import until

    dash_duo.find_element(f"#{picker_id}").click()
    until(lambda: dash_duo.find_elements(".dash-dropdown-options .dash-dropdown-option"), 10)
    [option] = [
        o
        for o in dash_duo.find_elements(".dash-dropdown-options .dash-dropdown-option")
        if o.text == label
    ]
    dash_duo.driver.execute_script("arguments[0].click();", option)
    dash_duo.wait_for_contains_text(f"#{picker_id}", label, timeout=10)


def _goal_traces(fig: dict) -> list[dict]:
    return [t for t in fig.get("data", []) if str(t.get("name", "")).startswith("Doel")]


def test_session_journey(dash_duo, app, artifacts):  # noqa: ANN001
    dash_duo.start_server(app)
    log_in(dash_duo, "viewer_a")
    go_to(dash_duo, "/reflectie", f"#{ids.REFLECTION_SESSION}")

    # then/now of the past session: the reach corrected after it, with who and when
    row = _cells(dash_duo, "then-now", "Kinderen in bereik", "2e halfjaar 2023")
    assert row[3:6] == ["1.010", "1.100", "+90"]
    assert REACH_AFTER - REACH_BEFORE == 90
    assert "1.010 → 1.100" in row[6] and f"{CORRECTED_AT.day} maart {CORRECTED_AT.year}" in row[6]
    assert "Netwerk Amsterdam-Oost" in row[6]  # who sent the correction, by name

    # a goal: stored, listed and drawn as a star on the trend beside the questions
    _pick(dash_duo, ids.REFLECTION_CURVE_INDICATOR, "Kinderen in bereik netwerk")
    dash_duo.find_element(f"#{ids.REFLECTION_GOAL_VALUE}").send_keys("1200")
    dash_duo.find_element(f"#{ids.REFLECTION_GOAL_DATE}").send_keys("12312025")
    dash_duo.find_element(f"#{ids.REFLECTION_GOAL_BUTTON}").click()
    dash_duo.wait_for_contains_text(
        f"#{ids.REFLECTION_CURVE_MESSAGE}", "Doel opgeslagen: Kinderen in bereik netwerk", 15
    )
    dash_duo.wait_for_contains_text("#reflection-goal-table", "31 december 2025", timeout=15)
    fig = wait_for_figure(dash_duo, ids.REFLECTION_CURVE_GRAPH, lambda f: _goal_traces(f))
    [star] = _goal_traces(fig)
    assert star["y"] == [1200] and star["x"][0].startswith("2025-12-31")
    assert star["name"] == "Doel 1.200 uiterlijk 31 december 2025"

    # turn-the-curve answers saved with the session and read back
    answers = {
        "story": "Meer kinderen bereikt sinds de school meedoet.",
        "partners": "Scholen en het wijkteam.",
        "what_works": "Spreekuur op school.",
        "plan": "Spreekuur ook op de tweede school.",
    }
    for question, text in answers.items():
        dash_duo.find_element(f"#{ids.REFLECTION_ANSWERS[question]}").send_keys(text)
    dash_duo.find_element(f"#{ids.REFLECTION_ANSWERS_BUTTON}").click()
    dash_duo.wait_for_contains_text(
        f"#{ids.REFLECTION_CURVE_MESSAGE}", "(4 van de 4 vragen beantwoord)", timeout=15
    )

    # a note: listed, and the form is empty again
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_TEXT}").send_keys("Doel besproken.")
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_BUTTON}").click()
    dash_duo.wait_for_contains_text("#reflection-note-list", "Doel besproken.", timeout=15)
    assert dash_duo.find_element(f"#{ids.REFLECTION_NOTE_TEXT}").get_attribute("value") == ""

    # a second note, deleted again after the confirmation: the first one stays
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_TEXT}").send_keys("Weg ermee.")
    dash_duo.find_element(f"#{ids.REFLECTION_NOTE_BUTTON}").click()
    dash_duo.wait_for_contains_text("#reflection-note-list", "Weg ermee.", timeout=15)
    item = next(
        li for li in dash_duo.find_elements("#reflection-note-list li") if "Weg ermee." in li.text
    )
    item.find_element("css selector", "button").click()
    WebDriverWait(dash_duo.driver, 10).until(expected_conditions.alert_is_present())
    dash_duo.driver.switch_to.alert.accept()
    notes = wait_for_text(dash_duo, "#reflection-note-list", lambda t: "Weg ermee." not in t)
    assert "Doel besproken." in notes
    screenshot(dash_duo, artifacts, "session-journey-nl")

    # the goal is drawn on the trend page too
    go_to(dash_duo, "/trend", f"#{ids.TREND_GRAPH}")
    _pick(dash_duo, ids.TREND_INDICATOR, "Kinderen in bereik netwerk")
    fig = wait_for_figure(dash_duo, ids.TREND_GRAPH, lambda f: _goal_traces(f))
    assert _goal_traces(fig)[0]["y"] == [1200]
    screenshot(dash_duo, artifacts, "session-journey-trend-nl")

    # a new session is chosen at once, its title field cleared; its questions are empty
    go_to(dash_duo, "/reflectie", f"#{ids.REFLECTION_SESSION}")
    dash_duo.wait_for_element("#then-now", timeout=20)
    dash_duo.find_element(f"#{ids.REFLECTION_NEW_DATE}").send_keys("06112024")
    dash_duo.find_element(f"#{ids.REFLECTION_NEW_TITLE}").send_keys("Zomerbijeenkomst")
    dash_duo.find_element(f"#{ids.REFLECTION_NEW_BUTTON}").click()
    dash_duo.wait_for_contains_text(
        f"#{ids.REFLECTION_SESSION}", "11 juni 2024 – Zomerbijeenkomst", timeout=15
    )
    assert dash_duo.find_element(f"#{ids.REFLECTION_NEW_TITLE}").get_attribute("value") == ""
    dash_duo.wait_for_contains_text(f"#{ids.REFLECTION_COMPARE}", "bekend op 11 juni 2024", 15)
    assert "Doel besproken." not in dash_duo.find_element("#reflection-note-list").text

    # English
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=/reflectie")
    dash_duo.wait_for_contains_text(f"#{ids.REFLECTION_COMPARE}", "Figures as known on", 20)
    dash_duo.wait_for_contains_text("#reflection-questions", "What is the story", timeout=20)
    screenshot(dash_duo, artifacts, "session-journey-en")
