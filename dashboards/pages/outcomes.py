"""Page 4 — Child outcomes: distribution and trend of absence (CH_ABS) and the
social-emotional score (CH_SEM) by age group or school, for children in and outside the
network's programme. Never one child at a time: rollups with small cells withheld."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, html

from dashboards import auth, i18n, ids
from dashboards.components.charts import PALETTE, chart_card, empty_figure, period_ticks, style
from dashboards.components.frame import page
from dashboards.components.tables import message, suppression_note, table
from monitor import views
from monitor.catalogue import get_indicator
from monitor.db import session_scope
from monitor.errors import MonitorError
from monitor.periods import parse_period, period_containing
from schema import PeriodType

dash.register_page(__name__, path="/uitkomsten", title="Common Monitor – uitkomsten", order=3)

OUTCOMES = ("CH_ABS", "CH_SEM")
#: Rollup period per outcome: absence by half-year, the yearly score by year.
ROLLUP = {"CH_ABS": PeriodType.HALF_YEAR, "CH_SEM": PeriodType.YEAR}
BREAKDOWNS = ("age_group", "reporting_org_code")
#: The answer to a request with a choice the page does not offer (a forged callback).
INVALID_CHOICE = "Deze keuze bestaat niet op deze pagina; kies een waarde uit de lijst."


def _valid_choice(period_code: object, indicator_code: object, breakdown: object) -> bool:
    """Only the indicators, breakdowns and periods the page offers reach the query layer."""
    if indicator_code not in ROLLUP or breakdown not in BREAKDOWNS:
        return False
    try:
        parse_period(str(period_code))
    except (MonitorError, ValueError):
        return False
    return True


def layout(**_query: str) -> html.Div:
    """Outcome and breakdown pickers, two charts and the counts table."""
    with session_scope() as session:  # catalogue names only; figures come in callbacks
        indicators = [get_indicator(session, code) for code in OUTCOMES]
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    names = {i.code: getattr(i, name) for i in indicators}
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(i18n.t("indicator")),
                    dbc.RadioItems(
                        id=ids.OUTCOME_INDICATOR,
                        options=[{"label": names.get(c, c), "value": c} for c in OUTCOMES],
                        value="CH_SEM",
                        inline=True,
                    ),
                ],
                md=6,
            ),
            dbc.Col(
                [
                    dbc.Label(i18n.t("breakdown")),
                    dbc.RadioItems(
                        id=ids.OUTCOME_BREAKDOWN,
                        options=[{"label": i18n.t(b), "value": b} for b in BREAKDOWNS],
                        value="age_group",
                        inline=True,
                    ),
                ],
                md=6,
            ),
        ],
        className="g-2 mb-3",
    )
    return page(
        i18n.t("nav_outcomes"),
        i18n.t("outcomes_lead"),
        controls,
        chart_card(ids.OUTCOME_DISTRIBUTION, go.Figure(), i18n.t("outcome_help")),
        chart_card(ids.OUTCOME_TREND, go.Figure(), i18n.t("outcome_trend_help")),
        html.Div(id=ids.OUTCOME_TABLE),
    )


def distribution_figure(cells: pl.DataFrame, breakdown: str, title: str, unit: str) -> go.Figure:
    """Boxes (25th-75th percentile, median) per breakdown group, in vs outside programme."""
    shown = cells.filter(~pl.col("suppressed"))
    if shown.is_empty():
        return empty_figure(title, i18n.t("no_data"))
    figure = go.Figure()
    for index, programme in enumerate(["in", "out"]):
        part = shown.filter(pl.col("programme") == programme).sort(breakdown)
        if part.is_empty():
            continue
        figure.add_trace(
            go.Box(
                x=part[breakdown].to_list(), q1=part["p25"].to_list(),
                median=part["median"].to_list(), q3=part["p75"].to_list(),
                lowerfence=part["p25"].to_list(), upperfence=part["p75"].to_list(),
                mean=part["mean"].to_list(), name=i18n.t(programme),
                marker_color=PALETTE[index],
            )
        )  # fmt: skip
    figure.update_layout(boxmode="group")
    if breakdown == "age_group":  # youngest first, not in text order ("12-17" < "4-11")
        order = sorted(set(shown[breakdown].to_list()), key=lambda g: int(g.split("-")[0]))
        figure.update_xaxes(categoryorder="array", categoryarray=order)
    return style(figure, title=title, x_title=i18n.t(breakdown), y_title=unit)


def trend_figure(cells: pl.DataFrame, title: str, unit: str) -> go.Figure:
    """Mean per period, in vs outside the programme."""
    if cells.filter(~pl.col("suppressed")).is_empty():
        return empty_figure(title, i18n.t("no_data"))
    figure = go.Figure()
    for index, programme in enumerate(["in", "out"]):
        line = cells.filter(pl.col("programme") == programme).sort("period_start")
        figure.add_trace(
            go.Scatter(
                x=line["period_start"].to_list(), y=line["mean"].to_list(),
                name=i18n.t(programme), mode="lines+markers",
                line={"color": PALETTE[index], "width": 3},
            )
        )  # fmt: skip
    period_ticks(figure, cells["period_start"].to_list(), cells["period_code"].to_list())
    return style(figure, title=title, x_title=i18n.t("time_axis"), y_title=unit)


def counts_table(cells: pl.DataFrame, breakdown: str) -> html.Div:
    """Children per cell; withheld cells as "< 10"."""
    if cells.is_empty():
        return message(i18n.t("no_data"))
    rows = [
        [
            i18n.period_label(r["period_code"]), r[breakdown], i18n.t(r["programme"]),
            i18n.number(r["n_children"], suppressed=r["suppressed"], decimals=0),
            i18n.number(r["mean"], suppressed=r["suppressed"]),
        ]
        for r in cells.sort("period_start", breakdown, "programme").to_dicts()
    ]  # fmt: skip
    headers = [
        i18n.t("period"), i18n.t(breakdown), i18n.t("programme"), i18n.t("n_children"),
        i18n.t("value"),
    ]  # fmt: skip
    return html.Div([table(headers, rows, table_id="outcome-counts"), suppression_note()])


@callback(
    Output(ids.OUTCOME_DISTRIBUTION, "figure"),
    Output(ids.OUTCOME_TREND, "figure"),
    Output(ids.OUTCOME_TABLE, "children"),
    Input(ids.ORG, "value"),
    Input(ids.PERIOD, "value"),
    Input(ids.OUTCOME_INDICATOR, "value"),
    Input(ids.OUTCOME_BREAKDOWN, "value"),
)
def show_outcomes(organisation_code, period_code, indicator_code, breakdown):  # noqa: ANN001, ANN201
    """Rollups for the chosen organisation; the distribution for the chosen period."""
    if not organisation_code or not period_code:
        raise dash.exceptions.PreventUpdate
    if not _valid_choice(period_code, indicator_code, breakdown):  # a forged request
        return go.Figure(), go.Figure(), message(INVALID_CHOICE, "warning")
    rollup_type = ROLLUP[indicator_code]
    with auth.logged_in() as (session, principal):
        try:
            indicator = get_indicator(session, indicator_code)
            common = dict(
                indicator_code=indicator_code,
                organisation_code=organisation_code,
                period_type=rollup_type,
            )
            cells = views.outcome_rollup(session, principal, by=("programme", breakdown), **common)
            trend = views.outcome_rollup(session, principal, by=("programme",), **common)
        except MonitorError as exc:
            return go.Figure(), go.Figure(), message(str(exc), "warning")
    chosen = period_containing(parse_period(period_code).start, rollup_type).code
    name = indicator.name_nl if i18n.language() == "nl" else indicator.name_en
    in_period = cells.filter(pl.col("period_code") == chosen)
    title = i18n.t("outcome_distribution_title", name=name, period=i18n.period_label(chosen))
    return (
        distribution_figure(in_period, breakdown, title, i18n.unit(indicator.unit)),
        trend_figure(trend, i18n.t("outcome_trend_title", name=name), i18n.unit(indicator.unit)),
        html.Div(
            [
                counts_table(in_period if in_period.height else cells, breakdown),
                html.P(i18n.source_line({}), className="chart-note figure-source"),
            ]
        ),
    )
