"""Engine, sessions and migrations: the one place that opens connections to the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from monitor.errors import DatabaseUnavailableError
from monitor.settings import production_checked

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """Return a (cached) engine for ``url`` or the configured ``DATABASE_URL``; refuses
    production mode with the demo key or a weak secret (whatever the entry point)."""
    settings = production_checked()
    url = url or settings.database_url
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnavailableError(
            f"DATABASE_URL {safe_url(url)!r} is not a usable database URL ({exc}). "
            "Use sqlite:///file.db or postgresql+psycopg://user:pass@host:5432/dbname."
        ) from None
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once; raise :class:`DatabaseUnavailableError` with a fix-it hint if we cannot."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatabaseUnavailableError(
            f"cannot reach the database at {safe_url(str(engine.url))}: {reason}. "
            "Check DATABASE_URL and that the server is running."
        ) from None


def database_answers(session: Session) -> bool:
    """True when the database behind ``session`` answers a trivial query."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    engine = engine or get_engine()
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at our migrations and the given engine's URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine | None = None, revision: str = "head") -> str:
    """Migrate the database to ``revision`` (default head); returns the revision reached."""
    engine = engine or get_engine()
    check_connection(engine)
    command.upgrade(alembic_config(engine), revision)
    return current_revision(engine) or "base"


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision in ``migrations/versions``."""
    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def require_migrated(engine: Engine | None = None) -> Engine:
    """Return the engine if reachable and at head; otherwise a clear error saying what to run."""
    engine = engine or get_engine()
    check_connection(engine)
    current = current_revision(engine)
    if current != head_revision():
        state = "empty" if current is None else f"at revision {current}"
        raise DatabaseUnavailableError(
            f"the database {safe_url(str(engine.url))} is {state}, not at the newest schema "
            f"({head_revision()}). Run: monitor db upgrade"
        )
    return engine
