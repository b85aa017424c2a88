"""Issue #12, item 14: security headers on every response, and object routes that answer
404 alike for "does not exist" and "exists but not yours"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from monitor.settings import get_settings
from monitor.web import create_web_app

PATHS = ["/api/health", "/api/indicators", "/api/nope", "/api/docs", "/login", "/", "/lang/nl"]


@pytest.fixture
def web(engine, api_world):  # noqa: ANN001, ANN201
    with TestClient(create_web_app(engine=engine), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_security_headers(web, path):
    answer = web.get(path, follow_redirects=False)
    headers = answer.headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # plain http, not production
    if path.startswith("/api") and path != "/api/docs":
        assert "default-src 'none'" in csp
    elif path == "/login":
        assert "'unsafe-eval'" in csp and "'sha256-" in csp  # Dash's inline scripts by hash
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_hsts_over_https_and_in_production(web, monkeypatch):
    assert "strict-transport-security" in web.get("https://testserver/api/health").headers
    assert "strict-transport-security" in web.get("https://testserver/login").headers
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PSEUDONYM_KEY", "p" * 40)
    monkeypatch.setenv("SESSION_SECRET", "s" * 40)
    get_settings.cache_clear()
    assert "max-age=" in web.get("/api/health").headers["strict-transport-security"]
    get_settings.cache_clear()


def test_an_error_answer_has_the_headers_too(client):
    answer = client.get("/api/submissions/1")
    assert answer.status_code == 401 and answer.headers["x-frame-options"] == "DENY"


def test_submission_ids_do_not_reveal_other_organisations_submissions(client, api_world):
    seed = api_world.world.submission_id  # GM0363's submission
    stranger = api_world.headers("officer_rdam")
    theirs = client.get(f"/api/submissions/{seed}", headers=stranger)
    missing = client.get("/api/submissions/999999", headers=stranger)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"].replace(str(seed), "N") == missing.json()["detail"].replace(
        "999999", "N"
    )
    assert (
        client.get(f"/api/submissions/{seed}", headers=api_world.headers("officer_ams")).status_code
        == 200
    )


@pytest.mark.parametrize("suffix", ["", "/members", "/events"])
def test_organisation_codes_do_not_reveal_what_exists(client, api_world, suffix):
    viewer = api_world.headers("viewer_a")
    hidden = client.get(f"/api/organisations/NW-B{suffix}", headers=viewer)
    missing = client.get(f"/api/organisations/NW-ZZ{suffix}", headers=viewer)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace("NW-B", "X") == missing.json()["detail"].replace(
        "NW-ZZ", "X"
    )
