"""Fixtures of the API tests: the world with tokens and a TestClient, on both databases."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from monitor import auth
from monitor.api import create_api
from tests.monitor.api.access_table import IJW_PROVIDER
from tests.monitor.api.helpers import ApiWorld, build_api_world


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with test-sized cost (the parameters travel inside each hash), so that
    building a world of eight users does not dominate the suite's time."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def api_world(catalogue) -> ApiWorld:
    from monitor.ingest.ijw import link_provider

    world = build_api_world(catalogue)
    link_provider(catalogue, IJW_PROVIDER, "JH-A")  # the provider of the matrix's iJw message
    return world


@pytest.fixture
def client(engine, api_world) -> TestClient:
    app = create_api(engine=engine)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
