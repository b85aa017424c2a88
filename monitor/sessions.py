"""Server-side login sessions and account switches: what makes logout, token revocation and
deactivation take effect at once, also for a copied cookie or a stolen token.

A dashboard login stores a random secret in the (signed) cookie and only its SHA-256 in
``user_session``; every request looks it up, so an ended session is refused wherever its
cookie was copied to. Deactivating a user ends every session and revokes every token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, select

from monitor import audit
from monitor.errors import AuthenticationError
from schema import ApiToken, User, UserSession, id_of, utcnow

#: A dashboard session lives this long at most (the cookie says the same).
SESSION_HOURS = 12


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment):  # noqa: ANN001, ANN202 - SQLite hands back naive UTC datetimes
    from monitor.auth import _aware as aware

    return aware(moment)


def start_session(session: Session, user: User, *, hours: int = SESSION_HOURS) -> str:
    """Start a session for ``user``; returns the secret for the cookie (shown once)."""
    secret = "cs_" + secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=id_of(user),
            session_hash=_hash(secret),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    session.flush()
    return secret


def user_for_session(session: Session, secret: object) -> User:
    """The active user of a live session; AuthenticationError when it ended, expired or the
    user is deactivated."""
    row = (
        session.exec(
            select(UserSession).where(col(UserSession.session_hash) == _hash(secret))
        ).first()
        if isinstance(secret, str) and secret
        else None
    )
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= utcnow():
        raise AuthenticationError("session ended; log in again")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise AuthenticationError("session ended; log in again")
    return user


def end_session(session: Session, secret: object) -> bool:
    """End one session (logout); True when it was live."""
    if not isinstance(secret, str) or not secret:
        return False
    row = session.exec(
        select(UserSession).where(col(UserSession.session_hash) == _hash(secret))
    ).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    user = session.get(User, row.user_id)
    audit.record(session, "logout", user_id=row.user_id, username=user.username if user else "")
    return True


def end_sessions(session: Session, user: User) -> int:
    """End every live session of ``user``; returns how many."""
    rows = session.exec(
        select(UserSession).where(
            col(UserSession.user_id) == user.id, col(UserSession.revoked_at).is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = utcnow()
        session.add(row)
    return len(rows)


def revoke_access(
    session: Session, user: User, *, token_name: str | None = None, by: str = "system"
) -> int:
    """Revoke ``user``'s API tokens named ``token_name``, or - without a name - every token
    and every dashboard session. Returns how many ended; audited."""
    query = select(ApiToken).where(
        col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None)
    )
    if token_name is not None:
        query = query.where(col(ApiToken.name) == token_name)
    tokens = session.exec(query).all()
    for token in tokens:
        token.revoked_at = utcnow()
        session.add(token)
    ended = end_sessions(session, user) if token_name is None else 0
    audit.record(
        session,
        "tokens_revoked",
        username=by,
        target=user.username,
        detail={"name": token_name, "tokens": len(tokens), "sessions": ended},
    )
    session.flush()
    return len(tokens) + ended


def set_active(session: Session, user: User, active: bool, *, by: str = "system") -> None:
    """Deactivate (every session and token ends at once) or reactivate an account; audited.
    A reactivated user logs in again and needs new tokens."""
    if not active:
        revoke_access(session, user, by=by)
    user.is_active = active
    session.add(user)
    audit.record(
        session,
        "user_activated" if active else "user_deactivated",
        username=by,
        target=user.username,
    )
    session.flush()
