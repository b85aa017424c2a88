"""Login, lockout and tokens through the API."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from monitor import auth
from schema import ApiToken, AuditEntry, User, utcnow
from tests.factories import PASSWORD


def _login(client, username, password):
    return client.post("/api/token", data={"username": username, "password": password})


def test_login_returns_a_working_token(client):
    response = _login(client, "officer_ams", PASSWORD)
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert token.startswith("cm_") and response.json()["expires_in_days"] == 1
    orgs = client.get("/api/organisations", headers={"Authorization": f"Bearer {token}"})
    assert orgs.status_code == 200
    assert {o["code"] for o in orgs.json()} == {"GM0363", "NW-A", "11AA", "JH-A"}


def test_wrong_password_and_unknown_user_look_the_same(client):
    wrong = _login(client, "admin", "wrong password!")
    unknown = _login(client, "nobody-here", "wrong password!")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "unknown username or wrong password"}
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_lockout_is_honoured_and_committed(client, engine, monkeypatch):
    from monitor.settings import get_settings

    monkeypatch.setenv("LOGIN_MAX_FAILURES", "3")
    get_settings.cache_clear()
    for _ in range(3):
        assert _login(client, "school_a", "not the password").status_code == 401
    locked = _login(client, "school_a", PASSWORD)
    assert locked.status_code == 401  # the same answer as a wrong password: no probing
    assert locked.json()["detail"] == "unknown username or wrong password"
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "school_a")).one()
        assert user.locked_until is not None
        actions = [
            e.action
            for e in session.exec(select(AuditEntry).where(AuditEntry.username == "school_a"))
        ]
    assert actions.count("login_failed") == 3 and "login_locked" in actions
    get_settings.cache_clear()


def test_missing_malformed_expired_and_revoked_tokens_are_401(client, engine, api_world):
    assert client.get("/api/indicators").status_code == 401
    bad = client.get("/api/indicators", headers={"Authorization": "Bearer cm_not-a-token"})
    assert bad.status_code == 401 and bad.json()["detail"] == "invalid or expired token"
    basic = client.get("/api/indicators", headers={"Authorization": "Basic YWRtaW46eA=="})
    assert basic.status_code == 401
    with Session(engine) as session:
        token = session.exec(select(ApiToken).where(ApiToken.name == "test")).first()
        token.expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
        owner = session.get(User, token.user_id).username
        auth.revoke_tokens(session, session.get(User, api_world.world.users["admin"].id))
        session.commit()
    expired = client.get("/api/indicators", headers=api_world.headers(owner))
    assert expired.status_code == 401
    revoked = client.get("/api/audit", headers=api_world.headers("admin"))
    assert revoked.status_code == 401


def test_deactivated_user_loses_access_at_once(client, engine, api_world):
    assert client.get("/api/indicators", headers=api_world.headers("viewer_a")).status_code == 200
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "viewer_a")).one()
        user.is_active = False
        session.commit()
    assert client.get("/api/indicators", headers=api_world.headers("viewer_a")).status_code == 401
