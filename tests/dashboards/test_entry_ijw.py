"""iJw messages dropped on the data-entry page (issue #15): for a municipality they go to
the iJw import (XSD-checked, BSN pseudonymised) and the page reports what was stored; for
any other organisation they are refused in Dutch; a BSN never appears in the answer."""

from __future__ import annotations

import base64
import io
import json
import sys
import zipfile
from contextlib import contextmanager

import flask
import plotly
import pytest
from sqlmodel import Session, select

from dashboards import auth
from dashboards.app import create_dash_app
from monitor import sessions
from monitor.db import get_engine
from monitor.ingest.ijw import link_provider
from schema import CaseMeasurement, User
from tests.monitor.ingest.ijw.messages import bsn, jw301, jw305

AGB = "98000007"


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    with Session(get_engine()) as session:
        link_provider(session, AGB, "JH-A")
        session.commit()
    return create_dash_app()


@contextmanager
def _as(app, username: str):  # noqa: ANN001, ANN202
    with app.server.test_request_context("/"):
        with Session(get_engine()) as session:
            user = session.exec(select(User).where(User.username == username)).one()
            flask.session[auth.SESSION_KEY] = sessions.start_session(session, user)
            session.commit()
        flask.session["lang"] = "nl"
        yield


def _contents(name: str, data: bytes) -> str:
    kind = "application/zip" if name.endswith(".zip") else "text/xml"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _text(component) -> str:  # noqa: ANN001
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _submit(name: str, data: bytes, reporter: str):  # noqa: ANN202
    entry = sys.modules["pages.data_entry"]
    return entry.submit(_contents(name, data), None, name, [], reporter, reporter,
                        None, None, None, None, None, None)  # fmt: skip


def _case_rows() -> int:
    with Session(get_engine()) as session:
        return len(session.exec(select(CaseMeasurement.id)).all())


def test_a_municipality_drops_an_ijw_zip_on_the_entry_page(app, monkeypatch):  # noqa: ANN001
    from dash import ctx

    monkeypatch.setattr(type(ctx), "triggered_id", property(lambda _: "entry-upload"))
    child = bsn(80)
    common = dict(child=child, provider=AGB, gemeente="0363")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("301.xml", jw301(**common, day="2025-02-03", products=[{"number": "90"}]))
        archive.writestr(
            "305.xml",
            jw305(**common, day="2025-02-13", products=[{"number": "90", "begin": "2025-02-13"}]),
        )
    before = _case_rows()
    with _as(app, "officer_ams"):
        status, rows = _submit("berichten.zip", packed.getvalue(), "GM0363")
    assert "2 productregels opgeslagen" in _text(status), _text(status)  # 301 + 305
    assert _case_rows() > before  # derived case rows (allocation, start) stored
    assert child not in _text(status) + _text(rows)
    with _as(app, "school_a"):  # a school is not a municipality: refused, nothing stored
        message = jw301(**common, day="2025-02-03", products=[{"number": "91"}])
        status, rows = _submit("301.xml", message.encode(), "11AA")
    assert "iJw-berichten worden ingelezen voor een gemeente; 11AA is dat niet" in _text(status)
    assert child not in _text(status)
