"""User accounts as the outer shell sees them: listings, look-ups and unlocking.

Creating users, passwords, tokens and roles live in :mod:`monitor.auth`; dashboard sessions
in :mod:`monitor.sessions`. Routes and CLI commands call these functions and never query
the tables themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from monitor import audit
from monitor.asof import as_utc
from monitor.auth import get_user
from monitor.errors import NotFoundError
from schema import Organisation, RoleAssignment, User, utcnow


@dataclass(frozen=True)
class RoleHeld:
    """A role a user holds and the organisation it is scoped to (none for admin)."""

    role: str
    organisation: str | None


@dataclass(frozen=True)
class UserSummary:
    """One account as an administrator sees it (never its password hash)."""

    username: str
    full_name: str
    is_active: bool
    locked: bool
    last_login_at: datetime | None
    roles: list[RoleHeld] = field(default_factory=list)

    @property
    def state(self) -> str:
        """``inactive``, ``locked`` or empty."""
        return "inactive" if not self.is_active else "locked" if self.locked else ""


def list_users(session: Session) -> list[UserSummary]:
    """Every account, by username, with its roles in the order they were granted."""
    codes = dict(session.exec(select(col(Organisation.id), col(Organisation.code))).all())
    roles: dict[int, list[RoleHeld]] = {}
    for a in session.exec(select(RoleAssignment).order_by(col(RoleAssignment.id))).all():
        scope = codes.get(a.organisation_id) if a.organisation_id is not None else None
        roles.setdefault(a.user_id, []).append(RoleHeld(a.role, scope))
    now = utcnow()
    out = []
    for user in session.exec(select(User).order_by(col(User.username))).all():
        locked_until = as_utc(user.locked_until) if user.locked_until else None
        out.append(
            UserSummary(
                username=user.username,
                full_name=user.full_name,
                is_active=user.is_active,
                locked=bool(locked_until and locked_until > now),
                last_login_at=user.last_login_at,
                roles=roles.get(user.id or 0, []),
            )
        )
    return out


def find_user(session: Session, *, username: str) -> User | None:
    """The account called ``username``, or None."""
    return session.exec(select(User).where(col(User.username) == username)).first()


def user_id_of(session: Session, username: str | None) -> int | None:
    """The id of the account called ``username`` (None for no username); NotFoundError
    naming it when there is no such account."""
    if not username:
        return None
    user = find_user(session, username=username)
    if user is None:
        raise NotFoundError(f"user {username!r} does not exist")
    return user.id


def role_count(session: Session, *, user: User) -> int:
    """How many role assignments ``user`` holds."""
    query = select(col(RoleAssignment.id)).where(col(RoleAssignment.user_id) == user.id)
    return len(session.exec(query).all())


def unlock(session: Session, *, username: str, by: str = "system") -> User:
    """Lift a lockout after repeated failed logins (audited)."""
    user = get_user(session, username)
    user.locked_until = None
    user.failed_logins = 0
    session.add(user)
    audit.record(session, "user_unlocked", username=by, target=user.username)
    return user
