"""Fixtures for the dashboard tests: the dashboard world on both databases (unit tests),
a SQLite file of it for the browser tests, and headless Debian Chromium for dash[testing].

``python -m pytest`` with no flags runs the browser tests headless: ``pytest_setup_options``
hands dash[testing] ChromeOptions with ``--headless=new`` and Debian's ``/usr/bin/chromium``
(Selenium finds ``/usr/bin/chromedriver`` on the PATH); nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session

from monitor import db
from monitor.settings import get_settings
from tests.dashboards.world import DashboardWorld, build_dashboard_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")


def pytest_setup_options():  # noqa: ANN201 - dash[testing] hook
    """Headless Chromium options for the ``dash_duo`` fixture."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--lang=nl-NL",
    ):
        options.add_argument(argument)
    if Path(CHROMIUM).exists():
        options.binary_location = CHROMIUM
    return options


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashes() -> Iterator[None]:
    """The world creates eight users; argon2 at its production cost takes 0.7 s a hash.
    Tests hash with a cheap setting (verification reads the cost from the hash)."""
    from argon2 import PasswordHasher

    from monitor import auth

    production = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    auth._hasher = production


@pytest.fixture
def world(catalogue: Session) -> DashboardWorld:
    """The dashboard world on the test database (SQLite and PostgreSQL)."""
    return build_dashboard_world(catalogue)


@pytest.fixture(scope="session")
def dashboard_db_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the catalogue and the dashboard world, built once."""
    from monitor.catalogue import load_catalogue

    path = tmp_path_factory.mktemp("dashboard") / "world.db"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as session:
        load_catalogue(session)
        session.commit()
        build_dashboard_world(session)
    engine.dispose()
    return path


@pytest.fixture
def dashboard_db(
    dashboard_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A private copy of the world; DATABASE_URL points at it so the app reads it."""
    path = tmp_path / "world.db"
    shutil.copy(dashboard_db_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield url
    db.get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def artifacts() -> Path:
    """Where browser tests save screenshots (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
