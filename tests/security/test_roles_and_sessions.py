"""Issue #12, items 9 and 12: no role grants to oneself, researcher roles only with a
recorded purpose, an expiry and a second admin; logout, revocation and deactivation end
copied cookies and tokens at once."""

from __future__ import annotations

from datetime import date, timedelta

import flask
from sqlmodel import Session, select

from dashboards import auth as dash_auth
from monitor import auth
from schema import AuditEntry, RoleAssignment, User
from tests.factories import PASSWORD

SOON = (date.today() + timedelta(days=30)).isoformat()
PURPOSE = "evaluation of the referral protocol 2025"


def _extract(client, headers):  # noqa: ANN001, ANN202
    return client.get("/api/extracts/cases", params={"indicator": "CH_ABS"}, headers=headers)


def _second_admin(session: Session) -> User:
    other = auth.create_user(session, username="admin2", password=PASSWORD)
    auth.grant_role(session, other, "admin")
    session.commit()
    return other


# ---- item 9 -------------------------------------------------------------------------


def test_admin_cannot_grant_itself_the_researcher_role_through_the_api(client, api_world, engine):
    admin = api_world.headers("admin")
    for body in (
        {"role": "researcher", "organisation": "GM0363", "purpose": PURPOSE, "expires_on": SOON},
        {"role": "researcher", "organisation": "GM0363"},
        {"role": "partner_entry", "organisation": "11AA"},
    ):
        answer = client.post("/api/users/admin/roles", json=body, headers=admin)
        assert answer.status_code in (403, 422), answer.text
    assert _extract(client, admin).status_code == 403
    with Session(engine) as session:
        held = session.exec(
            select(RoleAssignment.role).where(
                RoleAssignment.user_id == api_world.world.users["admin"].id
            )
        ).all()
    assert held == ["admin"]


def test_researcher_role_needs_purpose_and_expiry_and_is_audited(client, api_world, engine):
    admin = api_world.headers("admin")
    url = "/api/users/viewer_b/roles"
    missing = client.post(url, json={"role": "researcher", "organisation": "NW-B"}, headers=admin)
    assert missing.status_code == 422 and "purpose" in missing.text
    far = (date.today() + timedelta(days=800)).isoformat()
    body = {"role": "researcher", "organisation": "NW-B", "purpose": PURPOSE, "expires_on": far}
    assert client.post(url, json=body, headers=admin).status_code == 422
    body["expires_on"] = SOON
    assert client.post(url, json=body, headers=admin).status_code == 200
    with Session(engine) as session:
        row = session.exec(
            select(RoleAssignment).where(
                RoleAssignment.user_id == api_world.world.users["viewer_b"].id,
                RoleAssignment.role == "researcher",
            )
        ).one()
        assert row.purpose == PURPOSE and row.expires_at is not None
        assert row.granted_by_id == api_world.world.users["admin"].id
        granted = session.exec(
            select(AuditEntry.detail).where(
                AuditEntry.action == "role_granted", AuditEntry.target == "viewer_b"
            )
        ).all()
    assert any(PURPOSE in d and SOON in d and "researcher" in d for d in granted)


def test_an_expired_researcher_role_takes_no_extract(client, api_world, engine):
    researcher = api_world.headers("researcher_ams")
    assert _extract(client, researcher).status_code == 200
    with Session(engine) as session:
        row = session.exec(
            select(RoleAssignment).where(
                RoleAssignment.user_id == api_world.world.users["researcher_ams"].id
            )
        ).one()
        row.expires_at = row.granted_at  # lapsed
        session.add(row)
        session.commit()
        row_id = row.id
    assert _extract(client, researcher).status_code == 403
    with Session(engine) as session:  # a role from before the purpose was recorded: void
        row = session.get(RoleAssignment, row_id)
        row.expires_at, row.purpose = None, None
        session.add(row)
        session.commit()
    assert _extract(client, researcher).status_code == 403


def test_cli_refuses_self_grants_and_researcher_roles_without_a_second_admin(
    cli, api_world, catalogue, monkeypatch
):
    _second_admin(catalogue)
    monkeypatch.setenv("MONITOR_PASSWORD", PASSWORD)
    base = ("user", "role", "admin", "researcher", "--org", "GM0363")
    terms = ("--purpose", PURPOSE, "--expires", SOON)
    code, out, err = cli(*base, *terms)  # no second admin
    assert code != 0 and "--by" in err, out + err
    code, out, err = cli(*base, *terms, "--by", "admin")  # itself
    assert code != 0 and "themselves" in err, out + err
    code, out, err = cli(*base, "--by", "admin2")  # no purpose, no expiry
    assert code != 0 and "purpose" in err, out + err
    code, out, err = cli("user", "role", "viewer_a", "researcher", "--org", "GM0363", *terms)
    assert code != 0
    code, out, err = cli(*base, *terms, "--by", "school_a")  # not an admin
    assert code != 0
    with Session(catalogue.get_bind()) as session:
        roles = session.exec(
            select(RoleAssignment.role).where(
                RoleAssignment.user_id == api_world.world.users["admin"].id
            )
        ).all()
    assert roles == ["admin"]
    code, out, err = cli(*base, *terms, "--by", "admin2")  # four eyes, purpose, expiry
    assert code == 0, out + err


# ---- item 12 ------------------------------------------------------------------------


def _dash_client(engine):  # noqa: ANN001, ANN202
    server = flask.Flask("session-test")
    dash_auth.configure(server, "/", "/")

    @server.route("/whoami")
    def whoami() -> str:
        with Session(engine) as session:
            principal = dash_auth.current_principal(session)
            session.commit()
        return principal.username if principal else "-"

    @server.route("/do-login", methods=["POST"])
    def do_login() -> str:
        error = dash_auth.log_in(flask.request.form["u"], flask.request.form["p"])
        return error or "ok"

    return server


def _cookie(client) -> str:  # noqa: ANN001
    return client.get_cookie("session").value


def test_a_copied_cookie_is_refused_after_logout(api_world, engine):
    server = _dash_client(engine)
    browser = server.test_client()
    assert browser.post("/do-login", data={"u": "viewer_a", "p": PASSWORD}).text == "ok"
    stolen = _cookie(browser)
    thief = server.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/whoami").text == "viewer_a"
    browser.get("/logout")
    assert browser.get("/whoami").text == "-"
    assert thief.get("/whoami").text == "-"  # the copy ended with the logout


def test_deactivation_ends_tokens_and_cookies(cli, client, api_world, engine):
    server = _dash_client(engine)
    browser = server.test_client()
    assert browser.post("/do-login", data={"u": "school_a", "p": PASSWORD}).text == "ok"
    headers = api_world.headers("school_a")
    assert client.get("/api/organisations", headers=headers).status_code == 200
    code, out, err = cli("user", "deactivate", "school_a")
    assert code == 0, out + err
    assert browser.get("/whoami").text == "-"
    assert client.get("/api/organisations", headers=headers).status_code == 401
    assert browser.post("/do-login", data={"u": "school_a", "p": PASSWORD}).text != "ok"
    code, out, err = cli("user", "reactivate", "school_a")
    assert code == 0, out + err
    assert client.get("/api/organisations", headers=headers).status_code == 401  # stays revoked
    assert browser.post("/do-login", data={"u": "school_a", "p": PASSWORD}).text == "ok"
    assert browser.get("/whoami").text == "school_a"


def test_cli_revokes_tokens_by_name_or_all(cli, client, api_world, engine):
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "viewer_a")).one()
        nightly = auth.create_token(session, user, name="nightly")
        session.commit()
    code, out, err = cli("user", "token", "viewer_a", "--revoke", "--name", "nightly")
    assert code == 0 and "revoked 1" in out, out + err
    assert (
        client.get("/api/indicators", headers={"Authorization": f"Bearer {nightly}"}).status_code
        == 401
    )
    assert client.get("/api/indicators", headers=api_world.headers("viewer_a")).status_code == 200
    server = _dash_client(engine)
    browser = server.test_client()
    assert browser.post("/do-login", data={"u": "viewer_a", "p": PASSWORD}).text == "ok"
    code, out, err = cli("user", "token", "viewer_a", "--revoke")
    assert code == 0, out + err
    assert client.get("/api/indicators", headers=api_world.headers("viewer_a")).status_code == 401
    assert browser.get("/whoami").text == "-"
