"""Page 2 — Indicator trend: any indicator of the organisation against comparison groups,
events as vertical markers, and the baseline forecast ("turn the curve")."""

from __future__ import annotations

from datetime import date, timedelta

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, callback, html, no_update

from analysis.forecast import baseline_forecast
from dashboards import auth, i18n, ids
from dashboards.components import cbs_comparison, figures
from dashboards.components.charts import (
    blank_figure,
    chart_card,
    goal_lines,
)
from dashboards.components.figures import forecast_rows, trend_figure
from dashboards.components.frame import dropdown, fired, page
from dashboards.components.tables import message, named_source, suppression_note, table
from monitor import views
from monitor.catalogue import get_indicator, possible_range
from monitor.errors import ModelFitError, MonitorError
from monitor.organisations import get_organisation
from monitor.periods import parse_period, period_containing
from monitor.query import events as query_events

dash.register_page(__name__, path="/trend", title="Common Monitor – trend", order=1)


def layout(**_query: str) -> html.Div:
    """Indicator, category, comparison groups and event pickers above the chart."""
    groups = [{"label": i18n.t(g), "value": g} for g in views.GROUPS if g != "own"]
    controls = dbc.Row(
        [
            dbc.Col([dbc.Label(i18n.t("indicator")), dropdown(id=ids.TREND_INDICATOR)], md=5),
            dbc.Col([dbc.Label(i18n.t("category")), dropdown(id=ids.TREND_CATEGORY)], md=3),
            dbc.Col(
                [
                    dbc.Label(i18n.t("event_for_baseline")),
                    # wide enough for "1 januari 2023: Nieuw verwijsprotocol" (issue #13)
                    dropdown(id=ids.TREND_EVENT, className="event-picker"),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(i18n.t("groups")),
                    dbc.Checklist(
                        id=ids.TREND_GROUPS,
                        options=groups,
                        value=["other_networks", "municipality"],
                        inline=True,
                    ),
                ],
                md=12,
            ),
        ],
        className="g-2 mb-3",
    )
    return page(
        i18n.t("nav_trend"),
        i18n.t("trend_lead"),
        controls,
        chart_card(ids.TREND_GRAPH, blank_figure(), i18n.t("trend_help"), note_id=ids.TREND_NOTE),
        html.Div(id=ids.TREND_TABLE),
        cbs_comparison.block(),
    )


@callback(
    Output(ids.TREND_INDICATOR, "options"),
    Output(ids.TREND_INDICATOR, "value"),
    Output(ids.TREND_EVENT, "options"),
    Output(ids.TREND_EVENT, "value"),
    Output(ids.TREND_CATEGORY, "options"),
    Output(ids.TREND_CATEGORY, "value"),
    Input(ids.ORG, "value"),
    Input(ids.TREND_INDICATOR, "value"),
)
def choose_indicator(organisation_code, indicator_code=None):  # noqa: ANN001, ANN201
    """Indicators of the organisation's level, its events for the baseline, and the
    chosen indicator's categories. One callback for both, so the chart waits for one
    answer, not two in a row; a new indicator only changes the categories."""
    if fired(f"{ids.TREND_INDICATOR}.value") and isinstance(indicator_code, str):
        return (no_update,) * 4 + choose_category(indicator_code)
    if not organisation_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        organisation = get_organisation(session, organisation_code)
        level = views.level_of(organisation) or "network"
        indicators = views.aggregate_indicators(session, level)
        found = query_events(session, principal, organisation_codes=[organisation_code])
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    # CBS's published figures have their own card (cbs_comparison): never pooled in groups
    options = [{"label": getattr(i, name), "value": i.code} for i in indicators if not i.publisher]
    codes = [o["value"] for o in options]
    default = auth.page_query().get("indicator") or figures.DEFAULT_INDICATOR.get(level)
    chosen = default if default in codes else (codes or [None])[0]
    events = [
        {"label": f"{i18n.long_date(e['event_date'])}: {e['title']}", "value": str(e["event_date"])}
        for e in found.to_dicts()
    ]
    no_event = [{"label": i18n.t("no_event"), "value": ""}]
    first_event = events[0]["value"] if events else ""
    return (options, chosen, no_event + events, first_event, *choose_category(chosen))


def choose_category(indicator_code: str | None) -> tuple[list[dict], str]:
    """ "Total" and the categories of the indicator's list ("Total" alone without one)."""
    options = [{"label": i18n.t("total"), "value": ""}]
    if not indicator_code:
        return options, ""
    with auth.logged_in() as (session, _principal):
        indicator = get_indicator(session, indicator_code)
        labels = (
            views.category_labels(session, indicator.category_set, i18n.language())
            if indicator.category_set
            else {}
        )
    options += [{"label": label, "value": code} for code, label in labels.items()]
    return options, ""


#: The answer to a request with a choice the page does not offer (a forged callback).
INVALID_CHOICE = "Deze keuze bestaat niet op deze pagina; kies een waarde uit de lijst."


def _valid_choice(indicator_code: object, category: object, groups: object, event: object) -> bool:
    """Only text choices, and only the comparison groups the page offers, go further."""
    texts = all(v is None or isinstance(v, str) for v in (indicator_code, category, event))
    if not texts or not (groups is None or isinstance(groups, list)):
        return False
    return all(isinstance(g, str) and g in views.GROUPS and g != "own" for g in groups or [])


@callback(
    Output(ids.TREND_GRAPH, "figure"),
    Output(ids.TREND_TABLE, "children"),
    Output(ids.TREND_NOTE, "children"),
    Input(ids.ORG, "value"),
    Input(ids.PERIOD, "value"),
    Input(ids.TREND_INDICATOR, "value"),
    Input(ids.TREND_CATEGORY, "value"),
    Input(ids.TREND_GROUPS, "value"),
    Input(ids.TREND_EVENT, "value"),
)
def show_trend(organisation_code, period_code, indicator_code, category, groups, event):  # noqa: ANN001, ANN201
    """The series, comparison groups, events and the baseline forecast."""
    if not organisation_code or not indicator_code:
        raise dash.exceptions.PreventUpdate
    if not _valid_choice(indicator_code, category, groups, event):  # a forged request
        return blank_figure(), "", message(INVALID_CHOICE, "warning")
    with auth.logged_in() as (session, principal):
        try:
            indicator = get_indicator(session, indicator_code)
            organisation_name = get_organisation(session, organisation_code).name
            series = views.comparison_series(
                session,
                principal,
                organisation_code=organisation_code,
                indicator_code=indicator_code,
                groups=["own", *(groups or [])],
                category=category or "",
            )
            found = query_events(session, principal, organisation_codes=[organisation_code])
            goals = views.network_goals(
                session, principal, organisation_code=organisation_code,
                indicator_code=indicator_code,
            ) if not category else None  # fmt: skip
            source = views.figure_source(
                session, principal, organisation_code=organisation_code,
                indicator_codes=[indicator_code],
            )  # fmt: skip
            source = named_source(session, source)
        except MonitorError as exc:
            return blank_figure(), "", message(str(exc), "warning")
    name = indicator.name_nl if i18n.language() == "nl" else indicator.name_en
    forecast, reason = None, ""
    own = series.filter(pl.col("group") == "own")
    if event:
        try:
            forecast = baseline_forecast(
                own.filter(pl.col("source_kind") == own["source_kind"][0]) if own.height else own,
                event_date=date.fromisoformat(event),
                bounds=possible_range(indicator),
            )
        except (ModelFitError, ValueError) as exc:
            reason = i18n.message(str(exc))
    floor = possible_range(indicator)[0]
    figure = trend_figure(
        series,
        found.to_dicts(),
        forecast,
        period_code,
        name,
        i18n.unit(indicator.unit),
        floor,
        organisation_name,
    )
    if goals is not None:
        goal_lines(figure, goals.to_dicts(), 0 if indicator.value_type == "count" else 1)
    notes = [html.P(i18n.source_line(source), className="chart-note figure-source")]
    withheld = series.filter(pl.col("withheld").is_not_null() & (pl.col("group") != "own"))
    if withheld.height:
        names = ", ".join(i18n.t(g) for g in withheld["group"].unique(maintain_order=True))
        notes.append(html.P(i18n.t("group_withheld", groups=names), className="chart-note"))
    if reason:
        notes.append(html.P(i18n.t("baseline_missing", reason=reason), className="chart-note"))
    decimals = 0 if indicator.value_type == "count" else 1
    return figure, trend_table(series, forecast, decimals), notes


def trend_table(series: pl.DataFrame, forecast=None, decimals: int = 1) -> html.Div:  # noqa: ANN001
    """The values the chart draws: the organisation's own, each comparison group shown,
    and the baseline's expectation with its interval (periods past the last measurement
    included); withheld values as "< 10"."""
    own = series.filter(pl.col("group") == "own")
    if own.is_empty():
        return message(i18n.t("no_data"))
    drawn = [
        g for g in series["group"].unique(maintain_order=True).to_list()
        if g != "own" and series.filter(pl.col("group") == g)["value"].is_not_null().any()
    ]  # fmt: skip
    expected = forecast_rows(forecast)
    period_type = parse_period(own["period_code"][0]).type
    first_kind = own["source_kind"][0]
    cells: dict[tuple[date, str], dict] = {}
    for r in series.to_dicts():
        key = (r["period_start"], r["source_kind"])
        cell = cells.setdefault(key, {"period_code": r["period_code"]})
        cell[r["group"]] = i18n.number(r["value"], suppressed=r["suppressed"], decimals=decimals)
    step = timedelta(days=15)
    for r in expected.to_dicts():
        code = period_containing(r["period_start"] + step, period_type).code
        key = next((k for k in cells if k[1] == first_kind and cells[k]["period_code"] == code),
                   (r["period_start"], first_kind))  # fmt: skip
        cell = cells.setdefault(key, {"period_code": code})
        cell["expected"] = i18n.number(r["expected"], decimals=decimals)
        if r["pi_low"] is not None:
            low = i18n.number(r["pi_low"], decimals=decimals)
            cell["interval"] = f"{low} – {i18n.number(r['pi_high'], decimals=decimals)}"
    columns = ["own", *drawn] + (["expected", "interval"] if forecast is not None else [])
    headers = [i18n.t("period"), i18n.t("source")] + [
        i18n.t({"expected": "expected_value", "interval": "interval_range"}.get(c, c))
        for c in columns
    ]
    rows = [
        [i18n.period_label(cell["period_code"]), i18n.t(kind),
         *[cell.get(c, "–") for c in columns]]
        for (_start, kind), cell in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]  # fmt: skip
    return html.Div(
        [html.H2(i18n.t("trend_table_title"), className="h5 mt-3"),
         table(headers, rows, table_id="trend-values"), suppression_note()]
    )  # fmt: skip


def own_table(own: pl.DataFrame) -> html.Div:
    """The organisation's own values alone (kept for callers outside this page)."""
    return trend_table(own)
