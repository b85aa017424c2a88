"""``monitor user`` and ``monitor audit``: accounts, roles, API tokens and the audit trail."""

from __future__ import annotations

import sys
from datetime import date

import typer
from rich.table import Table

from monitor import audit as audit_core
from monitor import auth, sessions, users
from monitor.cli.common import console, iso_option, open_session
from monitor.errors import MonitorError
from monitor.policy import Action
from schema import Role, User

user_app = typer.Typer(help="User accounts, roles and API tokens.", no_args_is_help=True)
ROLES = ", ".join(r.value for r in Role)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise MonitorError("no password on standard input")
        return password
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    username: str = typer.Argument(..., help="Login name (1-80 characters)."),
    full_name: str = typer.Option("", "--full-name", help="Display name."),
    email: str = typer.Option("", help="E-mail address."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (one line)."
    ),
) -> None:
    """Add a user; asks for the password twice unless --password-stdin."""
    password = _read_password(password_stdin)
    with open_session() as session:
        user = auth.create_user(
            session, username=username, password=password, full_name=full_name, email=email
        )
        audit_core.record(session, "user_added", username="system", target=user.username)
    console.print(f"added user {username}; give a role with: monitor user role {username} ROLE")


@user_app.command("role")
def user_role(
    username: str = typer.Argument(..., help="The user."),
    role: str = typer.Argument(..., help=f"One of: {ROLES}."),
    org: str = typer.Option(None, "--org", help="Organisation code (every role but admin)."),
    revoke: bool = typer.Option(False, "--revoke", help="Take the role away instead."),
    purpose: str = typer.Option(
        None, "--purpose", help="Researcher roles: what the extracts are for (AVG doelbinding)."
    ),
    expires: str = typer.Option(
        None, "--expires", help="Researcher roles: last day the role holds (YYYY-MM-DD)."
    ),
    by: str = typer.Option(
        None,
        "--by",
        help="The admin granting it (password prompted, or MONITOR_PASSWORD / --token); "
        "required for researcher roles, never the user themselves.",
    ),
    token: str = typer.Option(None, "--token", help="The granting admin's API token."),
) -> None:
    """Grant (or --revoke) a role scoped to an organisation. A researcher role needs
    --purpose, --expires and a second admin (--by) who is not the user."""
    if role not in {r.value for r in Role}:
        raise typer.BadParameter(f"unknown role {role!r}; use one of: {ROLES}", param_hint="ROLE")
    with open_session() as session:
        user = auth.get_user(session, username)
        granting = _granting_admin(session, by, token) if (by or token) else None
        if revoke:
            removed = auth.revoke_role(session, user, role, org, revoked_by=granting)
            where = f" for {org}" if org else ""
            if removed:
                console.print(f"revoked {role}{where} from {username}")
            else:
                console.print(f"{username} did not hold {role}{where}; nothing changed")
            return
        if role == Role.RESEARCHER and granting is None:
            raise MonitorError(
                "a researcher role is granted by an admin other than the researcher: "
                "--by ADMIN (password prompted) or --token"
            )
        auth.grant_role(
            session,
            user,
            role,
            org,
            granted_by=granting,
            purpose=purpose,
            expires_on=_day(expires),
        )
        until = f" until {expires}" if expires else ""
        console.print(f"{username} is {role}" + (f" for {org}" if org else "") + until)


def _granting_admin(session, by: str | None, token: str | None) -> User:  # noqa: ANN001
    """The admin on whose authority a role is granted, logged in like any other."""
    from monitor.cli.common import cli_principal

    principal = cli_principal(session, username=by, token=token)
    principal.require(Action.ADMIN, what="grant roles")
    return session.get(User, principal.user_id)


def _day(text: str | None) -> date | None:
    return iso_option(text, date.fromisoformat, option="--expires")


@user_app.command("token")
def user_token(
    username: str = typer.Argument(..., help="The user."),
    name: str = typer.Option(None, "--name", help="What the token is for."),
    days: int = typer.Option(365, "--days", min=1, max=3650, help="Days until it expires."),
    revoke: bool = typer.Option(
        False,
        "--revoke",
        help="Revoke instead: the tokens called --name, or without --name every token and "
        "every dashboard session of the user.",
    ),
) -> None:
    """Create an API token (shown once, only its hash is stored), or --revoke tokens."""
    with open_session() as session:
        user = auth.get_user(session, username)
        if revoke:
            ended = sessions.revoke_access(session, user, token_name=name)
            what = f"token(s) named {name!r}" if name is not None else "token(s) and session(s)"
            console.print(f"revoked {ended} {what} of {username}")
            return
        secret = auth.create_token(session, user, name=name or "", days=days)
    console.print(f"API token for {username} (valid {days} days; shown once, store it safely):")
    print(secret)


@user_app.command("deactivate")
def user_deactivate(username: str = typer.Argument(..., help="The user.")) -> None:
    """Deactivate an account: it can no longer log in, and every token and dashboard
    session ends at once."""
    with open_session() as session:
        sessions.set_active(session, auth.get_user(session, username), False)
    console.print(f"{username} is deactivated; every token and session has ended")


@user_app.command("reactivate")
def user_reactivate(username: str = typer.Argument(..., help="The user.")) -> None:
    """Reactivate an account (it logs in again; old tokens stay revoked)."""
    with open_session() as session:
        sessions.set_active(session, auth.get_user(session, username), True)
    console.print(f"{username} is active again")


@user_app.command("list")
def user_list() -> None:
    """List users with their roles."""
    with open_session() as session:
        accounts = users.list_users(session)
    table = Table("username", "name", "roles", "state", "last login")
    for user in accounts:
        roles = " ".join(
            r.role + (f"@{r.organisation}" if r.organisation else "") for r in user.roles
        )
        last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else ""
        table.add_row(user.username, user.full_name, roles, user.state, last)
    console.print(table)
    console.print(f"{len(accounts)} user(s)")


@user_app.command("unlock")
def user_unlock(username: str = typer.Argument(..., help="The user.")) -> None:
    """Lift a lockout after repeated failed logins."""
    with open_session() as session:
        users.unlock(session, username=username)
    console.print(f"{username} is unlocked")


def audit_list(
    action: str = typer.Option(None, "--action", help="Only this action (login, extract, ...)."),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000, help="How many, newest first."),
) -> None:
    """Show the audit trail, newest first."""
    with open_session() as session:
        rows = audit_core.entries(session, action=action, limit=limit)
    table = Table("at", "action", "user", "target", "detail")
    for row in rows:
        table.add_row(
            f"{row.at:%Y-%m-%d %H:%M:%S}", row.action, row.username, row.target, row.detail
        )
    console.print(table)
    console.print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")


def register(app: typer.Typer) -> None:
    """Add the ``user`` group and the ``audit`` command."""
    app.add_typer(user_app, name="user")
    app.command("audit")(audit_list)
