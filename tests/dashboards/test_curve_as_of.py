"""The reflection page's turn-the-curve chart of a past session shows the figures as known
on the session day, as its PDF report prints them.

World (:mod:`tests.dashboards.world`): the session of 1 February 2024; NW-A's reach in
2023-H2 was 1010 then and was corrected to 1100 on 1 March 2024."""

from __future__ import annotations

from datetime import date

import flask
import pytest
from sqlmodel import Session, select

from dashboards import auth
from dashboards.app import create_dash_app
from dashboards.components import curve
from monitor import sessions
from monitor.db import get_engine
from schema import ReflectionSession, User
from tests.dashboards.world import REACH_AFTER, REACH_BEFORE, SESSION_DAY


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    return create_dash_app()


def _show(session_id):  # noqa: ANN001, ANN202
    with Session(get_engine()) as session:
        user = session.exec(select(User).where(User.username == "viewer_a")).one()
        flask.session[auth.SESSION_KEY] = sessions.start_session(session, user)
        session.commit()
    flask.session["lang"] = "nl"
    return curve.show_curve("NW_CHILDREN", session_id, None, "NW-A")


def _points(figure) -> dict:  # noqa: ANN001
    (line,) = [t for t in figure.data if t.mode == "lines+markers"]
    return {x: y for x, y in zip(line.x, line.y, strict=True) if y is not None}


def test_a_past_session_shows_the_figures_of_its_day(app):  # noqa: ANN001
    with Session(get_engine()) as session:
        session_id = session.exec(select(ReflectionSession.id)).first()
        held_on = session.get(ReflectionSession, session_id).held_on
    assert held_on == SESSION_DAY
    with app.server.test_request_context("/"):
        then, *_ = _show(session_id)
        now, *_ = _show(None)
    assert _points(then)[date(2023, 7, 1)] == REACH_BEFORE
    assert _points(now)[date(2023, 7, 1)] == REACH_AFTER
