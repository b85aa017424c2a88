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
