"""Dependencies of the routes, as ``Annotated`` aliases: a database session, the caller
(resolved from the bearer token into a :class:`~monitor.policy.Principal`) and an admin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from monitor import auth
from monitor.db import get_engine
from monitor.errors import AuthenticationError
from monitor.policy import Action, Principal, principal_for

#: Bearer tokens come from ``POST /api/token`` or ``monitor user token``.
bearer = OAuth2PasswordBearer(tokenUrl="/api/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """A session on the app's engine; rolled back on error. Routes that write commit."""
    engine = getattr(request.app.state, "engine", None) or get_engine()
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(session: SessionDep, token: Annotated[str | None, Depends(bearer)]) -> Principal:
    """The caller, from ``Authorization: Bearer <token>``; 401 when missing or invalid."""
    if not token:
        raise AuthenticationError(
            "not authenticated: send 'Authorization: Bearer <token>' (get one from POST /api/token)"
        )
    user = auth.user_for_token(session, token)
    principal = principal_for(session, user)
    session.commit()  # the token's last_used_at
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def get_admin(principal: CurrentPrincipal) -> Principal:
    """The caller, who must hold the admin role; 403 otherwise."""
    principal.require(Action.ADMIN, what="manage users, roles or read the audit trail")
    return principal


AdminPrincipal = Annotated[Principal, Depends(get_admin)]
