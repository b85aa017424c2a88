"""Page frames: the login guard every page layout starts with, titles and leads."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import auth
from monitor.db import session_scope


def login_redirect() -> dcc.Location | None:
    """A redirect to the login page when nobody is logged in, else None."""
    with session_scope() as session:
        if auth.current_principal(session) is not None:
            return None
    return dcc.Location(id="guard-redirect", href=dash.get_relative_path("/login"), refresh=True)


def page(title: str, lead: str, *children) -> html.Div:  # noqa: ANN002
    """A page with a title and a one-line lead, unless the user must log in first."""
    redirect = login_redirect()
    if redirect is not None:
        return html.Div(redirect)
    return html.Div(
        [html.H1(title, className="page-title"), html.P(lead, className="page-lead"), *children]
    )
