"""Settings: defaults need nothing, malformed values get one clear error."""

from __future__ import annotations

import pytest

from monitor.errors import SettingsError
from monitor.settings import DEMO_PSEUDONYM_KEY, get_settings


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    for name in ("DATABASE_URL", "PSEUDONYM_KEY", "DISCLOSURE_THRESHOLD", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_defaults_are_an_embedded_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = get_settings()
    assert settings.database_url == "sqlite:///common_monitor.db"
    assert settings.disclosure_threshold == 10
    assert settings.pseudonym_key.get_secret_value() == DEMO_PSEUDONYM_KEY


def test_env_file_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DISCLOSURE_THRESHOLD=5\n")
    assert get_settings().disclosure_threshold == 5


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("DISCLOSURE_THRESHOLD", "ten", "DISCLOSURE_THRESHOLD"),
        ("DISCLOSURE_THRESHOLD", "0", "DISCLOSURE_THRESHOLD"),
        ("PSEUDONYM_KEY", "short", "at least 32"),
    ],
)
def test_malformed_values_are_named(monkeypatch, name, value, fragment):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        get_settings()
    assert fragment in str(info.value)


def test_postgres_short_url_uses_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert get_settings().database_url == "postgresql+psycopg://u@h/db"


def test_production_refuses_demo_key(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(SettingsError, match="demo key"):
        get_settings().check_production_secrets()
    monkeypatch.setenv("PSEUDONYM_KEY", "x" * 40)
    monkeypatch.setenv("SESSION_SECRET", "y" * 40)
    get_settings.cache_clear()
    get_settings().check_production_secrets()
