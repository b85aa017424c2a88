"""Page frames: the login guard every page layout starts with, titles and leads."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import ctx, dcc, html
from dash.exceptions import MissingCallbackContextException

from dashboards import auth, i18n


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


def dropdown(**props) -> dcc.Dropdown:  # noqa: ANN003
    """A ``dcc.Dropdown`` whose own texts (placeholder, search box, "nothing found") are in
    the current language; Dash's defaults are English."""
    if i18n.language() == "nl":
        props.setdefault("placeholder", i18n.t("choose"))
        props.setdefault("labels", DROPDOWN_LABELS_NL)
    return dcc.Dropdown(**props)


#: Dutch texts of Dash's dropdown (keys of ``dcc.Dropdown(labels=...)``).
DROPDOWN_LABELS_NL = {
    "search": "Zoeken",
    "clear_search": "Zoekterm wissen",
    "clear_selection": "Keuze wissen",
    "no_options_found": "Niets gevonden",
    "select_all": "Alles kiezen",
    "deselect_all": "Niets kiezen",
}


def fired(prop: str) -> bool:
    """True when ``prop`` (``"component-id.property"``) is among the inputs that fired the
    callback being answered (False when called outside one, as in tests)."""
    try:
        return prop in ctx.triggered_prop_ids
    except MissingCallbackContextException:
        return False
