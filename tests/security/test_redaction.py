"""No answer, stored message, audit line or rejects file reveals a BSN — also when it is a
column name (headerless CSV, a JSON key), a file name, or written with separators — and
ordinary numbers are not masked as if they were BSNs (#12 item 16, #11 defect 9)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from monitor.api.errors import problem_dict
from monitor.errors import RowProblem, ValidationFailed
from monitor.redact import redact, redact_value
from schema import AuditEntry, Submission

BSN = "594479824"  # passes the elfproef
SPELLINGS = ("594479824", "5944.79.824", "5944 79 824", "594-479-824", "59447982 4")


def _stored_text(engine) -> str:
    with Session(engine) as session:
        rows = [(s.file_name, s.message) for s in session.exec(select(Submission)).all()] + [
            (a.target, a.detail) for a in session.exec(select(AuditEntry)).all()
        ]
    return json.dumps(rows)


def _digits_leak(text: str) -> bool:
    """True when any spelling of the BSN is in ``text`` (also with its separators)."""
    return any(s in text for s in SPELLINGS) or "3782.09.528" in text or "6156 18 066" in text


def _post(client, api_world, name: str, data: bytes, **form: str):
    return client.post(
        "/api/submissions",
        headers=api_world.headers("school_a"),
        files={"file": (name, data)},
        data={"organisation": "11AA", **form},
    )


def test_headerless_csv_does_not_echo_or_store_the_bsn(client, api_world, engine):
    data = f"{BSN},CH_ABS,2024-03-31,2\n{BSN},CH_ABS,2024-04-30,3\n".encode()
    answer = _post(client, api_world, "cases.csv", data, shape="case")
    assert answer.status_code == 422
    assert not _digits_leak(answer.text), answer.text
    assert "*******24" in answer.text  # still says which column is wrong
    assert not _digits_leak(_stored_text(engine))


def test_json_key_is_not_echoed_or_stored(client, api_world, engine):
    row = {"child_ref": "c1", "indicator": "CH_ABS", "date": "2024-03-31", BSN: "x"}
    body = {"organisation": "11AA", "rows": [row]}
    answer = client.post("/api/submissions/rows", headers=api_world.headers("school_a"), json=body)
    assert answer.status_code == 422
    assert not _digits_leak(answer.text), answer.text
    assert not _digits_leak(_stored_text(engine))


def test_bsn_with_separators_in_any_column_or_file_name(client, api_world, engine):
    data = (
        b"child_ref,indicator,date,value,birth_month,sex,municipality\n"
        b"c1,CH_ABS,3782.09.528,6156 18 066,2014-05,f,GM0363\n"
        b"c2,5944.79.824,2024-03-31,2,2014-05,f,594-479-824\n"
    )
    answer = _post(client, api_world, "594479824.csv", data)
    assert answer.status_code == 422
    assert not _digits_leak(answer.text), answer.text
    assert not _digits_leak(_stored_text(engine))
    assert {p["row"] for p in answer.json()["problems"]} >= {2, 3}  # both rows reported


def test_error_text_holds_no_bsn():
    problem = RowProblem("f.csv", 2, "date", "6156 18 066", "not a date: 3782.09.528")
    failed = ValidationFailed(problems=[problem], summary=f"{BSN}.csv could not be read")
    assert not _digits_leak(str(failed)), str(failed)
    assert not _digits_leak(failed.summary)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0", "outside the allowed range 0 to 10000000"),
        ("100", "outside the allowed range 0 to 100"),
        ("12345678", "a count must be a whole number of 0 or more"),
        ("2024-03-31", "the date 2024-03-31 12:00 is after the end date"),
    ],
)
def test_ordinary_numbers_are_not_masked(value, reason):
    shown = problem_dict(RowProblem("f.csv", 2, "value", value, reason))
    assert shown["value"] == value
    assert shown["reason"] == reason


def test_ordinary_numbers_through_the_api(client, api_world):
    data = b"organisation,indicator,period,value\nGM0363,MU_YOUTH,2024-H1,-5\n"
    answer = client.post(
        "/api/submissions",
        headers=api_world.headers("officer_ams"),
        files={"file": ("figures.csv", data)},
        data={"organisation": "GM0363"},
    )
    assert answer.status_code == 422, answer.text
    reasons = [p["reason"] for p in answer.json()["problems"]]
    assert any("0 to 10000000" in r for r in reasons), reasons
    assert "*" not in answer.text


@pytest.mark.parametrize("spelling", SPELLINGS[:4])
def test_every_spelling_is_masked(spelling):
    assert BSN not in redact(f"got {spelling} here")
    assert spelling not in redact(f"got {spelling} here")
    assert redact_value("value", spelling).endswith("24")
    assert "*" in redact_value("value", spelling)


def test_identifier_columns_are_masked_whole():
    assert redact_value("bsn", "12345") == "***45"
    assert redact_value("child_ref", "abc-17") == "****17"
    assert redact_value("value", "12345") == "12345"
