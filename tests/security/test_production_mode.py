"""Production mode refuses the demo key and secret before anything is served (the CLI
path, ``monitor serve`` in a subprocess, is in tests/api/test_cli_users.py)."""

from __future__ import annotations

import pytest

from monitor.errors import SettingsError
from monitor.settings import DEMO_PSEUDONYM_KEY, get_settings
from monitor.web import create_web_app


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_web_app_refuses_the_demo_key(production):
    with pytest.raises(SettingsError, match="PSEUDONYM_KEY is the demo key"):
        create_web_app(dashboards=False)


def test_web_app_refuses_the_demo_session_secret(production):
    production.setenv("PSEUDONYM_KEY", "p" * 40)
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="SESSION_SECRET is the demo secret"):
        create_web_app(dashboards=False)


def test_web_app_starts_with_secrets_of_its_own(production):
    production.setenv("PSEUDONYM_KEY", "p" * 40)
    production.setenv("SESSION_SECRET", "s" * 40)
    get_settings.cache_clear()
    assert get_settings().pseudonym_key.get_secret_value() != DEMO_PSEUDONYM_KEY
    app = create_web_app(dashboards=False)
    assert app.openapi()["info"]["title"] == "Common Monitor API"
