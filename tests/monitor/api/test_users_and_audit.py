"""Users and roles through the API, and the audit trail: complete and append-only."""

from __future__ import annotations

import inspect
from datetime import date, timedelta

from monitor import audit
from monitor.api import create_api
from tests.monitor.api.helpers import sample_file


def test_grant_and_revoke_take_effect_at_once_and_are_audited(client, api_world):
    admin = api_world.headers("admin")
    viewer = api_world.headers("viewer_b")
    assert client.get("/api/organisations/NW-A", headers=viewer).status_code == 404  # hidden
    granted = client.post(
        "/api/users/viewer_b/roles",
        json={"role": "network_viewer", "organisation": "NW-A"},
        headers=admin,
    )
    assert granted.status_code == 200 and granted.json()["changed"] == 1
    assert client.get("/api/organisations/NW-A", headers=viewer).status_code == 200
    users = {u["username"]: u for u in client.get("/api/users", headers=admin).json()}
    assert {"role": "network_viewer", "organisation": "NW-A"} in users["viewer_b"]["roles"]
    assert "password_hash" not in str(users)
    revoked = client.delete(
        "/api/users/viewer_b/roles",
        params={"role": "network_viewer", "organisation": "NW-A"},
        headers=admin,
    )
    assert revoked.status_code == 200 and revoked.json()["changed"] == 1
    assert client.get("/api/organisations/NW-A", headers=viewer).status_code == 404
    actions = [e["action"] for e in client.get("/api/audit", headers=admin).json()]
    assert actions[:2] == ["role_revoked", "role_granted"]


def test_audit_trail_covers_logins_submissions_corrections_extracts_and_roles(client, api_world):
    from tests.factories import PASSWORD

    client.post("/api/token", data={"username": "officer_ams", "password": PASSWORD})
    client.post("/api/token", data={"username": "officer_ams", "password": "wrong-password"})
    name, data = sample_file("GM0363")
    officer = api_world.headers("officer_ams")
    first = client.post(
        "/api/submissions",
        files={"file": (name, data)},
        data={"organisation": "GM0363"},
        headers=officer,
    )
    assert first.status_code == 201
    corrected = data.replace(b"150000", b"151000")
    second = client.post(
        "/api/submissions",
        files={"file": (name, corrected)},
        data={"organisation": "GM0363"},
        headers=officer,
    )
    assert second.status_code == 201 and second.json()["rows_superseded"] == 1
    client.get(
        "/api/extracts/cases",
        params={"indicator": "CH_ABS"},
        headers=api_world.headers("researcher_ams"),
    )
    client.post(
        "/api/users/viewer_b/roles",
        json={
            "role": "researcher",
            "organisation": "NW-B",
            "purpose": "evaluation of the referral protocol",
            "expires_on": (date.today() + timedelta(days=30)).isoformat(),
        },
        headers=api_world.headers("admin"),
    )
    entries = client.get(
        "/api/audit", params={"limit": 100}, headers=api_world.headers("admin")
    ).json()
    actions = {e["action"] for e in entries}
    assert {
        "login",
        "login_failed",
        "submission",
        "correction",
        "extract",
        "role_granted",
    } <= actions
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True)


def test_the_api_offers_no_way_to_change_the_audit_trail(client, api_world):
    schema = create_api().openapi()
    audit_ops = {
        method for path, ops in schema["paths"].items() if "audit" in path for method in ops
    }
    assert audit_ops == {"get"}
    admin = api_world.headers("admin")
    first = client.get("/api/audit", headers=admin).json()[0]
    for method in ("PUT", "PATCH", "DELETE"):
        for url in ("/api/audit", f"/api/audit/{first['id']}"):
            response = client.request(method, url, headers=admin, json={"action": "x"})
            assert response.status_code in (404, 405), (method, url)
    after = client.get("/api/audit", params={"limit": 5000}, headers=admin).json()
    assert {e["id"]: e for e in after}[first["id"]] == first


def test_the_audit_module_has_no_update_or_delete():
    public = {
        n
        for n, f in inspect.getmembers(audit, inspect.isfunction)
        if f.__module__ == audit.__name__
    }
    assert public == {"record", "entries"}
    source = inspect.getsource(audit)
    for verb in ("delete(", "update(", ".merge(", "execute("):
        assert verb not in source
