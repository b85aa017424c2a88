"""Page 4 — Child outcomes: distribution and trend of absence (CH_ABS) and the
social-emotional score (CH_SEM) by age group or school, for children in and outside the
network's programme. Never one child at a time: rollups with small cells withheld."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, callback, html

from dashboards import auth, i18n, ids
from dashboards.components.charts import (
    blank_figure,
    chart_card,
)
from dashboards.components.figures import distribution_figure, outcome_trend_figure
from dashboards.components.frame import page
from dashboards.components.tables import message, suppression_note, table
from monitor import views
from monitor.catalogue import get_indicator, possible_range
from monitor.errors import MonitorError
from monitor.organisations import get_organisation
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
    with auth.database() as session:  # catalogue names only; figures come in callbacks
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
        chart_card(ids.OUTCOME_DISTRIBUTION, blank_figure(), i18n.t("outcome_help")),
        chart_card(ids.OUTCOME_TREND, blank_figure(), i18n.t("outcome_trend_help")),
        html.Div(id=ids.OUTCOME_TABLE),
    )


def counts_table(
    cells: pl.DataFrame, breakdown: str, names: dict[str, str] | None = None
) -> html.Div:
    """Children per cell (schools by name); withheld cells as "< 10"."""
    if cells.is_empty():
        return message(i18n.t("no_data"))
    names = names or {}
    rows = [
        [
            i18n.period_label(r["period_code"]), names.get(r[breakdown], r[breakdown]),
            i18n.t(r["programme"]),
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


def _school_names(session, codes: list[str]) -> dict[str, str]:  # noqa: ANN001
    """Organisation names for the breakdown's codes (BRIN), so schools show by name."""
    names = {}
    for code in codes:
        if code:
            try:
                names[code] = get_organisation(session, code).name
            except MonitorError:
                names[code] = code
    return names


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
        return blank_figure(), blank_figure(), message(INVALID_CHOICE, "warning")
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
            organisation_name = get_organisation(session, organisation_code).name
            names = (
                _school_names(session, cells["reporting_org_code"].unique().to_list())
                if breakdown == "reporting_org_code"
                else {}
            )
        except MonitorError as exc:
            return blank_figure(), blank_figure(), message(str(exc), "warning")
    chosen = period_containing(parse_period(period_code).start, rollup_type).code
    name = indicator.name_nl if i18n.language() == "nl" else indicator.name_en
    in_period = cells.filter(pl.col("period_code") == chosen)
    title = i18n.t("outcome_distribution_title", name=name, period=i18n.period_label(chosen))
    floor = possible_range(indicator)[0]
    empty = i18n.t(
        "empty_outcome", name=name, org=organisation_name, period=i18n.period_label(chosen),
        t=i18n.threshold(),
    )  # fmt: skip
    trend_title = i18n.t("outcome_trend_title", name=name)
    return (
        distribution_figure(
            in_period, breakdown, title, i18n.unit(indicator.unit), names, floor, empty
        ),
        outcome_trend_figure(trend, trend_title, i18n.unit(indicator.unit), floor, empty),
        html.Div(
            [
                counts_table(in_period if in_period.height else cells, breakdown, names),
                html.P(i18n.source_line({}), className="chart-note figure-source"),
            ]
        ),
    )
