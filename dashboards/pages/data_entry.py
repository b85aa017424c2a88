"""Page 6 — Data entry and quality: upload a file through the ingest core and see the
row-level report in a grid; enter one periodic figure in a form; completeness per
partner; outlier and validation-rule warnings."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from dashboards import auth, i18n, ids
from dashboards.components.entry_report import report_rows, report_status, sentence, stored_note
from dashboards.components.frame import dropdown, page
from dashboards.components.tables import (
    category_names,
    completeness_table,
    indicator_names,
    message,
    organisation_names,
    table,
)
from monitor import messages, views
from monitor.errors import MonitorError, ValidationFailed
from monitor.views.entry_help import entry_template

dash.register_page(__name__, path="/invoer", title="Common Monitor – invoer", order=5)

GRID_COLUMNS = ("severity", "file", "row", "column", "value", "reason")
TEMPLATE_BUTTON = "entry-template-button"
TEMPLATE_DOWNLOAD = "entry-template-download"


def _field(key: str, component, md: int) -> dbc.Col:  # noqa: ANN001
    return dbc.Col([dbc.Label(i18n.t(key)), component], md=md)


def _header(column: str) -> str:
    return i18n.t(column) if column in i18n.TEXTS else column.capitalize()


def layout(**_query: str) -> html.Div:
    """Upload, form, report grid, completeness and warnings."""
    upload = dbc.Card(
        dbc.CardBody(
            [
                html.H2(i18n.t("upload_title"), className="h5"),
                dbc.Label(i18n.t("on_behalf")),
                dropdown(id=ids.ENTRY_REPORTER, clearable=False, className="mb-2"),
                html.P(
                    [
                        dbc.Button(
                            i18n.t("template_download"),
                            id=TEMPLATE_BUTTON,
                            color="secondary",
                            outline=True,
                            size="sm",
                            className="me-2",
                        ),
                        html.Span(i18n.t("template_help"), className="text-muted small"),
                    ],
                    className="mb-2",
                ),
                dcc.Download(id=TEMPLATE_DOWNLOAD),
                dcc.Upload(
                    html.Div(i18n.t("upload_hint")),
                    id=ids.ENTRY_UPLOAD,
                    className="border border-2 rounded p-4 text-center bg-white mb-2",
                    accept=".csv,.xlsx,.parquet,.json,.txt,.xml,.zip",
                ),
                dbc.Checklist(
                    id=ids.ENTRY_OPTIONS,
                    options=[
                        {"label": i18n.t("accept_valid"), "value": "accept_valid"},
                        {"label": i18n.t("dry_run"), "value": "dry_run"},
                    ],
                    value=[],
                ),
            ]
        ),
        className="mb-3",
    )
    form = dbc.Card(
        dbc.CardBody(
            [
                html.H2(i18n.t("form_title"), className="h5"),
                dbc.Row(
                    [
                        _field("indicator", dropdown(id=ids.ENTRY_INDICATOR), 4),
                        _field(
                            "period", dbc.Input(id=ids.ENTRY_FORM_PERIOD, placeholder="2024-H1"), 2
                        ),
                        _field("category", dbc.Input(id=ids.ENTRY_CATEGORY), 2),
                        _field("value", dbc.Input(id=ids.ENTRY_VALUE), 1),
                        _field("numerator", dbc.Input(id=ids.ENTRY_NUMERATOR), 1),
                        _field("denominator", dbc.Input(id=ids.ENTRY_DENOMINATOR), 1),
                        dbc.Col(
                            dbc.Button(i18n.t("submit"), id=ids.ENTRY_SUBMIT, className="mt-4"),
                            md=1,
                        ),
                    ],
                    className="g-2",
                ),
            ]
        ),
        className="mb-3",
    )
    grid = dag.AgGrid(
        id=ids.ENTRY_GRID,
        rowData=[],
        columnDefs=[
            {"field": c, "headerName": _header(c), "flex": 4 if c == "reason" else 1}
            | ({"wrapText": True, "autoHeight": True} if c == "reason" else {})
            for c in GRID_COLUMNS
        ],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "domLayout": "autoHeight",
            "localeText": {"noRowsToShow": i18n.t("no_problems")},
        },
    )  # fmt: skip
    return page(
        i18n.t("nav_entry"),
        i18n.t("entry_lead"),
        upload,
        form,
        html.Div(id=ids.ENTRY_STATUS),
        grid,
        html.H2(i18n.t("completeness_title"), className="h5 mt-4"),
        html.P(i18n.t("completeness_help"), className="text-muted small"),
        html.Div(id=ids.ENTRY_COMPLETENESS),
        html.H2(i18n.t("warnings_title"), className="h5 mt-4"),
        html.P(i18n.t("warnings_help"), className="text-muted small"),
        html.Div(id=ids.ENTRY_WARNINGS),
    )


@callback(
    Output(ids.ENTRY_REPORTER, "options"),
    Output(ids.ENTRY_REPORTER, "value"),
    Output(ids.ENTRY_INDICATOR, "options"),
    Input(ids.ORG, "value"),
)
def choose_reporter(organisation_code):  # noqa: ANN001, ANN201
    """Who the user may submit for; the aggregate indicators that can be typed in."""
    with auth.logged_in() as (session, principal):
        reporters = views.submitting_organisations(session, principal)
        indicators = [i for i in views.aggregate_indicators(session) if i.value_type != "rate"]
        options = [{"label": f"{o.name} ({o.code})", "value": o.code} for o in reporters]
        value = views.default_reporter(
            session, principal, [o["value"] for o in options], organisation_code
        )
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    indicator_options = [
        {"label": f"{i.code} – {getattr(i, name)}", "value": i.code} for i in indicators
    ]
    return options, value, indicator_options


@callback(
    Output(TEMPLATE_DOWNLOAD, "data"),
    Input(TEMPLATE_BUTTON, "n_clicks"),
    State(ids.ENTRY_REPORTER, "value"),
    prevent_initial_call=True,
)
def download_template(_clicks, reporter):  # noqa: ANN001, ANN201
    """The XLSX template of the chosen reporter, in the page's language."""
    if not reporter:
        raise dash.exceptions.PreventUpdate
    lang = i18n.language()
    with auth.logged_in() as (session, principal):
        content = entry_template(
            session, principal, reporter, language=lang, units_en=i18n.UNITS_EN
        )
    name = f"{i18n.t('template_file')}-{reporter}.xlsx"
    return dcc.send_bytes(content, name)


@callback(
    Output(ids.ENTRY_STATUS, "children"),
    Output(ids.ENTRY_GRID, "rowData"),
    Input(ids.ENTRY_UPLOAD, "contents"),
    Input(ids.ENTRY_SUBMIT, "n_clicks"),
    State(ids.ENTRY_UPLOAD, "filename"),
    State(ids.ENTRY_OPTIONS, "value"),
    State(ids.ENTRY_REPORTER, "value"),
    State(ids.ORG, "value"),
    State(ids.ENTRY_INDICATOR, "value"),
    State(ids.ENTRY_FORM_PERIOD, "value"),
    State(ids.ENTRY_CATEGORY, "value"),
    State(ids.ENTRY_VALUE, "value"),
    State(ids.ENTRY_NUMERATOR, "value"),
    State(ids.ENTRY_DENOMINATOR, "value"),
    prevent_initial_call=True,
)
def submit(
    contents,
    _clicks,
    filename,
    options,
    reporter,
    about,
    indicator,
    period,
    category,
    value,
    numerator,
    denominator,
):  # noqa: ANN001, ANN201
    """Send the file or the form through the ingest core; show its report."""
    options = options or []
    with auth.logged_in() as (session, principal):
        try:
            if ctx.triggered_id == ids.ENTRY_UPLOAD:
                if not contents or not reporter:
                    return no_update, no_update
                report = _ingest_upload(session, principal, contents, filename, reporter, options)
            else:
                report = views.submit_aggregate(
                    session,
                    principal,
                    reporting_organisation_code=reporter,
                    about_organisation_code=about,
                    indicator_code=indicator or "",
                    period=period or "",
                    value=value or "",
                    numerator=numerator or "",
                    denominator=denominator or "",
                    category=category or "",
                    dry_run="dry_run" in options,
                )
        except ValidationFailed as exc:
            session.rollback()
            text = sentence(messages.translate(exc.summary, i18n.language()))
            return message(text, "danger"), report_rows(exc.problems)
        except MonitorError as exc:
            session.rollback()
            text = sentence(messages.translate(exc.message, i18n.language()))
            return message(text, "danger"), []
        note = stored_note(session, principal, report)
    return report_status(report, note), report_rows([*report.problems, *report.warnings])


def _ingest_upload(session, principal, contents: str, filename: str, reporter: str, options):  # noqa: ANN001, ANN202
    _, encoded = contents.split(",", 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(filename or "upload.csv").name
        path.write_bytes(base64.b64decode(encoded))
        return views.submit_file(
            session, principal, path, organisation_code=reporter,
            accept_valid="accept_valid" in options, dry_run="dry_run" in options,
        )  # fmt: skip


@callback(
    Output(ids.ENTRY_COMPLETENESS, "children"),
    Output(ids.ENTRY_WARNINGS, "children"),
    Input(ids.ORG, "value"),
    Input(ids.PERIOD, "value"),
    Input(ids.ENTRY_STATUS, "children"),
)
def show_quality(organisation_code, period_code, _status):  # noqa: ANN001, ANN201
    """Completeness of the chosen and previous period; outliers and rule warnings."""
    if not organisation_code or not period_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        try:
            periods = [period_code, views.previous_period(period_code)]
            completeness = views.partner_completeness(
                session, principal, organisation_code=organisation_code, period_codes=periods
            )
            warnings = views.quality_warnings(
                session, principal, organisation_code=organisation_code
            )
        except MonitorError as exc:
            return message(messages.translate(exc.message, i18n.language()), "warning"), ""
        lang = i18n.language()
        names = indicator_names(session, pl.concat([completeness, warnings], how="diagonal"), lang)
        partners = organisation_names(session, completeness["organisation"].to_list())
        categories = category_names(
            session, warnings.select("indicator_code", "category").rows(), lang
        )
    return completeness_table(completeness, names, partners), warnings_table(
        warnings, names, categories
    )


def warnings_table(frame, names: dict | None = None, categories: dict | None = None) -> html.Div:  # noqa: ANN001
    """Rule and outlier warnings (indicators and categories by name, given their names)."""
    if frame.is_empty():
        return message(i18n.t("no_warnings"), "success")
    names, categories = names or {}, categories or {}
    rows = [
        [i18n.t(r["warning"]), names.get(r["indicator_code"], r["indicator_code"]),
         i18n.period_label(r["period_code"]),
         categories.get((r["indicator_code"], r["category"]), r["category"]),
         i18n.number(r["value"], suppressed=r["value"] is None, decimals=_decimals(r["value"])),
         i18n.message(r["detail"])]
        for r in frame.to_dicts()
    ]  # fmt: skip
    headers = [i18n.t("warning"), i18n.t("indicator"), i18n.t("period"), i18n.t("category"),
               i18n.t("value"), i18n.t("detail")]  # fmt: skip
    return table(headers, rows, table_id="quality-warnings")


def _decimals(value: float | None) -> int:
    """A whole number without decimals ("40", not "40,0"), others with one."""
    return 0 if value is not None and float(value).is_integer() else 1
