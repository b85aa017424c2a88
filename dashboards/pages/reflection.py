"""Page 5 — Reflection session ("dialooggesprek"): every figure as known on the session
date next to the same figure now, the corrections in between, notes and agreed actions,
and the printable report of the session for the minutes (:mod:`dashboards.report`)."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboards import auth, i18n, ids, report
from dashboards.components import curve
from dashboards.components.frame import dropdown, fired, page
from dashboards.components.tables import correction_names, message, named_corrections
from dashboards.components.then_now import compare_table, corrections_table
from monitor import views
from monitor.errors import MonitorError
from monitor.policy import visible_organisations

dash.register_page(__name__, path="/reflectie", title="Common Monitor – dialooggesprek", order=4)
curve.register()  # the turn-the-curve section's callbacks, once per app like this page's


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
            dbc.Button(report.t("report_export_png"), id=ids.REFLECTION_EXPORT_PNG, outline=True),
            dcc.Loading(dcc.Download(id=ids.REFLECTION_DOWNLOAD)),
            html.Small(report.t("report_export_help"), className="text-muted d-block mt-1"),
        ],
        className="mb-4",
    )
    return page(
        i18n.t("reflection_title"),
        i18n.t("reflection_lead"),
        dcc.Store(id=ids.REFLECTION_REFRESH, data=0),
        dcc.Store(id=ids.REFLECTION_NEW_ID),
        dcc.Store(id=ids.REFLECTION_NOTE_DELETION),
        dbc.Label(i18n.t("session")),
        dropdown(id=ids.REFLECTION_SESSION, clearable=False, className="mb-2"),
        new_session,
        html.Div(id=ids.REFLECTION_MESSAGE),
        html.Div(id=ids.REFLECTION_COMPARE),
        html.Div(id=ids.REFLECTION_CORRECTIONS),
        curve.curve_section(),
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
    Input(ids.REFLECTION_NEW_ID, "data"),
    State(ids.REFLECTION_SESSION, "value"),
)
def choose_session(organisation_code, _refresh, created, current):  # noqa: ANN001, ANN201
    """Sessions of the organisation (newest first); organisations that may own an action.
    A session just created is the one chosen."""
    if not organisation_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        found = views.reflection_sessions(session, principal, organisation_code=organisation_code)
        owners = [
            {"label": o.name, "value": o.code} for o in visible_organisations(session, principal)
        ]
    options = [{"label": f"{i18n.long_date(s.held_on)} – {s.title}", "value": s.id} for s in found]
    values = [o["value"] for o in options]
    if fired(f"{ids.REFLECTION_NEW_ID}.data") and created in values:
        current = created
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
        corrections = named_corrections(session, view.corrections, i18n.language())
        names = correction_names(session, view.then_now, i18n.language())
    return (
        compare_table(view.then_now, view.held_on, names),
        corrections_table(corrections, view.held_on),
        notes_list(view.notes),
    )


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


#: Which note's deletion was confirmed, picked in the browser (:data:`PICK_DELETION`):
#: drawing the notes list adds delete buttons, which Dash answers by calling a callback
#: on them; in the browser that costs no round trip to the server.
PICK_DELETION = """function (confirmed) {
    const fired = window.dash_clientside.callback_context.triggered.filter(t => t.value);
    if (!fired.length) { return window.dash_clientside.no_update; }
    const prop = fired[0].prop_id;
    const id = JSON.parse(prop.slice(0, prop.lastIndexOf(".")));
    return {index: id.index, at: Date.now()};
}"""
dash.clientside_callback(
    PICK_DELETION,
    Output(ids.REFLECTION_NOTE_DELETION, "data"),
    Input({"type": ids.REFLECTION_NOTE_DELETE, "index": ALL}, "submit_n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.REFLECTION_REFRESH, "data", allow_duplicate=True),
    Output(ids.REFLECTION_MESSAGE, "children", allow_duplicate=True),
    Input(ids.REFLECTION_NOTE_DELETION, "data"),
    State(ids.REFLECTION_REFRESH, "data"),
    prevent_initial_call=True,
)
def delete_note(deletion=None, refresh=None):  # noqa: ANN001, ANN201 - forged: fewer args
    """Delete the note whose deletion was confirmed (audited); the list refreshes."""
    if not deletion:
        raise dash.exceptions.PreventUpdate
    index = deletion.get("index") if isinstance(deletion, dict) else None
    if type(index) is not int:
        return no_update, message(i18n.t("note_unknown"), "danger")  # forged
    with auth.logged_in() as (session, principal):
        try:
            views.delete_reflection_note(session, principal, note_id=index)
        except MonitorError as exc:
            session.rollback()
            return no_update, message(str(exc), "danger")
    return (refresh if isinstance(refresh, int) else 0) + 1, ""


#: The form fields ``record`` clears after saving: new session (date, title), note (text,
#: organisation, due date).
CLEARED = 5


@callback(
    Output(ids.REFLECTION_REFRESH, "data"),
    Output(ids.REFLECTION_MESSAGE, "children"),
    Output(ids.REFLECTION_NEW_ID, "data"),
    Output(ids.REFLECTION_NEW_DATE, "value"),
    Output(ids.REFLECTION_NEW_TITLE, "value"),
    Output(ids.REFLECTION_NOTE_TEXT, "value"),
    Output(ids.REFLECTION_NOTE_OWNER, "value"),
    Output(ids.REFLECTION_NOTE_DUE, "value"),
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
    """Create a session (then chosen) or add a note/action; the form that was saved is
    cleared and the lists refresh. Missing input gets a message in the user's language."""
    refresh = refresh if isinstance(refresh, int) else 0
    keep = [no_update] * CLEARED

    def refused(key: str) -> tuple:
        return (no_update, message(i18n.t(key), "warning"), no_update, *keep)

    new_session = ctx.triggered_id == ids.REFLECTION_NEW_BUTTON
    if new_session:
        day = _day(held_on)
        if day is None:
            return refused("session_needs_date")
        if not isinstance(title, str) or not 1 <= len(title.strip()) <= 200:
            return refused("session_needs_title")
    else:
        if not isinstance(session_id, int):
            return refused("choose_session_first")
        if not isinstance(text, str) or not text.strip():
            return refused("note_needs_text")
        if kind == "action" and not isinstance(owner, str):
            return refused("action_needs_owner")
    with auth.logged_in() as (session, principal):
        try:
            if new_session:
                row = views.create_reflection_session(
                    session, principal, organisation_code=org, held_on=day, title=title,
                )  # fmt: skip
                done = message(i18n.t("session_created"), "success")
                return refresh + 1, done, row.id, None, "", no_update, no_update, no_update
            views.add_reflection_note(
                session, principal, session_id=session_id, kind=kind, text=text,
                owner_organisation_code=owner if kind == "action" else None,
                due_on=_day(due) if kind == "action" else None,
            )  # fmt: skip
        except MonitorError as exc:
            session.rollback()
            return (no_update, message(str(exc), "danger"), no_update, *keep)
    done = message(i18n.t("note_saved"), "success")
    return refresh + 1, done, no_update, no_update, no_update, "", None, None


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@callback(
    Output(ids.REFLECTION_DOWNLOAD, "data"),
    Output(ids.REFLECTION_MESSAGE, "children", allow_duplicate=True),
    Input(ids.REFLECTION_EXPORT_PDF, "n_clicks"),
    Input(ids.REFLECTION_EXPORT_PNG, "n_clicks"),
    State(ids.REFLECTION_SESSION, "value"),
    prevent_initial_call=True,
)
def export(_pdf, _png, session_id):  # noqa: ANN001, ANN201
    """The session's printable report (:mod:`dashboards.report`): the A4 PDF, or its pages
    as PNGs in one ZIP. Refused, like the page, for sessions the user may not see."""
    if type(session_id) is not int:
        raise dash.exceptions.PreventUpdate
    as_png = ctx.triggered_id == ids.REFLECTION_EXPORT_PNG
    with auth.logged_in() as (session, principal):
        try:
            printed = report.make_report(
                session, principal, session_id=session_id, with_pngs=as_png, for_web=True
            )
        except report.ReportUnavailableError as exc:
            return no_update, message(str(exc), "danger")
    stem = report.file_stem(printed.content)
    if as_png:
        return dcc.send_bytes(report.pngs_as_zip(printed), f"{stem}-png.zip"), ""
    return dcc.send_bytes(printed.pdf, f"{stem}.pdf"), ""
