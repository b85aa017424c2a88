"""Page frames: the login guard every page layout starts with, titles and leads."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from dashboards import auth


def login_redirect() -> dcc.Location | None:
    """A redirect to the login page when nobody is logged in, else None; after logging in
    the user comes back to the page asked for, with its organisation and period."""
    with auth.database() as session:
        if auth.current_principal(session) is not None:
            return None
    login = dash.get_relative_path("/login")
    asked = auth.page_location()
    if asked and asked != dash.get_relative_path("/") and not asked.startswith(login):
        login += "?" + urlencode({"next": asked})
    return dcc.Location(id="guard-redirect", href=login, refresh=True)


def page(title: str, lead: str, *children) -> html.Div:  # noqa: ANN002
    """A page with a title and a one-line lead, unless the user must log in first."""
    redirect = login_redirect()
    if redirect is not None:
        return html.Div(redirect)
    return html.Div(
        [html.H1(title, className="page-title"), html.P(lead, className="page-lead"), *children]
    )
