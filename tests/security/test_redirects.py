"""Issue #12, item 13: the language switch and the login's "next" never lead off-site.

``/lang/nl?next=/%09/evil.example`` answered ``Location: /\t/evil.example``, which a browser
reads as ``//evil.example``. The query strings are sent raw, as an attacker's link would."""

from __future__ import annotations

import flask
import pytest

from dashboards import auth

#: "next" values as they appear in a link's query string (percent-encoding kept).
BYPASSES = [
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%00/evil.example",
    "/%20/evil.example",
    "/%E3%80%80/evil.example",  # ideographic space
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "https:evil.example",
    "https://evil.example",
    "https%3A%2F%2Fevil.example",
    "javascript:alert(1)",
    "/javascript:alert(1)",
    "JaVaScRiPt%3Aalert(1)",
    "%09//evil.example",
    "/\t/evil.example",
    "evil.example",
    "/..//evil.example",
]


@pytest.fixture
def client() -> flask.testing.FlaskClient:
    server = flask.Flask("redirect-test")
    auth.configure(server, "/", "/")
    return server.test_client()


@pytest.mark.parametrize("target", BYPASSES)
def test_language_switch_never_redirects_off_site(client, target):
    answer = client.get(f"/lang/nl?next={target}")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/", (target, answer.headers["Location"])


@pytest.mark.parametrize("target", ["/", "/trend", "/trend?org=NW-A&period=2024-H1", "/a/b"])
def test_language_switch_keeps_pages_of_the_app(client, target):
    answer = client.get("/lang/nl", query_string={"next": target})
    assert answer.headers["Location"] == target


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_target_refuses_decoded_bypasses(target):
    from urllib.parse import unquote

    assert auth.safe_target(unquote(target), "/") == "/"
    assert auth.safe_target(unquote(target), "/dashboards/") == "/dashboards/"
