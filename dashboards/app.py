"""The Dash app: ``Dash(use_pages=True)``, the shell (navigation, organisation and period
pickers, language switch, logout) and the shared store. Pages live in ``pages/``.

``create_dash_app()`` builds a fresh app (its own Flask server unless one is given); the
API engineer mounts it in the ASGI app with the prefix it is served under.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, dcc, html
from sqlalchemy import Engine

from dashboards import auth, i18n, ids
from dashboards.components.frame import dropdown
from monitor import views
from monitor.policy import visible_organisations

PAGES_DIR = Path(__file__).resolve().parent / "pages"
#: Page modules in menu order (module name -> i18n key of the menu entry).
MENU = [
    ("overview", "nav_overview"),
    ("trend", "nav_trend"),
    ("referrals", "nav_referrals"),
    ("outcomes", "nav_outcomes"),
    ("reflection", "nav_reflection"),
    ("data_entry", "nav_entry"),
]
_KIND_ORDER = {"network": 0, "samenwerkingsverband": 1, "municipality": 2}


def create_dash_app(
    requests_pathname_prefix: str = "/",
    server: flask.Flask | None = None,
    routes_pathname_prefix: str | None = None,
    *,
    engine: Engine | None = None,
) -> dash.Dash:
    """Build the dashboards app.

    Parameters
    ----------
    requests_pathname_prefix
        Where the browser reaches the app, e.g. ``/dashboards/`` behind the API.
    server
        A Flask server to attach to (default: a new one).
    routes_pathname_prefix
        Where Flask sees the routes; default ``/`` when mounted under a prefix (the mount
        strips it), else the requests prefix.
    engine
        The database every page and callback reads (default: the one ``DATABASE_URL``
        names); ``monitor.web.create_web_app`` hands the API's engine here.
    """
    if not requests_pathname_prefix.endswith("/"):
        requests_pathname_prefix += "/"
    routes = routes_pathname_prefix or "/"
    server = server or flask.Flask("dashboards")
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        requests_pathname_prefix=requests_pathname_prefix,
        routes_pathname_prefix=routes,
        suppress_callback_exceptions=True,
        title="Common Monitor",
        update_title=None,
    )
    auth.use_engine(server, engine)
    _set_html_lang(app)
    auth.configure(server, requests_pathname_prefix, routes)
    auth.add_security_headers(server, app)
    server.before_request(lambda: refuse_malformed_callback(app))
    app.layout = shell
    # the shell fills both pickers itself (see shell): no callback round trip stands
    # between a page and its figures
    app.callback(
        Output(ids.PERIOD, "options"),
        Output(ids.PERIOD, "value"),
        Input(ids.ORG, "value"),
        State(ids.PERIOD, "value"),
        State(ids.ASKED_PERIOD, "data"),
        prevent_initial_call=True,
    )(choose_periods)
    # arriving on the data-entry page by the menu (without ?org=) shows the user's own
    # organisation, so that what they send is reported by it; decided in the browser
    app.clientside_callback(
        """function (pathname, search, own) {
            const page = (pathname || "").replace(/\\/+$/, "").split("/").pop();
            if (page !== "invoer" || (search || "").includes("org=") || !own) {
                return window.dash_clientside.no_update;
            }
            return own;
        }""",
        Output(ids.ORG, "value"),
        Input(ids.URL, "pathname"),
        State(ids.URL, "search"),
        State(ids.OWN_ORG, "data"),
        prevent_initial_call=True,
    )
    # the chosen organisation and period travel in the address (?org=..&period=..), so a
    # link to a page shows the same figures to whoever opens it (within their rights)
    app.clientside_callback(
        """function (org, period, pathname) {
            const url = new URL(window.location.href);
            if (org) { url.searchParams.set("org", org); }
            if (period) { url.searchParams.set("period", period); }
            if (url.href !== window.location.href) {
                window.history.replaceState(window.history.state, "", url.href);
            }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.URL_SYNC, "data"),
        Input(ids.ORG, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.URL, "pathname"),
    )
    # the trend page's indicator travels in the address too, so the language switch (and a
    # shared link) comes back to the same indicator
    app.clientside_callback(
        """function (indicator) {
            if (!indicator) { return window.dash_clientside.no_update; }
            const url = new URL(window.location.href);
            url.searchParams.set("indicator", indicator);
            if (url.href !== window.location.href) {
                window.history.replaceState(window.history.state, "", url.href);
            }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.URL_SYNC_INDICATOR, "data"),
        Input(ids.TREND_INDICATOR, "value"),
    )
    return app


def _set_html_lang(app: dash.Dash) -> None:
    """``<html lang="nl">`` (or ``en``) on every page, for screen readers and spelling."""
    interpolate = app.interpolate_index

    def with_lang(**parts: str) -> str:
        page = interpolate(**parts)
        return page.replace("<html>", f'<html lang="{i18n.language()}">', 1)

    app.interpolate_index = with_lang


def _organisation_options(orgs) -> list[dict]:  # noqa: ANN001
    chosen = sorted(orgs, key=lambda o: (_KIND_ORDER.get(o.kind, 9), o.name))
    return [{"label": f"{o.name} ({o.code})", "value": o.code} for o in chosen]


def _language_switch(lang: str) -> html.Span:
    links = [
        html.A(
            code.upper(),
            href=_lang_href(code),
            className="lang-switch" + (" me-2" if code == "nl" else "") + _bold(lang == code),
            id=f"lang-{code}",
            lang=code,
        )
        for code in ("nl", "en")
    ]
    return html.Span(links, className="ms-3")


def first_organisation(
    codes: list[str], asked: str | None, own: str | None, page: str
) -> str | None:
    """The organisation the shell opens with: the one the address asks for (``?org=``),
    else on the data-entry page the user's own, else the first the user may see."""
    if asked in codes:
        return asked
    if own in codes and page.split("?")[0].rstrip("/").endswith("/invoer"):
        return own
    return codes[0] if codes else None


def shell() -> html.Div:
    """The frame around every page; pickers only for a logged-in user. The first
    organisation and its periods are chosen here, so the pages' callbacks ask for figures
    straight away (no round trip to fill the pickers first)."""
    lang = i18n.language()
    switch = _language_switch(lang)
    brand = dbc.NavbarBrand(i18n.t("app_title"), href=dash.get_relative_path("/"))
    with auth.database() as session:
        principal = auth.current_principal(session)
        if principal is None:
            bar = dbc.Navbar(
                dbc.Container([brand, switch]), color="primary", dark=True, className="mb-3"
            )
            return html.Div([bar, dbc.Container(dash.page_container, fluid=True)])
        options = _organisation_options(visible_organisations(session, principal))
        codes = [o["value"] for o in options]
        own = views.own_organisation_code(session, principal)
        own = own if own in codes else None
        asked = auth.page_query()
        chosen_org = first_organisation(codes, asked.get("org"), own, auth.page_location())
        periods, period = ([], None)
        if chosen_org:
            periods, period = _periods(session, principal, chosen_org, None, asked.get("period"))
    links = [
        dbc.NavLink(
            i18n.t(key),
            href=dash.page_registry[f"pages.{module}"]["relative_path"],
            active="exact",
        )
        for module, key in MENU
        if f"pages.{module}" in dash.page_registry
    ]
    pickers = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(i18n.t("organisation"), html_for=ids.ORG),
                    dropdown(
                        id=ids.ORG,
                        options=options,
                        value=chosen_org,
                        clearable=False,
                        # no browser persistence: the choice travels in the address
                        # (?org=), which a link or the language switch may change
                    ),
                ],
                md=5,
            ),
            dbc.Col(
                [
                    dbc.Label(i18n.t("period"), html_for=ids.PERIOD),
                    dropdown(id=ids.PERIOD, options=periods, value=period, clearable=False),
                    dcc.Store(id=ids.ASKED_PERIOD, data=asked.get("period")),
                    dcc.Store(id=ids.OWN_ORG, data=own),
                ],
                md=3,
            ),
            dbc.Col(
                html.Div(
                    [
                        html.Span(principal.username, className="text-muted me-3"),
                        html.A(i18n.t("logout"), href=dash.get_relative_path("/logout")),
                        switch,
                    ],
                    className="text-end pt-4",
                ),
                md=4,
            ),
        ],
        className="shell-pickers g-2 mb-2",
    )
    bar = dbc.Navbar(
        dbc.Container([brand, dbc.Nav(links, pills=True, id=ids.NAV)], fluid=True),
        color="primary",
        dark=True,
        className="mb-2",
    )
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dcc.Store(id=ids.URL_SYNC),
            dcc.Store(id=ids.URL_SYNC_INDICATOR),
            dcc.Store(id=ids.SELECTION, storage_type="session"),
            bar,
            dbc.Container([pickers, dash.page_container], fluid=True),
        ]
    )


def _bold(chosen: bool) -> str:
    return " fw-bold" if chosen else ""


def _lang_href(code: str) -> str:
    """Link to switch language and come back to the page the app was opened on."""
    page = auth.page_location() or dash.get_relative_path("/")
    return dash.get_relative_path(f"/lang/{code}") + "?" + urlencode({"next": page})


def choose_periods(organisation_code: str | None, current: str | None, asked: str | None = None):  # noqa: ANN201
    """Periods with figures for the chosen organisation (newest first); the one chosen
    stays, else the one the address asked for, else the newest."""
    if not organisation_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        return _periods(session, principal, organisation_code, current, asked)


def _periods(session, principal, organisation_code: str, current, asked):  # noqa: ANN001, ANN202
    codes = views.available_periods(session, principal, organisation_code=organisation_code)
    options = [{"label": i18n.period_label(c), "value": c} for c in codes]
    chosen = next((c for c in (current, asked) if c in codes), codes[0] if codes else None)
    return options, chosen


def refuse_malformed_callback(app: dash.Dash) -> flask.Response | None:
    """A callback request whose inputs or state do not match the callback's declaration
    (a forged or truncated body) is a 400 with a plain message, not a 500 from inside
    Dash's dispatch; the callbacks check the values themselves."""
    if flask.request.method != "POST" or not flask.request.path.endswith("/_dash-update-component"):
        return None
    body = flask.request.get_json(silent=True)
    spec = app.callback_map.get(body.get("output")) if isinstance(body, dict) else None
    if spec is not None:
        inputs, state = body.get("inputs"), body.get("state", [])
        if (
            isinstance(inputs, list)
            and isinstance(state, list)
            and len(inputs) == len(spec["inputs"])
            and len(state) == len(spec.get("state", []))
        ):
            return None
    answer = flask.jsonify({"detail": i18n.t("bad_request")})
    answer.status_code = 400
    return answer
