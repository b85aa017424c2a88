"""The derived waiting times reach an officer through the REST API's case rollups, scoped
and as of a moment, like every other case figure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from monitor import auth
from monitor.api import create_api
from monitor.ingest.ijw import import_messages, link_provider
from monitor.settings import get_settings
from tests.monitor.api.helpers import build_api_world
from tests.monitor.ingest.ijw.messages import bsn, jw301, jw305


@pytest.fixture
def small_cells(monkeypatch):
    monkeypatch.setenv("DISCLOSURE_THRESHOLD", "1")
    monkeypatch.setenv("DISCLOSURE_NOISE", "none")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_waiting_times_through_the_api(catalogue, engine, inbox, monkeypatch, small_cells):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    world = build_api_world(catalogue)
    link_provider(catalogue, "98000005", "JH-A")
    for i, (allocated, begin) in enumerate(
        [("2025-02-03", "2025-02-13"), ("2025-03-03", "2025-04-02")]
    ):
        common = dict(child=bsn(40 + i), provider="98000005", gemeente="0363")
        inbox(f"{i}_301.xml", jw301(**common, day=allocated, products=[{"number": f"50{i}"}]))
        inbox(
            f"{i}_305.xml",
            jw305(**common, day=begin, products=[{"number": f"50{i}", "begin": begin}]),
        )
    before = datetime.now(UTC)
    assert import_messages(catalogue, inbox.folder, municipality_code="GM0363").ok
    app = create_api(engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        params = {"organisation": "GM0363", "period_type": "half_year"}
        response = client.get(
            "/api/rollups/CH_WAIT_ALLOC", params=params, headers=world.headers("officer_ams")
        )
        assert response.status_code == 200
        (row,) = response.json()["rows"]
        # 3 -> 13 Feb: 10 days; 3 Mar -> 2 Apr: 30 days
        assert (row["period_code"], row["n_children"], row["mean"]) == ("2025-H1", 2, 20.0)
        then = client.get(
            "/api/rollups/CH_WAIT_ALLOC",
            headers=world.headers("officer_ams"),
            params={**params, "as_of": before.isoformat()},
        )
        assert then.status_code == 200 and then.json()["rows"] == []
        other = client.get(
            "/api/rollups/CH_WAIT_ALLOC", params=params, headers=world.headers("officer_rdam")
        )
        assert other.status_code in (403, 404)


def _upload(client, user: str, world, name: str, body: bytes, **form):  # noqa: ANN001, ANN202
    return client.post(
        "/api/submissions/ijw",
        files={"file": (name, body, "application/octet-stream")},
        data={"municipality": "GM0363", **form},
        headers=world.headers(user),
    )


def test_ijw_messages_uploaded_through_the_api(catalogue, engine, monkeypatch, small_cells):
    """An officer uploads a zip with a JW301 and its JW305: stored, and the waiting time
    (3 -> 13 Feb 2025: 10 days, by hand) comes back through the rollups; a dry run stores
    nothing; the same zip again is a duplicate."""
    import io
    import zipfile

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    world = build_api_world(catalogue)
    link_provider(catalogue, "98000005", "JH-A")
    common = dict(child=bsn(60), provider="98000005", gemeente="0363")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("301.xml", jw301(**common, day="2025-02-03", products=[{"number": "70"}]))
        archive.writestr(
            "305.xml",
            jw305(**common, day="2025-02-13", products=[{"number": "70", "begin": "2025-02-13"}]),
        )
    body = packed.getvalue()
    with TestClient(create_api(engine=engine), raise_server_exceptions=False) as client:
        tried = _upload(client, "officer_ams", world, "berichten.zip", body, dry_run="true")
        assert tried.status_code == 200 and tried.json()["status"] == "dry_run"
        sent = _upload(client, "officer_ams", world, "berichten.zip", body)
        assert sent.status_code == 201, sent.json()
        assert sent.json()["rows_accepted"] == 2  # two product lines
        again = _upload(client, "officer_ams", world, "berichten.zip", body)
        assert again.status_code == 200 and again.json()["status"] == "duplicate"
        rollup = client.get(
            "/api/rollups/CH_WAIT_ALLOC",
            params={"organisation": "GM0363", "period_type": "half_year"},
            headers=world.headers("officer_ams"),
        )
        (row,) = rollup.json()["rows"]
        assert (row["n_children"], row["mean"]) == (1, 10.0)


def test_ijw_upload_refuses_outsiders_and_bad_files_without_showing_a_bsn(
    catalogue, engine, monkeypatch
):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    world = build_api_world(catalogue)
    child = bsn(61)
    message = jw301(child=child, provider="98000005", gemeente="0363", day="2025-02-03",
                    products=[{"number": "71"}])  # fmt: skip
    with TestClient(create_api(engine=engine), raise_server_exceptions=False) as client:
        for user in ("officer_rdam", "school_a", "viewer_a"):  # not allowed to submit for it
            refused = _upload(client, user, world, "301.xml", message.encode())
            assert refused.status_code == 403, (user, refused.status_code)
        wrong = _upload(client, "officer_ams", world, "301.csv", message.encode())
        assert wrong.status_code == 422 and ".zip" in wrong.text
        # an unknown provider (AGB not linked) and a truncated message: 422, no BSN echoed
        for name, text in (("301.xml", message), ("kapot.xml", message[: len(message) // 2])):
            bad = _upload(client, "officer_ams", world, name, text.encode())
            assert bad.status_code == 422, bad.text
            assert bad.json()["problems"], bad.json()
            assert child not in bad.text


def test_ijw_upload_answers_in_dutch(catalogue, engine, monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    world = build_api_world(catalogue)
    with TestClient(create_api(engine=engine), raise_server_exceptions=False) as client:
        school = client.post(
            "/api/submissions/ijw?lang=nl",
            files={"file": ("301.xml", b"<x/>")},
            data={"municipality": "11AA"},
            headers=world.headers("admin"),
        )
        assert school.status_code == 403
        assert "iJw-berichten worden ingelezen voor een gemeente; 11AA is dat niet" in school.text
        wrong = _upload(client, "officer_ams", world, "301.txt", b"<x/>")
        assert wrong.status_code == 422
