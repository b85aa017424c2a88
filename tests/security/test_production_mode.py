"""Production mode refuses the demo key and secret before anything is served (the CLI
path, ``monitor serve`` in a subprocess, is in tests/monitor/cli/test_users.py)."""

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


# ---- issue #12, item 11: every entry point, not only ``serve``, refuses the demo secrets


def test_api_factory_refuses_the_demo_key(production):
    from monitor.api import create_api

    with pytest.raises(SettingsError, match="PSEUDONYM_KEY is the demo key"):
        create_api()


def test_dashboards_refuse_the_demo_secret(production):
    from dashboards.app import create_dash_app

    production.setenv("PSEUDONYM_KEY", "p" * 40)
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="SESSION_SECRET is the demo secret"):
        create_dash_app()


def test_engine_and_pseudonymiser_refuse_the_demo_key(production):
    from monitor import db
    from monitor.pseudonym import pseudonym_for_bsn

    db.get_engine.cache_clear()
    with pytest.raises(SettingsError, match="PSEUDONYM_KEY is the demo key"):
        db.get_engine("sqlite:///:memory:")
    with pytest.raises(SettingsError, match="PSEUDONYM_KEY is the demo key"):
        pseudonym_for_bsn("111222333")
    db.get_engine.cache_clear()


@pytest.mark.parametrize(
    ("key", "secret", "message"),
    [
        ("p" * 31 + "!", "s" * 31, "SESSION_SECRET is too weak"),
        ("p" * 40, "", "SESSION_SECRET is too weak"),
        (DEMO_PSEUDONYM_KEY, "s" * 40, "PSEUDONYM_KEY is the demo key"),
    ],
)
def test_short_or_demo_secrets_are_refused(production, key, secret, message):
    production.setenv("PSEUDONYM_KEY", key)
    production.setenv("SESSION_SECRET", secret)
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match=message):
        get_settings().check_production_secrets()


CLI_COMMANDS = [
    ("ingest", "{file}", "--org", "11AA"),
    ("ingest", "{file}", "--org", "11AA", "--dry-run"),
    ("user", "add", "mallory", "--password-stdin"),
    ("user", "list"),
    ("user", "role", "school_a", "admin"),
    ("db", "upgrade"),
    ("db", "status"),
    ("catalogue", "load"),
    ("org", "list"),
    ("extract", "--indicators", "CH_ABS", "--out", "{out}", "--token", "x"),
    ("demo", "--no-serve"),
    ("audit",),
]


@pytest.mark.parametrize("args", CLI_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_cli_command_refuses_the_demo_key(
    args, cli, catalogue, engine, tmp_path, monkeypatch
):
    """``ENVIRONMENT=production monitor ingest`` stored pseudonyms made with the public demo
    key; now every command stops before it touches data (exit 2, nothing stored)."""
    from monitor.db import get_engine
    from tests.monitor.api.helpers import row_counts

    get_engine.cache_clear()
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "bsn,indicator,date,value,birth_month,sex,municipality\n"
        "111222333,CH_ABS,2024-03-31,2,2014-05,f,GM0363\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a-long-password-1\n"))
    before = row_counts(engine)
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    get_settings.cache_clear()
    argv = [a.format(file=cases, out=tmp_path / "extract") for a in args]
    code, out, err = cli(*argv)
    assert code == 2, (argv, out, err)
    assert "PSEUDONYM_KEY is the demo key" in err
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    assert row_counts(engine) == before
    assert not (tmp_path / "common_monitor.db").exists()
