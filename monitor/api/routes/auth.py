"""``/api/token``: exchange a username and password for a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from monitor import auth
from monitor.api.deps import SessionDep
from monitor.api.models import ERRORS, Token
from monitor.errors import AuthenticationError

router = APIRouter(tags=["auth"])

#: Tokens from a login live one day; long-lived tokens come from ``monitor user token``.
LOGIN_TOKEN_DAYS = 1


@router.post("/token", response_model=Token, responses={401: ERRORS[401], 422: ERRORS[422]})
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep) -> Token:
    """Log in with username and password (form fields); returns a bearer token valid one day.

    Repeated failures lock the account for a while; every attempt is audited."""
    try:
        user = auth.authenticate(session, form.username, form.password)
    except AuthenticationError:
        session.commit()  # the failure count, lockout and audit entry must stick
        raise
    secret = auth.create_token(session, user, name="api-login", days=LOGIN_TOKEN_DAYS)
    session.commit()
    return Token(access_token=secret, expires_in_days=LOGIN_TOKEN_DAYS)
