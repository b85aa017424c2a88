"""Helpers for the browser tests: log in, pick from the shell, read what a chart drew."""

from __future__ import annotations

import json
from pathlib import Path

from dashboards import ids
from tests.factories import PASSWORD


def log_in(dash_duo, username: str) -> None:  # noqa: ANN001
    """Log in through the login page and wait for the shell's organisation picker."""
    dash_duo.wait_for_element(f"#{ids.LOGIN_USER}", timeout=20)
    dash_duo.find_element(f"#{ids.LOGIN_USER}").send_keys(username)
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys(PASSWORD)
    dash_duo.find_element(f"#{ids.LOGIN_BUTTON}").click()
    dash_duo.wait_for_element(f"#{ids.ORG}", timeout=20)


def go_to(dash_duo, path: str, ready: str) -> None:  # noqa: ANN001
    """Open a page by its menu link (client-side, keeps the pickers) and wait for it."""
    link = dash_duo.find_element(f"#{ids.NAV} a[href='{path}']")
    link.click()
    dash_duo.wait_for_element(ready, timeout=20)


def choose(dash_duo, picker_id: str, label: str) -> None:  # noqa: ANN001
    """Pick an option of a dcc.Dropdown by its visible label."""
    dash_duo.select_dcc_dropdown(f"#{picker_id}", value=label)
    dash_duo.wait_for_contains_text(f"#{picker_id}", label, timeout=10)


def figure(dash_duo, graph_id: str) -> dict:  # noqa: ANN001
    """The figure a dcc.Graph has drawn, as plotly.js holds it in the page."""
    script = (
        "const el = document.querySelector('#" + graph_id + " .js-plotly-plot');"
        "return el ? JSON.stringify({data: el.data, layout: el.layout}) : null;"
    )
    raw = dash_duo.driver.execute_script(script)
    return json.loads(raw) if raw else {}


def wait_for_figure(dash_duo, graph_id: str, predicate, timeout: float = 20) -> dict:  # noqa: ANN001
    """Wait until the drawn figure satisfies ``predicate``; return it."""
    from dash.testing.wait import until

    found: dict = {}

    def ready() -> bool:
        found.clear()
        found.update(figure(dash_duo, graph_id))
        return bool(found) and predicate(found)

    until(ready, timeout=timeout)
    return found


def wait_for_text(dash_duo, selector: str, predicate, timeout: float = 15) -> str:  # noqa: ANN001
    """Wait until the text of the element at ``selector`` satisfies ``predicate``; return it.
    The element is looked up afresh on every try: Dash may replace it while it is read."""
    from dash.testing.wait import until
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    found: list[str] = []

    def ready() -> bool:
        try:
            text = dash_duo.driver.find_element("css selector", selector).text
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        found[:] = [text]
        return bool(predicate(text))

    until(ready, timeout=timeout)
    return found[0]


def screenshot(dash_duo, folder: Path, name: str) -> Path:  # noqa: ANN001
    """Save a full-page screenshot under test-artifacts/."""
    path = folder / f"{name}.png"
    driver = dash_duo.driver
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, max(1000, min(int(height) + 40, 6000)))
    driver.save_screenshot(str(path))
    return path
