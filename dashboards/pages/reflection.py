"""Page 5 — Reflection session ("dialooggesprek"): every figure as known on the session
date next to the same figure now, the corrections in between, notes and agreed actions,
and an export of the view for the minutes (PDF/PNG through kaleido)."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from plotly.subplots import make_subplots

from dashboards import auth, i18n, ids
from dashboards.components.frame import dropdown, page
from dashboards.components.tables import message, suppression_note, table
from monitor import views
from monitor.errors import MonitorError
from monitor.policy import visible_organisations

dash.register_page(__name__, path="/reflectie", title="Common Monitor – dialooggesprek", order=4)


def layout(**_query: str) -> html.Div:
    """Session picker, new-session form, then/now table, corrections, notes, export."""
    new_session = dbc.Row(
        [
            dbc.Col(dbc.Input(id=ids.REFLECTION_NEW_DATE, type="date"), md=3),
            dbc.Col(dbc.Input(id=ids.REFLECTION_NEW_TITLE, placeholder=i18n.t("title")), md=6),
            dbc.Col(dbc.Button(i18n.t("new_session"), id=ids.REFLECTION_NEW_BUTTON), md=3),
        ],
        className="g-2 mb-3",
    )
    note_form = dbc.Row(
        [
            dbc.Col(
                dbc.RadioItems(
                    id=ids.REFLECTION_NOTE_KIND,
                    options=[{"label": i18n.t(k), "value": k} for k in ("note", "action")],
                    value="note",
                    inline=True,
                ),
                md=2,
            ),
            dbc.Col(dbc.Textarea(id=ids.REFLECTION_NOTE_TEXT, placeholder=i18n.t("text")), md=4),
            dbc.Col(
                [
                    dropdown(id=ids.REFLECTION_NOTE_OWNER, placeholder=i18n.t("owner")),
                    html.Small(i18n.t("owner_help"), className="text-muted"),
                ],
                md=3,
            ),
            dbc.Col(dbc.Input(id=ids.REFLECTION_NOTE_DUE, type="date"), md=2),
            dbc.Col(dbc.Button(i18n.t("add"), id=ids.REFLECTION_NOTE_BUTTON), md=1),
        ],
        className="g-2 mb-3",
    )
    export = html.Div(
        [
            dbc.Button(i18n.t("export_pdf"), id=ids.REFLECTION_EXPORT_PDF, className="me-2"),
            dbc.Button(i18n.t("export_png"), id=ids.REFLECTION_EXPORT_PNG, outline=True),
            dcc.Loading(dcc.Download(id=ids.REFLECTION_DOWNLOAD)),
        ],
        className="mb-4",
    )
    return page(
        i18n.t("reflection_title"),
        i18n.t("reflection_lead"),
        dcc.Store(id=ids.REFLECTION_REFRESH, data=0),
        dbc.Label(i18n.t("session")),
        dropdown(id=ids.REFLECTION_SESSION, clearable=False, className="mb-2"),
        new_session,
        html.Div(id=ids.REFLECTION_MESSAGE),
        html.Div(id=ids.REFLECTION_COMPARE),
        html.Div(id=ids.REFLECTION_CORRECTIONS),
        html.H2(i18n.t("notes_title"), className="h5 mt-4"),
        html.Div(id=ids.REFLECTION_NOTES),
        note_form,
        export,
    )


@callback(
    Output(ids.REFLECTION_SESSION, "options"),
    Output(ids.REFLECTION_SESSION, "value"),
    Output(ids.REFLECTION_NOTE_OWNER, "options"),
    Input(ids.ORG, "value"),
    Input(ids.REFLECTION_REFRESH, "data"),
    State(ids.REFLECTION_SESSION, "value"),
)
def choose_session(organisation_code, _refresh, current):  # noqa: ANN001, ANN201
    """Sessions of the organisation (newest first); organisations that may own an action."""
    if not organisation_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        found = views.reflection_sessions(session, principal, organisation_code=organisation_code)
        owners = [
            {"label": o.name, "value": o.code} for o in visible_organisations(session, principal)
        ]
    options = [{"label": f"{i18n.long_date(s.held_on)} – {s.title}", "value": s.id} for s in found]
    values = [o["value"] for o in options]
    return options, current if current in values else (values[0] if values else None), owners


@callback(
    Output(ids.REFLECTION_COMPARE, "children"),
    Output(ids.REFLECTION_CORRECTIONS, "children"),
    Output(ids.REFLECTION_NOTES, "children"),
    Input(ids.REFLECTION_SESSION, "value"),
    Input(ids.REFLECTION_REFRESH, "data"),
    State(ids.ORG, "value"),
)
def show_session(session_id, _refresh, organisation_code):  # noqa: ANN001, ANN201
    """Then/now, corrections since the session date, and the notes."""
    if not session_id or not organisation_code:
        return message(i18n.t("no_sessions")), "", ""
    with auth.logged_in() as (session, principal):
        try:
            view = views.reflection_view(session, principal, session_id=session_id)
        except MonitorError as exc:
            return message(str(exc), "warning"), "", ""
    return (
        compare_table(view.then_now, view.held_on),
        corrections_table(view.corrections, view.held_on),
        notes_list(view.notes),
    )


def _decimals(row: dict) -> int:
    return 0 if row["value_type"] == "count" else 1


def compare_table(frame: pl.DataFrame, held_on: date) -> html.Div:
    """Indicator | period | then | now | changed."""
    title = html.H2(i18n.t("then_now_title", date=i18n.long_date(held_on)), className="h5 mt-3")
    if frame.is_empty():
        return html.Div([title, message(i18n.t("no_data"))])
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    rows = [
        [
            r[name],
            i18n.t(r["source_kind"]),
            i18n.period_label(r["period_code"]),
            i18n.number(r["value_then"], suppressed=r["suppressed_then"], decimals=_decimals(r)),
            i18n.number(
                r["value_now"], suppressed=bool(r["suppressed_now"]), decimals=_decimals(r)
            ),
            html.Strong(i18n.t("yes")) if r["changed"] else "",
        ]
        for r in frame.to_dicts()
    ]
    headers = [
        i18n.t("indicator"), i18n.t("source"), i18n.t("period"),
        i18n.t("then", date=i18n.long_date(held_on)), i18n.t("now"), i18n.t("changed"),
    ]  # fmt: skip
    return html.Div([title, table(headers, rows, table_id="then-now"), suppression_note()])


def corrections_table(frame: pl.DataFrame, held_on: date) -> html.Div:
    """What was corrected after the session date."""
    title = html.H2(i18n.t("corrections_title", date=i18n.long_date(held_on)), className="h5")
    if frame.is_empty():
        return html.Div([title, message(i18n.t("no_corrections"))])
    rows = [
        [
            r["organisation_code"], r["indicator_code"], i18n.period_label(r["period_code"]),
            r["category"],
            i18n.number(r["old_value"], suppressed=r["old_suppressed"], decimals=_decimals(r)),
            i18n.number(r["new_value"], suppressed=r["new_suppressed"], decimals=_decimals(r)),
            i18n.long_date(r["corrected_at"]), r["corrected_by"] or "–",
        ]
        for r in frame.to_dicts()
    ]  # fmt: skip
    headers = [
        i18n.t("organisation"), i18n.t("indicator"), i18n.t("period"), i18n.t("category"),
        i18n.t("old_value"), i18n.t("new_value"), i18n.t("corrected_on"), i18n.t("corrected_by"),
    ]  # fmt: skip
    return html.Div([title, table(headers, rows, table_id="corrections")])


def notes_list(frame: pl.DataFrame) -> html.Ul:
    """Notes, then actions with the organisation taking them up and the due date."""
    items = []
    for r in frame.to_dicts():
        extra = ""
        if r["kind"] == "action":
            due = f", {i18n.t('due').lower()} {i18n.long_date(r['due_on'])}" if r["due_on"] else ""
            extra = f" — {r['owner_name']}{due}"
        remove = dcc.ConfirmDialogProvider(
            dbc.Button(i18n.t("delete_note"), size="sm", color="link", className="py-0"),
            id={"type": ids.REFLECTION_NOTE_DELETE, "index": r["id"]},
            message=i18n.t("delete_note_confirm"),
        )
        items.append(
            html.Li([dbc.Badge(i18n.t(r["kind"]), className="me-2"), r["text"], extra, remove])
        )
    return html.Ul(items, id="reflection-note-list", className="list-unstyled")


@callback(
    Output(ids.REFLECTION_REFRESH, "data", allow_duplicate=True),
    Output(ids.REFLECTION_MESSAGE, "children", allow_duplicate=True),
    Input({"type": ids.REFLECTION_NOTE_DELETE, "index": ALL}, "submit_n_clicks"),
    State(ids.REFLECTION_REFRESH, "data"),
    prevent_initial_call=True,
)
def delete_note(confirmed=None, refresh=None):  # noqa: ANN001, ANN201 - forged: fewer args
    """Delete the note whose deletion was confirmed (audited); the list refreshes."""
    triggered = ctx.triggered_id
    if not triggered or not isinstance(confirmed, list) or not any(confirmed):
        raise dash.exceptions.PreventUpdate  # the list was drawn, nothing was clicked
    if not isinstance(triggered, dict) or type(triggered.get("index")) is not int:
        return no_update, message("Deze notitie bestaat niet.", "danger")  # forged
    with auth.logged_in() as (session, principal):
        try:
            views.delete_reflection_note(session, principal, note_id=triggered["index"])
        except MonitorError as exc:
            session.rollback()
            return no_update, message(str(exc), "danger")
    return (refresh or 0) + 1, ""


@callback(
    Output(ids.REFLECTION_REFRESH, "data"),
    Output(ids.REFLECTION_MESSAGE, "children"),
    Input(ids.REFLECTION_NEW_BUTTON, "n_clicks"),
    Input(ids.REFLECTION_NOTE_BUTTON, "n_clicks"),
    State(ids.ORG, "value"),
    State(ids.REFLECTION_NEW_DATE, "value"),
    State(ids.REFLECTION_NEW_TITLE, "value"),
    State(ids.REFLECTION_SESSION, "value"),
    State(ids.REFLECTION_NOTE_KIND, "value"),
    State(ids.REFLECTION_NOTE_TEXT, "value"),
    State(ids.REFLECTION_NOTE_OWNER, "value"),
    State(ids.REFLECTION_NOTE_DUE, "value"),
    State(ids.REFLECTION_REFRESH, "data"),
    prevent_initial_call=True,
)
def record(_new, _note, org, held_on, title, session_id, kind, text, owner, due, refresh):  # noqa: ANN001, ANN201
    """Create a session or add a note/action; the lists refresh afterwards."""
    with auth.logged_in() as (session, principal):
        try:
            if ctx.triggered_id == ids.REFLECTION_NEW_BUTTON:
                if not held_on:
                    return no_update, message(i18n.t("no_data"), "warning")
                views.create_reflection_session(
                    session, principal, organisation_code=org,
                    held_on=date.fromisoformat(held_on), title=title or "",
                )  # fmt: skip
            else:
                views.add_reflection_note(
                    session, principal, session_id=session_id, kind=kind, text=text or "",
                    owner_organisation_code=owner if kind == "action" else None,
                    due_on=date.fromisoformat(due) if due else None,
                )  # fmt: skip
        except MonitorError as exc:
            session.rollback()
            return no_update, message(str(exc), "danger")
    return (refresh or 0) + 1, ""


@callback(
    Output(ids.REFLECTION_DOWNLOAD, "data"),
    Input(ids.REFLECTION_EXPORT_PDF, "n_clicks"),
    Input(ids.REFLECTION_EXPORT_PNG, "n_clicks"),
    State(ids.REFLECTION_SESSION, "value"),
    prevent_initial_call=True,
)
def export(_pdf, _png, session_id):  # noqa: ANN001, ANN201
    """The then/now table, corrections and notes as one PDF or PNG page (kaleido)."""
    if not session_id:
        raise dash.exceptions.PreventUpdate
    fmt = "pdf" if ctx.triggered_id == ids.REFLECTION_EXPORT_PDF else "png"
    with auth.logged_in() as (session, principal):
        view = views.reflection_view(session, principal, session_id=session_id)
    content = export_figure(view).to_image(format=fmt, width=1100, height=1400)
    name = f"dialooggesprek-{view.organisation_code}-{view.held_on.isoformat()}.{fmt}"
    return dcc.send_bytes(content, name)


def export_figure(view: views.ReflectionView) -> go.Figure:
    """Three tables on one page: then/now, corrections, notes and actions."""
    then_now, fixes, notes = view.then_now, view.corrections, view.notes
    day = i18n.long_date(view.held_on)
    figure = make_subplots(
        rows=3, cols=1, specs=[[{"type": "table"}]] * 3, row_heights=[0.5, 0.25, 0.25],
        subplot_titles=[
            i18n.t("then_now_title", date=day), i18n.t("corrections_title", date=day),
            i18n.t("notes_title"),
        ],
        vertical_spacing=0.06,
    )  # fmt: skip
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    rows = then_now.to_dicts()
    figure.add_trace(
        go.Table(
            header={"values": [i18n.t("indicator"), i18n.t("period"),
                               i18n.t("then", date=day), i18n.t("now"), i18n.t("changed")]},
            cells={"values": [
                [r[name] for r in rows], [i18n.period_label(r["period_code"]) for r in rows],
                [i18n.number(r["value_then"], suppressed=r["suppressed_then"],
                             decimals=_decimals(r)) for r in rows],
                [i18n.number(r["value_now"], suppressed=bool(r["suppressed_now"]),
                             decimals=_decimals(r)) for r in rows],
                [i18n.t("yes") if r["changed"] else "" for r in rows],
            ]},
        ),
        row=1, col=1,
    )  # fmt: skip
    fixed = fixes.to_dicts()
    figure.add_trace(
        go.Table(
            header={"values": [i18n.t("indicator"), i18n.t("period"), i18n.t("old_value"),
                               i18n.t("new_value"), i18n.t("corrected_on")]},
            cells={"values": [
                [r["indicator_code"] for r in fixed],
                [i18n.period_label(r["period_code"]) for r in fixed],
                [i18n.number(r["old_value"], suppressed=r["old_suppressed"],
                             decimals=_decimals(r)) for r in fixed],
                [i18n.number(r["new_value"], suppressed=r["new_suppressed"],
                             decimals=_decimals(r)) for r in fixed],
                [i18n.long_date(r["corrected_at"]) for r in fixed],
            ]},
        ),
        row=2, col=1,
    )  # fmt: skip
    listed = notes.to_dicts()
    figure.add_trace(
        go.Table(
            header={"values": ["", i18n.t("text"), i18n.t("owner"), i18n.t("due")]},
            cells={"values": [
                [i18n.t(r["kind"]) for r in listed], [r["text"] for r in listed],
                [r["owner_name"] or "" for r in listed],
                [i18n.long_date(r["due_on"]) if r["due_on"] else "" for r in listed],
            ]},
        ),
        row=3, col=1,
    )  # fmt: skip
    figure.update_layout(
        title=f"{i18n.t('reflection_title')}: {view.organisation_name}, {day} – {view.title}",
        margin={"l": 30, "r": 30, "t": 80, "b": 30},
        annotations=[*figure.layout.annotations, {
            "text": i18n.t("suppressed_note", t=i18n.threshold()), "showarrow": False,
            "xref": "paper", "yref": "paper", "x": 0, "y": -0.02, "font": {"size": 9},
            "xanchor": "left",
        }],
    )  # fmt: skip
    return figure
