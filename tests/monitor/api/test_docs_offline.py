"""The API documentation works offline: Swagger UI (/api/docs) and ReDoc (/api/redoc) are
served with their scripts from this server, and no page refers to another host."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from monitor.api import create_api
from tests.monitor.api.helpers import LiveServer

DOC_PAGES = ("/api/docs", "/api/redoc")
_URL = re.compile(r"""(?:src|href|url)\s*[:=(]\s*['"]?\s*(https?://[^'"\s)>]+)""", re.I)
_ANY_URL = re.compile(r"https?://[^'\"\s)<>]+", re.I)


def _external(urls: list[str]) -> list[str]:
    return [u for u in urls if not re.match(r"https?://(127\.0\.0\.1|localhost)(:\d+)?/", u)]


@pytest.fixture
def docs_client(engine) -> TestClient:  # noqa: ANN001
    with TestClient(create_api(engine=engine)) as client:
        yield client


@pytest.mark.parametrize("path", DOC_PAGES)
def test_doc_pages_name_only_local_assets(docs_client: TestClient, path: str) -> None:
    answer = docs_client.get(path)
    assert answer.status_code == 200
    html = answer.text
    assert _external(_ANY_URL.findall(html)) == [], "the page names another host"
    assets = re.findall(r"""(?:src|href)="(/api/docs-assets/[^"]+)\"""", html)
    assert any(a.endswith(".js") for a in assets), html
    for asset in assets:  # every asset the page names is really served, and not empty
        served = docs_client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 1000, asset
    policy = answer.headers["content-security-policy"]
    assert "http" not in policy, "the page may load from another host"


def test_openapi_document_is_where_the_pages_look(docs_client: TestClient) -> None:
    for path in DOC_PAGES:
        assert "/api/openapi.json" in docs_client.get(path).text
    spec = docs_client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Common Monitor API"
    assert not any(p.startswith("/api/docs") or p.startswith("/api/redoc") for p in spec["paths"])


def _offline_chrome():  # noqa: ANN202
    """Headless Chromium that can resolve no host name but 127.0.0.1 (network off)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,1000",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",  # anything not bypassed goes nowhere
        "--proxy-bypass-list=127.0.0.1",
    ):
        options.add_argument(argument)
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options)


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromedriver") is None, reason="needs chromedriver")
def test_docs_render_with_the_network_off(engine, tmp_path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with LiveServer(create_api(engine=engine)) as server:
        driver = _offline_chrome()
        try:
            driver.get(server.url + "/api/docs")
            WebDriverWait(driver, 30).until(
                seen.presence_of_element_located((By.CSS_SELECTOR, ".opblock-summary-path"))
            )
            paths = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
            assert "/api/indicators" in " ".join(paths).replace("\u200b", "")
            assert "Common Monitor API" in driver.find_element(By.CSS_SELECTOR, ".title").text
            _no_foreign_requests(driver, server.url)
            driver.save_screenshot(str(artifacts / "api-docs-swagger-offline.png"))

            driver.get(server.url + "/api/redoc")
            WebDriverWait(driver, 30).until(
                seen.text_to_be_present_in_element((By.CSS_SELECTOR, "h1"), "Common Monitor API")
            )
            menu = driver.find_element(By.CSS_SELECTOR, ".menu-content").text
            assert "indicators" in menu.lower()
            _no_foreign_requests(driver, server.url)
            driver.save_screenshot(str(artifacts / "api-docs-redoc-offline.png"))
        finally:
            driver.quit()


def _no_foreign_requests(driver, base: str) -> None:  # noqa: ANN001
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded, "the page loaded no assets at all"
    assert [u for u in loaded if not u.startswith(base) and not u.startswith("blob:")] == []
