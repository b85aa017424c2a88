"""Login page: username and password, checked by ``monitor.auth.authenticate``."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboards import auth, i18n, ids

dash.register_page(__name__, path="/login", title="Common Monitor – inloggen")


def layout(next: str = "", **_query: str) -> html.Div:  # noqa: A002 (the query's name)
    """The login form; ``next``: the page to go to afterwards."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H1(i18n.t("login_title"), className="h4"),
                html.P(i18n.t("login_intro"), className="text-muted"),
                dbc.Label(i18n.t("username"), html_for=ids.LOGIN_USER),
                dbc.Input(id=ids.LOGIN_USER, autocomplete="username", className="mb-2"),
                dbc.Label(i18n.t("password"), html_for=ids.LOGIN_PASSWORD),
                dbc.Input(
                    id=ids.LOGIN_PASSWORD,
                    type="password",
                    autocomplete="current-password",
                    className="mb-3",
                    n_submit=0,
                ),
                dbc.Button(i18n.t("login_button"), id=ids.LOGIN_BUTTON, color="primary"),
                html.Div(id=ids.LOGIN_MESSAGE, className="mt-3"),
                dcc.Location(id=ids.LOGIN_REDIRECT, refresh=True),
                dcc.Store(id=ids.LOGIN_NEXT, data=next),
                # loads and compiles plotly.js while the user types (seconds on a busy
                # machine), so the first chart after logging in does not wait for it
                dcc.Graph(id="login-plotly-preload", style={"display": "none"}),
            ]
        ),
        className="login-card",
    )


@callback(
    Output(ids.LOGIN_MESSAGE, "children"),
    Output(ids.LOGIN_REDIRECT, "href"),
    Input(ids.LOGIN_BUTTON, "n_clicks"),
    Input(ids.LOGIN_PASSWORD, "n_submit"),
    State(ids.LOGIN_USER, "value"),
    State(ids.LOGIN_PASSWORD, "value"),
    State(ids.LOGIN_NEXT, "data"),
    prevent_initial_call=True,
)
def log_in(_clicks, _submits, username, password, next_page):  # noqa: ANN001, ANN201
    """Start a session and go to the page asked for (default the overview), or say why
    not."""
    error = auth.log_in(username or "", password or "")
    if error is not None:
        return dbc.Alert(i18n.t("login_failed"), color="danger"), no_update
    return "", auth.safe_target(next_page or "", dash.get_relative_path("/"))
