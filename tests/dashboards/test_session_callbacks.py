"""The session view's callbacks through Dash's real endpoint (issue #13): without a session
a note gets a Dutch message (never "reflection session None does not exist"); a saved
note clears its form; a new session is returned for the picker to choose; goals and
turn-the-curve answers are stored with the right organisation and session."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select

from dashboards import ids
from dashboards.app import create_dash_app
from monitor.db import get_engine
from schema import ReflectionAnswer, ReflectionNote, ReflectionSession, Target
from tests.monitor.api.test_page_access import _callback, _log_in, _post


@pytest.fixture
def client(dashboard_db):  # noqa: ANN001, ANN201
    app = create_dash_app()
    test_client = app.server.test_client()
    test_client.get("/")
    _log_in(test_client, app, "viewer_a")
    return app, test_client


def _record(app, test_client, trigger: str, **values):  # noqa: ANN001, ANN003, ANN202
    _key, spec = _callback(app, "record")
    names = {i["id"]: f"{i['id']}.{i['property']}" for i in [*spec["inputs"], *spec["state"]]}
    body = {names[k]: None for k in names}
    body.update({names[ids.ORG]: "NW-A", names[ids.REFLECTION_REFRESH]: 0})
    body.update({names[k]: v for k, v in values.items()})
    body[names[trigger]] = 1
    answer = _post(test_client, app, "record", body, [names[trigger]])
    assert answer.status_code == 200, answer.text[:500]
    return answer.json["response"]


def _session_id() -> int:
    with Session(get_engine()) as session:
        return session.exec(select(ReflectionSession.id)).first()


def test_note_without_a_session_gets_a_dutch_message(client):  # noqa: ANN001
    app, test_client = client
    response = _record(
        app, test_client, ids.REFLECTION_NOTE_BUTTON,
        **{ids.REFLECTION_NOTE_KIND: "note", ids.REFLECTION_NOTE_TEXT: "Iets"},
    )  # fmt: skip
    text = json.dumps(response, ensure_ascii=False)
    assert "Kies eerst een bijeenkomst of maak een nieuwe aan." in text
    assert "None" not in text and "does not exist" not in text


def test_a_saved_note_clears_the_form_and_a_new_session_is_chosen(client):  # noqa: ANN001
    app, test_client = client
    session_id = _session_id()
    response = _record(
        app, test_client, ids.REFLECTION_NOTE_BUTTON,
        **{ids.REFLECTION_SESSION: session_id, ids.REFLECTION_NOTE_KIND: "note",
           ids.REFLECTION_NOTE_TEXT: "Afspraak: huisartsen uitnodigen"},
    )  # fmt: skip
    assert response[ids.REFLECTION_NOTE_TEXT]["value"] == ""
    assert response[ids.REFLECTION_NOTE_DUE]["value"] is None
    with Session(get_engine()) as session:
        texts = session.exec(select(ReflectionNote.text)).all()
    assert "Afspraak: huisartsen uitnodigen" in texts

    response = _record(
        app, test_client, ids.REFLECTION_NEW_BUTTON,
        **{ids.REFLECTION_NEW_DATE: "2024-06-11", ids.REFLECTION_NEW_TITLE: "Zomer"},
    )  # fmt: skip
    new_id = response[ids.REFLECTION_NEW_ID]["data"]
    assert response[ids.REFLECTION_NEW_TITLE]["value"] == ""
    with Session(get_engine()) as session:
        created = session.get(ReflectionSession, new_id)
    assert (created.held_on, created.title) == (date(2024, 6, 11), "Zomer")
    # the picker chooses it
    _key, spec = _callback(app, "choose_session")
    names = {i["id"]: f"{i['id']}.{i['property']}" for i in [*spec["inputs"], *spec["state"]]}
    body = {names[ids.ORG]: "NW-A", names[ids.REFLECTION_REFRESH]: 1,
            names[ids.REFLECTION_NEW_ID]: new_id,
            names[ids.REFLECTION_SESSION]: session_id}  # fmt: skip
    answer = _post(test_client, app, "choose_session", body, [names[ids.REFLECTION_NEW_ID]])
    assert answer.json["response"][ids.REFLECTION_SESSION]["value"] == new_id

    response = _record(app, test_client, ids.REFLECTION_NEW_BUTTON,
                       **{ids.REFLECTION_NEW_TITLE: "Zonder datum"})  # fmt: skip
    assert "Vul de datum van de bijeenkomst in." in json.dumps(response, ensure_ascii=False)


def test_goal_and_answers_are_stored(client):  # noqa: ANN001
    app, test_client = client
    session_id = _session_id()
    _key, spec = _callback(app, "save_curve")
    names = {i["id"]: f"{i['id']}.{i['property']}" for i in [*spec["inputs"], *spec["state"]]}
    body = {k: None for k in names.values()}
    body.update({names[ids.ORG]: "NW-A", names[ids.REFLECTION_SESSION]: session_id,
                 names[ids.REFLECTION_CURVE_INDICATOR]: "NW_REF_RATE",
                 names[ids.REFLECTION_GOAL_VALUE]: 35,
                 names[ids.REFLECTION_GOAL_DATE]: "2025-12-31",
                 names[ids.REFLECTION_REFRESH]: 0})  # fmt: skip
    answer = _post(test_client, app, "save_curve", body, [names[ids.REFLECTION_GOAL_BUTTON]])
    assert "Doel opgeslagen" in answer.text
    body[names[ids.REFLECTION_GOAL_VALUE]] = -5  # outside what a rate can take
    answer = _post(test_client, app, "save_curve", body, [names[ids.REFLECTION_GOAL_BUTTON]])
    assert "buiten wat deze indicator kan aannemen" in answer.text
    body[names[ids.REFLECTION_ANSWERS["story"]]] = "Minder verwijzingen sinds het spreekuur."
    body[names[ids.REFLECTION_ANSWERS["plan"]]] = "Spreekuur uitbreiden."
    answer = _post(test_client, app, "save_curve", body, [names[ids.REFLECTION_ANSWERS_BUTTON]])
    assert "2 van de 4 vragen beantwoord" in answer.text
    with Session(get_engine()) as session:
        [goal] = session.exec(select(Target)).all()
        stored = session.exec(select(ReflectionAnswer).order_by(ReflectionAnswer.question)).all()
    assert (goal.indicator_code, goal.target_value, goal.target_date) == (
        "NW_REF_RATE", 35.0, date(2025, 12, 31),
    )  # fmt: skip
    assert [(a.session_id, a.indicator_code, a.question) for a in stored] == [
        (session_id, "NW_REF_RATE", "plan"), (session_id, "NW_REF_RATE", "story"),
    ]  # fmt: skip
