"""Authentication: local users with argon2 password hashes, lockout after repeated failures,
and bearer tokens for the API (only their SHA-256 is stored).

An external identity provider (OIDC) fits in beside this: after the provider's callback has
verified the ID token, look the user up by ``User.external_subject`` (the token's ``sub``)
with :func:`user_for_external_subject`; roles stay in this database, so the policy module
does not change.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, or_, update
from sqlmodel import Session, col, select

from monitor import audit
from monitor.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RowProblem,
    ValidationFailed,
)
from monitor.settings import get_settings
from schema import ApiToken, Organisation, Role, RoleAssignment, User, id_of, table_of, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
#: A researcher role is granted for at most this long (then granted again, with its purpose).
MAX_RESEARCH_DAYS = 366


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored as."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``."""
    return _hasher.hash(password)


def create_user(
    session: Session, *, username: str, password: str, full_name: str = "", email: str = ""
) -> User:
    """Create a local user; refuses duplicate usernames and short passwords."""
    username = username.strip()
    if not username or len(username) > 80:
        raise ValidationFailed(
            problems=[RowProblem("user", None, "username", username, "1-80 characters")],
            summary="a username is required (1-80 characters)",
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            problems=[
                RowProblem(
                    "user", None, "password", None, f"at least {MIN_PASSWORD_LENGTH} characters"
                )
            ],
            summary=f"the password must have at least {MIN_PASSWORD_LENGTH} characters",
        )
    if session.exec(select(User).where(col(User.username) == username)).first():
        raise ConflictError(f"user {username!r} already exists")
    user = User(
        username=username, password_hash=hash_password(password), full_name=full_name, email=email
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    """The user with this username; NotFoundError otherwise."""
    user = session.exec(select(User).where(col(User.username) == username)).first()
    if user is None:
        raise NotFoundError(f"user {username!r} does not exist")
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a password, at most ``LOGIN_MAX_FAILURES`` times per ``LOGIN_LOCKOUT_SECONDS``.

    The attempt is counted *before* the password is verified, in one atomic UPDATE that is
    committed at once (:func:`_claim_attempt`), so parallel attempts cannot check more
    passwords than the limit; the attempt that uses the last one locks the account unless
    its password is right. Unknown users, locked and inactive accounts get the same answer
    as a wrong password. Every attempt is audited; the caller commits the audit entry."""
    generic = AuthenticationError("unknown username or wrong password")
    user = session.exec(select(User).where(col(User.username) == username)).first()
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check: no username probing
        audit.record(session, "login_failed", username=username[:80], detail={"reason": "unknown"})
        raise generic
    if not _claim_attempt(session, id_of(user)):
        _hasher.hash(password)  # same time, same answer as a wrong password
        audit.record(session, "login_locked", user_id=user.id, username=user.username)
        raise generic
    session.refresh(user)
    try:
        _hasher.verify(user.password_hash, password)
        ok = user.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        audit.record(
            session,
            "login_failed",
            user_id=user.id,
            username=user.username,
            detail={"reason": "password" if user.is_active else "inactive"},
        )
        raise generic
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    audit.record(session, "login", user_id=user.id, username=user.username)
    return user


def _claim_attempt(session: Session, user_id: int) -> bool:
    """Count one login attempt against ``user_id`` unless the account is locked; True when
    the password may be checked. One UPDATE ... WHERE, committed at once: on PostgreSQL
    concurrent claims queue on the row lock and re-check the condition, on SQLite writes
    are serialised. A lock that has run out starts a new window."""
    settings = get_settings()
    now = utcnow()
    table = table_of(User)
    expired = table.c.locked_until.is_not(None) & (table.c.locked_until <= now)
    count = case((expired, 1), else_=table.c.failed_logins + 1)
    statement = (
        update(table)
        .where(
            table.c.id == user_id,
            or_(
                expired,
                table.c.locked_until.is_(None)
                & (table.c.failed_logins < settings.login_max_failures),
            ),
        )
        .values(
            failed_logins=count,
            locked_until=case(
                (
                    count >= settings.login_max_failures,
                    now + timedelta(seconds=settings.login_lockout_seconds),
                ),
                else_=None,
            ),
        )
        .returning(table.c.failed_logins)
    )
    claimed = session.execute(statement).first() is not None
    session.commit()
    return claimed


def create_token(session: Session, user: User, *, name: str = "", days: int | None = 365) -> str:
    """Create an API token for ``user``; returns the secret once (only its hash is stored)."""
    secret = "cm_" + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days else None
    session.add(
        ApiToken(user_id=id_of(user), name=name, token_hash=_token_hash(secret), expires_at=expires)
    )
    audit.record(session, "token_created", user_id=user.id, username=user.username, target=name)
    session.flush()
    return secret


def user_for_token(session: Session, secret: str) -> User:
    """The active user owning a valid, unexpired, unrevoked token; AuthenticationError else."""
    token = session.exec(
        select(ApiToken).where(col(ApiToken.token_hash) == _token_hash(secret))
    ).first()
    now = utcnow()
    expires = _aware(token.expires_at) if token else None
    if token is None or token.revoked_at is not None or (expires and expires <= now):
        raise AuthenticationError("invalid or expired token")
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise AuthenticationError("invalid or expired token")
    token.last_used_at = now
    return user


def revoke_tokens(session: Session, user: User) -> int:
    """Revoke all of a user's tokens; returns how many."""
    tokens = session.exec(
        select(ApiToken).where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
    audit.record(
        session,
        "tokens_revoked",
        user_id=user.id,
        username=user.username,
        detail={"count": len(tokens)},
    )
    return len(tokens)


def user_for_external_subject(session: Session, subject: str) -> User:
    """The user linked to an OIDC subject (``sub``); AuthenticationError if none is linked."""
    user = session.exec(select(User).where(col(User.external_subject) == subject)).first()
    if user is None or not user.is_active:
        raise AuthenticationError("no active account is linked to this identity")
    return user


def grant_role(
    session: Session,
    user: User,
    role: Role | str,
    organisation_code: str | None = None,
    *,
    granted_by: User | None = None,
    purpose: str | None = None,
    expires_on: date | None = None,
) -> RoleAssignment:
    """Give ``user`` a role, scoped to an organisation (admin: no organisation).

    Nobody grants a role to themselves. A researcher role needs a recorded purpose (AVG
    doelbinding) and an expiry date at most :data:`MAX_RESEARCH_DAYS` ahead; it gives no
    extracts after that date. ``granted_by`` None is the platform's operator (CLI)."""
    role = Role(role)
    if granted_by is not None and granted_by.id == user.id:
        raise AccessDeniedError(f"{user.username} may not grant a role to themselves")
    expires_at = _research_terms(role, purpose, expires_on)
    organisation_id = None
    if role is Role.ADMIN:
        if organisation_code:
            raise ValidationFailed(
                problems=[
                    RowProblem(
                        "role",
                        None,
                        "organisation",
                        organisation_code,
                        "admin is global; give no organisation",
                    )
                ],
                summary="the admin role is global; do not give an organisation",
            )
    else:
        if not organisation_code:
            raise ValidationFailed(
                problems=[RowProblem("role", None, "organisation", None, "required")],
                summary=f"role {role.value} needs an organisation (--org CODE)",
            )
        org = session.exec(
            select(Organisation).where(col(Organisation.code) == organisation_code)
        ).first()
        if org is None:
            raise NotFoundError(f"organisation {organisation_code!r} does not exist")
        organisation_id = org.id
    existing = session.exec(
        select(RoleAssignment).where(
            col(RoleAssignment.user_id) == user.id,
            col(RoleAssignment.role) == role.value,
            col(RoleAssignment.organisation_id) == organisation_id
            if organisation_id is not None
            else col(RoleAssignment.organisation_id).is_(None),
        )
    ).first()
    if existing and role is not Role.RESEARCHER:
        return existing
    assignment = existing or RoleAssignment(
        user_id=id_of(user), role=role.value, organisation_id=organisation_id
    )
    assignment.granted_by_id = granted_by.id if granted_by else None
    if role is Role.RESEARCHER:  # granting again renews the purpose and the expiry
        assignment.granted_at = utcnow()
        assignment.purpose = purpose.strip() if purpose else None
        assignment.expires_at = expires_at
    session.add(assignment)
    detail: dict[str, object] = {"role": role.value}
    if role is Role.RESEARCHER:
        assert expires_on is not None  # _research_terms refused a researcher role without it
        detail |= {"purpose": assignment.purpose, "expires_on": expires_on.isoformat()}
    audit.record(
        session,
        "role_granted",
        user_id=granted_by.id if granted_by else None,
        username=granted_by.username if granted_by else "system",
        organisation_id=organisation_id,
        target=user.username,
        detail=detail,
    )
    session.flush()
    return assignment


def _text(value: date | None) -> str | None:
    return None if value is None else str(value)


def _research_terms(role: Role, purpose: str | None, expires_on: date | None) -> datetime | None:
    """The end of a researcher role (the end of ``expires_on``, UTC); refuses a missing
    purpose or expiry, a past one or one too far ahead. None for other roles."""
    if role is not Role.RESEARCHER:
        if purpose or expires_on:
            raise ValidationFailed(
                problems=[RowProblem("role", None, "purpose", purpose, "researcher roles only")],
                summary="only a researcher role takes a purpose and an expiry date",
            )
        return None
    problems = []
    if not purpose or len(purpose.strip()) < 10 or len(purpose) > 500:
        problems.append(RowProblem("role", None, "purpose", purpose, "10-500 characters"))
    today = utcnow().date()
    if expires_on is None or not today <= expires_on <= today + timedelta(MAX_RESEARCH_DAYS):
        reason = f"a date from today to at most {MAX_RESEARCH_DAYS} days ahead"
        problems.append(RowProblem("role", None, "expires", _text(expires_on), reason))
    if problems:
        raise ValidationFailed(
            problems=problems,
            summary="a researcher role needs its purpose (--purpose, AVG doelbinding) and an "
            f"expiry date (--expires YYYY-MM-DD, at most {MAX_RESEARCH_DAYS} days ahead)",
        )
    assert expires_on is not None  # a missing date is one of the problems above
    return datetime.combine(expires_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


def revoke_role(
    session: Session,
    user: User,
    role: Role | str,
    organisation_code: str | None = None,
    *,
    revoked_by: User | None = None,
) -> int:
    """Remove a role assignment; returns how many were removed (0 or 1)."""
    role = Role(role)
    query = select(RoleAssignment).where(
        col(RoleAssignment.user_id) == user.id, col(RoleAssignment.role) == role.value
    )
    removed = 0
    for assignment in session.exec(query).all():
        org = (
            session.get(Organisation, assignment.organisation_id)
            if assignment.organisation_id
            else None
        )
        if (org.code if org else None) == organisation_code:
            session.delete(assignment)
            removed += 1
    audit.record(
        session,
        "role_revoked",
        user_id=revoked_by.id if revoked_by else None,
        username=revoked_by.username if revoked_by else "",
        target=user.username,
        detail={"role": role.value, "organisation": organisation_code, "removed": removed},
    )
    session.flush()
    return removed


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
