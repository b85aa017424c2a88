"""Shared fixtures: a freshly migrated database per test, on SQLite and on PostgreSQL.

Each test that asks for ``engine`` runs twice: ``[sqlite]`` and ``[postgres]``. A migrated
template is built once per session and cloned per test (a file copy on SQLite,
``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so tests may commit freely.

PostgreSQL comes from ``TEST_POSTGRES_URL`` (default: the local server, user postgres,
database test). When it cannot be reached the ``[postgres]`` tests are skipped on a
developer machine but FAIL in CI (``CI`` set), so CI always exercises PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from monitor import db
from monitor.settings import get_settings

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = bool(os.environ.get("CI"))
_counter = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    """Keep test runs from touching a developer's real database or .env."""
    os.environ.setdefault("ENVIRONMENT", "test")
    config.addinivalue_line("markers", "browser_missing: CI run without Chromium (fails)")


#: Fixtures of dash[testing] that drive a browser.
BROWSER_FIXTURES = {"dash_duo", "dash_duo_mp", "dash_br", "dashr", "dashjl"}
BROWSER_HINT = (
    "browser tests need Chromium and its driver: apt-get install chromium chromium-driver"
)


def missing_browser_tools() -> list[str]:
    """Which of chromium and chromedriver are not on the PATH (nothing is downloaded)."""
    return [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]


def _drives_a_browser(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("browser") is not None or bool(names & BROWSER_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium outside CI the browser tests skip with one line saying how to
    install it; in CI (``CI`` set) they run, and fail at setup when it is missing."""
    missing = missing_browser_tools()
    if not missing:
        return
    reason = f"{BROWSER_HINT} (not found: {', '.join(missing)})"
    for item in items:
        if _drives_a_browser(item):
            if IN_CI:
                item.add_marker(pytest.mark.browser_missing(reason))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """In CI a missing browser fails the browser tests instead of skipping them."""
    marker = item.get_closest_marker("browser_missing")
    if marker is not None:
        pytest.fail(f"CI: {marker.args[0]}", pytrace=False)


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return str(exc).splitlines()[0]


class _PostgresTemplates:
    """Creates the migrated template database once and clones it per test."""

    def __init__(self) -> None:
        self.admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        self.prefix = f"cmt_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.template}"'))
        engine = create_engine(self.url(self.template))
        db.upgrade(engine)
        engine.dispose()

    def url(self, name: str) -> str:
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def clone(self) -> str:
        name = f"{self.prefix}_{next(_counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        self.created.append(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        with self.admin.connect() as conn:
            for name in [*self.created, self.template]:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[_PostgresTemplates]:
    reason = _postgres_reachable()
    if reason is not None:
        message = f"PostgreSQL at {db.safe_url(POSTGRES_URL)} is unreachable: {reason}"
        if IN_CI:
            pytest.fail(message + " (CI must exercise PostgreSQL)")
        pytest.skip(message)
    templates = _PostgresTemplates()
    yield templates
    templates.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "monitor.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        templates: _PostgresTemplates = request.getfixturevalue("postgres_templates")
        url = templates.clone()
        yield url
        db.get_engine.cache_clear()
        templates.drop(url)


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Engine on the fresh database; DATABASE_URL points at it so the CLI/API use it too."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    engine = db.get_engine(database_url)
    yield engine
    engine.dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database (tests commit as they need)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def catalogue(session: Session) -> Session:
    """The session, with the shipped catalogue loaded and committed."""
    from monitor.catalogue import load_catalogue

    load_catalogue(session)
    session.commit()
    return session


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``monitor ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from monitor.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def exact_figures(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Published counts without the cell-key noise (small counts still withheld): for
    tests that hold a computation to hand-calculated figures."""
    monkeypatch.setenv("DISCLOSURE_NOISE", "none")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("DISCLOSURE_NOISE", raising=False)
    get_settings.cache_clear()
