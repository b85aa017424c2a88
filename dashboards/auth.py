"""Login and logout with a Flask session signed with ``SESSION_SECRET``.

The session holds only the user id and the language. Every page layout and every callback
resolves the logged-in user into a :class:`~monitor.policy.Principal` with
:func:`monitor.policy.principal_for` on each request, so a revoked role takes effect at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qsl, unquote, urlsplit

import flask
from dash.exceptions import PreventUpdate
from sqlalchemy import Engine
from sqlmodel import Session

from dashboards.i18n import LANGUAGES
from monitor import auth as core_auth
from monitor import sessions
from monitor.api.headers import dashboard_csp, security_headers
from monitor.db import get_engine, session_scope
from monitor.errors import AccessDeniedError, AuthenticationError, NotFoundError
from monitor.policy import Principal, principal_for
from monitor.settings import production_checked

log = logging.getLogger("dashboards.auth")

#: The cookie holds the session secret (``user_session``), looked up on every request.
SESSION_KEY = "session"


#: Where :func:`dashboards.app.create_dash_app` keeps the engine it was handed.
ENGINE_KEY = "CM_ENGINE"


def use_engine(server: flask.Flask, engine: Engine | None) -> None:
    """Hand the dashboards their engine (default: the one ``DATABASE_URL`` names)."""
    server.config[ENGINE_KEY] = engine if engine is not None else get_engine()


@contextmanager
def database() -> Iterator[Session]:
    """A session (commit on success) on the engine the app was built with."""
    engine = flask.current_app.config.get(ENGINE_KEY) if flask.has_app_context() else None
    with session_scope(engine) as session:
        yield session


def configure(server: flask.Flask, prefix: str, routes_prefix: str) -> None:
    """Sign sessions with the configured secret and add the logout and language routes.

    ``prefix`` is where the browser finds the app (Dash's requests prefix);
    ``routes_prefix`` is where Flask sees it (Dash's routes prefix)."""
    settings = production_checked()
    server.secret_key = settings.session_secret.get_secret_value()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.environment == "production",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )

    def logout() -> flask.Response:
        with database() as session:
            sessions.end_session(session, flask.session.get(SESSION_KEY))
        flask.session.clear()
        return flask.redirect(prefix + "login")

    def switch_language(code: str) -> flask.Response:
        if code in LANGUAGES:
            flask.session["lang"] = code
        return flask.redirect(safe_target(flask.request.args.get("next", ""), prefix))

    server.add_url_rule(f"{routes_prefix}logout", "cm_logout", logout)
    server.add_url_rule(f"{routes_prefix}lang/<code>", "cm_language", switch_language)


def add_security_headers(server: flask.Flask, app) -> None:  # noqa: ANN001 - dash.Dash
    """CSP (Dash's inline scripts allowed by hash), frame and sniffing protection, HSTS in
    production or over https, on every dashboard response (also when served alone)."""
    hashes: list[str] = []

    def headers(response: flask.Response) -> flask.Response:
        if not hashes:
            hashes.extend(app.csp_hashes())
        https = flask.request.scheme == "https"
        csp = dashboard_csp(hashes)
        for name, value in security_headers("/", https=https, other_csp=csp).items():
            response.headers.setdefault(name, value)
        return response

    server.after_request(headers)


def safe_target(target: str, prefix: str) -> str:
    """``target`` if it is a page of this app (a same-site path under ``prefix``), else
    ``prefix``: a "next" link never leads off-site.

    Browsers drop tabs and newlines from a URL and read ``\\`` as ``/``, so
    ``/<TAB>/evil.example`` becomes ``//evil.example``. Any control or white-space
    character or backslash, a scheme, an authority, ``//`` or a dot segment in the path -
    also once or twice percent-decoded - sends the browser to ``prefix`` instead."""
    if not isinstance(target, str) or not target.startswith(prefix):
        return prefix
    path = target.split("?", 1)[0].split("#", 1)[0]
    for form in (target, path, unquote(path), unquote(unquote(path))):
        if any(not ch.isprintable() or ch.isspace() for ch in form) or "\\" in form:
            return prefix
    for form in (path, unquote(path), unquote(unquote(path))):
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or ":" in form or not form.startswith("/"):
            return prefix
        if "//" in form or "/../" in f"{form}/" or "/./" in f"{form}/":
            return prefix  # a leading "//" is another site; dot segments can make one
    return target


def page_location() -> str:
    """Path and query of the page the browser shows (the referrer of Dash's layout and
    callback requests), or "" outside a request."""
    if not flask.has_request_context() or not flask.request.referrer:
        return ""
    parts = urlsplit(flask.request.referrer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_query() -> dict[str, str]:
    """The query parameters of the page the browser shows (e.g. ``org``, ``period``)."""
    _, _, query = page_location().partition("?")
    return dict(parse_qsl(query))


def log_in(username: str, password: str) -> str | None:
    """Check the password and start a session; returns an error message or None."""
    with database() as session:
        try:
            user = core_auth.authenticate(session, (username or "").strip(), password or "")
        except AuthenticationError as exc:
            error = str(exc)
        else:
            flask.session.clear()
            flask.session[SESSION_KEY] = sessions.start_session(session, user)
            flask.session.permanent = True
            return None
    return error


def current_principal(session: Session) -> Principal | None:
    """The logged-in user's principal, or None when nobody (active) is logged in: the
    session must be live in ``user_session`` (logout, revocation and deactivation end it,
    wherever the cookie was copied to)."""
    secret = flask.session.get(SESSION_KEY) if flask.has_request_context() else None
    if secret is None:
        return None
    try:
        user = sessions.user_for_session(session, secret)
    except AuthenticationError:
        flask.session.pop(SESSION_KEY, None)
        return None
    return principal_for(session, user)


@contextmanager
def logged_in() -> Iterator[tuple[Session, Principal]]:
    """A database session and the principal, for callbacks; no update when logged out."""
    with database() as session:
        principal = current_principal(session)
        if principal is None:
            raise PreventUpdate
        try:
            yield session, principal
        except (AccessDeniedError, NotFoundError) as exc:
            # A request the pickers never offer (crafted, or a stale page): refuse quietly,
            # without a traceback and without touching the page.
            log.warning("callback refused for %s: %s", principal.username, exc)
            raise PreventUpdate from None
