"""No BSN, password, pseudonym key, session secret or token ever appears in a log line
(the app's and uvicorn's), an error answer, a stored message, the audit trail or a
rejects file."""

from __future__ import annotations

import logging

import httpx
from sqlmodel import Session, select

from monitor import query
from monitor.api import create_api
from monitor.ingest import ingest_file
from monitor.settings import get_settings
from schema import AuditEntry, Submission
from tests.monitor.api.helpers import BSNS, LiveServer

KEY = "test-pseudonym-key-0123456789-abcdefghijkl"
SECRET = "test-session-secret-9876543210-zyxwvu"
WRONG_PASSWORD = "Hunter2-wrong-password-xyz"
INVALID_BSN = "123456789"  # nine digits, fails the elfproef


def _case_file() -> bytes:
    lines = ["bsn,indicator,date,value,birth_month,sex,municipality"]
    lines += [f"{b},CH_ABS,2024-03-31,2,2014-05,f,GM0363" for b in BSNS]
    lines += [f"{INVALID_BSN},CH_ABS,2024-03-31,2,2014-05,f,GM0363"]
    lines += [f"{BSNS[0]},CH_ABS,2024-02-30,250,2014-05,q,GM9999"]
    return ("\n".join(lines) + "\n").encode()


def test_no_secret_in_logs_answers_or_stored_text(engine, api_world, caplog, monkeypatch, tmp_path):
    monkeypatch.setenv("PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("SESSION_SECRET", SECRET)
    get_settings.cache_clear()
    caplog.set_level(logging.DEBUG)
    from tests.factories import PASSWORD

    def exploding(*_args, **_kwargs):
        raise RuntimeError(
            f"boom with {BSNS[0]} and {KEY} and {SECRET} and {api_world.tokens['admin']}"
        )

    answers: list[str] = []
    app = create_api(engine=engine)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        login = http.post("/api/token", data={"username": "school_a", "password": PASSWORD})
        assert login.status_code == 200
        token = login.json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(2):
            failed = http.post(
                "/api/token", data={"username": "school_a", "password": WRONG_PASSWORD}
            )
            answers.append(failed.text)
        upload = http.post(
            "/api/submissions",
            headers=auth,
            files={"file": ("cases.csv", _case_file())},
            data={"organisation": "11AA"},
        )
        assert upload.status_code == 422
        answers.append(upload.text)
        rows = [
            {"bsn": b, "indicator": "CH_ABS", "date": "2024-03-31", "value": "x"}
            for b in (*BSNS, INVALID_BSN)
        ]
        answers.append(
            http.post(
                "/api/submissions/rows", headers=auth, json={"organisation": "11AA", "rows": rows}
            ).text
        )
        answers.append(http.get(f"/api/organisations/{BSNS[1]}", headers=auth).text)
        answers.append(http.get("/api/indicators", headers={"Authorization": "Bearer x"}).text)
        answers.append(http.get(f"/api/series/NW_REF?as_of={BSNS[0]}", headers=auth).text)
        monkeypatch.setattr(query, "aggregate_series", exploding)
        crash = http.get("/api/series/NW_REF", headers=auth)
        assert crash.status_code == 500
        answers.append(crash.text)

    report = ingest_file(Session(engine), _write(tmp_path / "cases.csv"), organisation_code="11AA")
    rejects = report.rejects_csv(tmp_path / "rejects.csv").read_text()
    with Session(engine) as session:
        stored = [s.message for s in session.exec(select(Submission)).all()]
        stored += [f"{a.target} {a.detail}" for a in session.exec(select(AuditEntry)).all()]

    secrets = {
        "BSN": [*BSNS, INVALID_BSN],
        "password": [PASSWORD, WRONG_PASSWORD],
        "key": [KEY, SECRET],
        "token": [token, *api_world.tokens.values()],
    }
    server_log = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith(("httpx", "httpcore"))  # the test's own client
    )
    places = {
        "log": server_log,
        "answers": "\n".join(answers),
        "stored": "\n".join(stored),
        "rejects file": rejects,
    }
    assert "GET /api/organisations/*******82" in server_log  # uvicorn's access log, masked
    assert "RuntimeError: boom with *******33" in server_log  # the 500, logged and masked
    leaks = [
        f"{kind} {value[:6]}... in {place}"
        for kind, values in secrets.items()
        for value in values
        for place, text in places.items()
        if value in text
    ]
    assert leaks == []
    assert "*******82" in places["answers"] or "*******33" in places["answers"]
    get_settings.cache_clear()


def _write(path):
    path.write_bytes(_case_file())
    return path
