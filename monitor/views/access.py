"""Who is asking: the principal of a logged-in dashboard user."""

from __future__ import annotations

from sqlmodel import Session

from monitor.policy import Principal, principal_for
from schema import User


def principal_for_user_id(session: Session, user_id: int) -> Principal | None:
    """The principal of an active user, or None when the user is gone or deactivated."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return principal_for(session, user)
