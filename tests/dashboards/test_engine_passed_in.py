"""The web app runs on the engine it is handed, API and dashboards alike: with
``DATABASE_URL`` naming another (empty) database, both still read the given one."""

from __future__ import annotations

import shutil
from pathlib import Path

import flask
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlmodel import Session

from dashboards import auth as dash_auth
from dashboards.app import create_dash_app
from dashboards.components.frame import login_redirect
from monitor import auth, db, sessions
from monitor.settings import get_settings
from monitor.web import create_web_app

USER = "alleen-hier"


@pytest.fixture
def handed(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch):
    """An engine on one database holding a user, while DATABASE_URL names another."""
    path = tmp_path / "handed.db"
    shutil.copy(sqlite_template, path)
    other = tmp_path / "other.db"
    shutil.copy(sqlite_template, other)
    engine = create_engine(f"sqlite:///{path}")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{other}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    with Session(engine, expire_on_commit=False) as session:
        user = auth.create_user(session, username=USER, password="lang-genoeg-1")
        auth.grant_role(session, user, "admin", None)
        token = auth.create_token(session, user, name="test")
        cookie = sessions.start_session(session, user)
        session.commit()
    yield engine, token, cookie
    engine.dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


def test_the_api_reads_the_handed_engine(handed) -> None:  # noqa: ANN001
    engine, token, _ = handed
    with TestClient(create_web_app(engine=engine, dashboards=False)) as client:
        answer = client.get("/api/users", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert [u["username"] for u in answer.json()] == [USER]


def test_the_dashboards_read_the_handed_engine(handed) -> None:  # noqa: ANN001
    engine, _, cookie = handed
    app = create_dash_app(engine=engine)
    with app.server.test_request_context("/"):
        flask.session[dash_auth.SESSION_KEY] = cookie
        with dash_auth.database() as session:
            assert str(session.get_bind().url) == str(engine.url)
        # the user exists only in the handed database: the page guard lets them in
        assert login_redirect() is None


def test_without_an_engine_the_dashboards_use_database_url(handed) -> None:  # noqa: ANN001
    engine, _, cookie = handed
    app = create_dash_app()
    with app.server.test_request_context("/"):
        flask.session[dash_auth.SESSION_KEY] = cookie
        with dash_auth.database() as session:
            assert str(session.get_bind().url) != str(engine.url)
        # the other database does not know this user: the guard sends them to log in
        assert login_redirect() is not None
