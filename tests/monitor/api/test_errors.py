"""Every error a user can cause is a clear JSON message with the right status, never a
traceback."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from monitor.api import errors
from monitor.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConflictError,
    ModelFitError,
    NotFoundError,
    RowProblem,
    SettingsError,
    ValidationFailed,
)


def _raising(exc: Exception) -> TestClient:
    app = FastAPI()
    errors.install(app)

    @app.get("/boom")
    def boom() -> None:
        raise exc

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (AuthenticationError("who are you"), 401),
        (AccessDeniedError("not yours"), 403),
        (NotFoundError("no such thing"), 404),
        (ConflictError("already there"), 409),
        (SettingsError("bad setting"), 400),
        (ModelFitError("too few periods"), 400),
    ],
)
def test_monitor_errors_map_to_status(exc, status):
    response = _raising(exc).get("/boom")
    assert response.status_code == status
    assert response.json() == {"detail": exc.message}


def test_validation_failed_lists_every_problem_with_bsn_masked():
    exc = ValidationFailed(
        problems=[
            RowProblem("f.csv", 2, "date", "31-02-2024", "not a date"),
            RowProblem("f.csv", 3, "note", "kind 123456782", "free text holding a BSN"),
        ],
        summary="f.csv: nothing stored",
    )
    response = _raising(exc).get("/boom")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "f.csv: nothing stored" and body["problem_count"] == 2
    assert body["problems"][0] == {
        "file": "f.csv",
        "row": 2,
        "column": "date",
        "value": "31-02-2024",
        "reason": "not a date",
        "severity": "error",
    }
    assert "123456782" not in response.text and "*******82" in response.text


def test_unexpected_errors_are_500_with_an_id_and_no_traceback(caplog):
    response = _raising(RuntimeError("secret detail 123456782")).get("/boom")
    assert response.status_code == 500
    assert "internal error" in response.json()["detail"]
    assert "Traceback" not in response.text and "secret detail" not in response.text
    assert "RuntimeError" in caplog.text and "123456782" not in caplog.text


def test_unknown_things_are_404(client, api_world):
    headers = api_world.headers("admin")
    assert client.get("/api/indicators/NOPE", headers=headers).status_code == 404
    response = client.get("/api/organisations/NOPE", headers=headers)
    assert response.status_code == 404 and "NOPE" in response.json()["detail"]
    assert client.get("/api/submissions/999999", headers=headers).status_code == 404
    assert client.get("/api/series/NW_REF?organisation=NOPE", headers=headers).status_code == 404


def test_bad_parameters_are_422_without_echoing_values(client, api_world):
    headers = api_world.headers("admin")
    response = client.get("/api/series/NW_REF?as_of=yesterday-ish", headers=headers)
    assert response.status_code == 422
    assert "as_of" in response.json()["detail"] and "yesterday-ish" not in response.text
    login = client.post("/api/token", data={"username": "admin"})
    assert login.status_code == 422 and "password" in login.json()["detail"]


def test_duplicate_organisation_is_409(client, api_world):
    body = {"code": "NW-A", "name": "Dubbel", "kind": "network", "municipality": "GM0363"}
    response = client.post("/api/organisations", json=body, headers=api_world.headers("admin"))
    assert response.status_code == 409


def test_bad_role_grants_are_clear(client, api_world):
    headers = api_world.headers("admin")
    no_org = client.post(
        "/api/users/viewer_b/roles", json={"role": "network_viewer"}, headers=headers
    )
    assert no_org.status_code == 422 and "needs an organisation" in no_org.json()["detail"]
    unknown = client.post("/api/users/viewer_b/roles", json={"role": "king"}, headers=headers)
    assert unknown.status_code == 422
    nobody = client.post("/api/users/nobody/roles", json={"role": "admin"}, headers=headers)
    assert nobody.status_code == 404
