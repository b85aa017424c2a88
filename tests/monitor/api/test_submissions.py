"""Submissions through the API: files and JSON rows, all or nothing, status, limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from monitor.api import create_api
from tests.monitor.api.helpers import BSNS, data_counts, row_counts, sample_file

CASES = (
    "bsn,indicator,date,value,birth_month,sex,municipality\n"
    f"{BSNS[0]},CH_ABS,2024-03-31,2,2014-05,f,GM0363\n"
    f"{BSNS[1]},CH_ABS,2024-03-31,4,2013-02,m,GM0363\n"
)


def _post(client, headers, org, name, data, **form):
    return client.post(
        "/api/submissions",
        headers=headers,
        files={"file": (name, data)},
        data={"organisation": org, **form},
    )


def test_partner_uploads_a_case_file(client, api_world, engine):
    before = data_counts(engine)
    response = _post(client, api_world.headers("school_a"), "11AA", "cases.csv", CASES.encode())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "accepted" and body["rows_accepted"] == 2
    assert body["organisation_code"] == "11AA" and body["file_name"] == "cases.csv"
    after = data_counts(engine)
    assert after["case_measurement"] == before["case_measurement"] + 2
    assert after["child"] == before["child"] + 2
    status = client.get(
        f"/api/submissions/{body['submission_id']}", headers=api_world.headers("school_a")
    )
    assert status.status_code == 200 and status.json()["rows_accepted"] == 2
    listed = client.get(
        "/api/submissions", params={"organisation": "11AA"}, headers=api_world.headers("school_a")
    )
    assert body["submission_id"] in [s["submission_id"] for s in listed.json()]
    again = _post(client, api_world.headers("school_a"), "11AA", "cases.csv", CASES.encode())
    assert again.status_code == 200 and again.json()["status"] == "duplicate"


def test_rejected_file_stores_nothing_and_names_row_column_reason(client, api_world, engine):
    bad = CASES + "123456789,CH_ABS,2024-13-01,x,2014-05,f,GM0363\n"
    before = data_counts(engine)
    response = _post(client, api_world.headers("school_a"), "11AA", "cases.csv", bad.encode())
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "rejected" and body["rows_accepted"] == 0
    rows = {p["row"] for p in body["problems"]}
    assert 4 in rows
    assert all(p["reason"] for p in body["problems"])
    assert "123456789" not in response.text
    assert data_counts(engine) == before


def test_accept_valid_stores_the_good_rows(client, api_world, engine):
    bad = CASES + "c9,CH_ABS,not-a-date,1,2014-05,f,GM0363\n"
    response = _post(
        client,
        api_world.headers("school_a"),
        "11AA",
        "cases.csv",
        bad.encode(),
        accept_valid="true",
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "partial"
    assert response.json()["rows_accepted"] == 2 and response.json()["rows_rejected"] == 1


def test_json_rows_for_an_organisation(client, api_world, engine):
    before = data_counts(engine)
    body = {
        "organisation": "GM0363",
        "rows": [
            {"organisation": "GM0363", "indicator": "MU_YOUTH", "period": "2024-H1", "value": 1},
            {
                "organisation": "GM0363",
                "indicator": "MU_CARE",
                "period": "2024-H1",
                "value": 2,
                "category": "ambulant",
            },
        ],
    }
    response = client.post(
        "/api/submissions/rows", json=body, headers=api_world.headers("officer_ams")
    )
    assert response.status_code == 201, response.text
    assert response.json()["rows_accepted"] == 2
    assert data_counts(engine)["aggregate_measurement"] == before["aggregate_measurement"] + 2


def test_empty_rows_and_unknown_shape_are_refused(client, api_world):
    headers = api_world.headers("officer_ams")
    empty = client.post(
        "/api/submissions/rows", json={"organisation": "GM0363", "rows": []}, headers=headers
    )
    assert empty.status_code == 422
    blank = client.post(
        "/api/submissions/rows", json={"organisation": "GM0363", "rows": [{}]}, headers=headers
    )
    assert blank.status_code == 422 and "column" in blank.json()["detail"]
    clash = client.post(
        "/api/submissions/rows",
        json={"organisation": "GM0363", "rows": [{"period": "2024", " period": "2024", "": 1}]},
        headers=headers,
    )
    assert clash.status_code == 422
    assert {p["reason"] for p in clash.json()["problems"]} == {
        "empty column name",
        "same column as 'period'",
    }


def test_file_name_is_sanitised(client, api_world):
    name, data = sample_file("11AA")
    response = _post(client, api_world.headers("school_a"), "11AA", "../../etc/cases.csv", data)
    assert response.status_code == 201
    assert response.json()["file_name"] == "cases.csv"


@pytest.mark.parametrize("declared", [True, False])
def test_bodies_over_the_limit_get_413_and_change_nothing(engine, api_world, declared):
    app = create_api(engine=engine, max_upload_bytes=10_000)
    before = row_counts(engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        big = b"child_ref,indicator,date,value\n" + b"c1,CH_ABS,2024-03-31,2\n" * 2000
        if declared:
            response = _post(client, api_world.headers("school_a"), "11AA", "big.csv", big)
        else:

            def chunks():
                for start in range(0, len(big), 4096):
                    yield big[start : start + 4096]

            response = client.post(
                "/api/submissions/rows",
                content=chunks(),
                headers={**api_world.headers("school_a"), "content-type": "application/json"},
            )
    assert response.status_code == 413
    assert "maximum" in response.json()["detail"]
    assert row_counts(engine) == before


def test_a_claimed_one_gigabyte_upload_is_refused_unread(engine, api_world):
    app = create_api(engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(
            "/api/submissions",
            content=b"x" * 100,
            headers={
                **api_world.headers("school_a"),
                "content-type": "multipart/form-data; boundary=x",
                "content-length": str(1024**3),
            },
        )
    assert response.status_code == 413


def test_a_big_rejected_file_leaves_no_rejects_file_behind(
    client, api_world, monkeypatch, tmp_path
):
    """Past the listed problems, every problem goes to a rejects file while the file is
    read; the API answers with the first ones and the count, and deletes the file (it
    holds the rejected values)."""
    from monitor.ingest import chunked

    monkeypatch.setattr(chunked, "LISTED", 2)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    from tests.monitor.ingest.helpers import valid_bsns

    bad = CASES + "".join(
        f"{b},CH_ABS,2024-03-31,-1,2014-05,f,GM0363\n" for b in valid_bsns(4, start=50_000_000)
    )
    response = _post(client, api_world.headers("school_a"), "11AA", "cases.csv", bad.encode())
    assert response.status_code == 422, response.text
    body = response.json()
    assert len(body["problems"]) == 2 and body["message"].startswith("nothing stored: 4 ")
    assert list(scratch.rglob("*")) == []
