"""Page 2 — Indicator trend: any indicator of the organisation against comparison groups,
events as vertical markers, and the baseline forecast ("turn the curve")."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, html
from plotly.subplots import make_subplots

from analysis.forecast import baseline_forecast
from dashboards import auth, i18n, ids
from dashboards.components.charts import (
    GROUP_COLOURS,
    chart_card,
    event_markers,
    period_ticks,
    style,
)
from dashboards.components.frame import dropdown, page
from dashboards.components.tables import message, suppression_note, table
from monitor import views
from monitor.catalogue import get_indicator, possible_range
from monitor.errors import ModelFitError, MonitorError
from monitor.organisations import get_organisation
from monitor.periods import parse_period
from monitor.query import events as query_events

dash.register_page(__name__, path="/trend", title="Common Monitor – trend", order=1)

DEFAULT_INDICATOR = {"network": "NW_REF_RATE", "municipality": "MU_REF_RATE"}


def layout(**_query: str) -> html.Div:
    """Indicator, category, comparison groups and event pickers above the chart."""
    groups = [{"label": i18n.t(g), "value": g} for g in views.GROUPS if g != "own"]
    controls = dbc.Row(
        [
            dbc.Col([dbc.Label(i18n.t("indicator")), dropdown(id=ids.TREND_INDICATOR)], md=4),
            dbc.Col([dbc.Label(i18n.t("category")), dropdown(id=ids.TREND_CATEGORY)], md=2),
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
                md=4,
            ),
            dbc.Col([dbc.Label(i18n.t("event_for_baseline")), dropdown(id=ids.TREND_EVENT)], md=2),
        ],
        className="g-2 mb-3",
    )
    return page(
        i18n.t("nav_trend"),
        i18n.t("trend_lead"),
        controls,
        chart_card(ids.TREND_GRAPH, go.Figure(), i18n.t("trend_help"), note_id=ids.TREND_NOTE),
        html.Div(id=ids.TREND_TABLE),
    )


@callback(
    Output(ids.TREND_INDICATOR, "options"),
    Output(ids.TREND_INDICATOR, "value"),
    Output(ids.TREND_EVENT, "options"),
    Output(ids.TREND_EVENT, "value"),
    Input(ids.ORG, "value"),
)
def choose_indicator(organisation_code):  # noqa: ANN001, ANN201
    """Indicators of the organisation's level; its events for the baseline."""
    if not organisation_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        organisation = get_organisation(session, organisation_code)
        level = views.level_of(organisation) or "network"
        indicators = views.aggregate_indicators(session, level)
        found = query_events(session, principal, organisation_codes=[organisation_code])
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    options = [{"label": getattr(i, name), "value": i.code} for i in indicators]
    codes = [o["value"] for o in options]
    default = auth.page_query().get("indicator") or DEFAULT_INDICATOR.get(level)
    events = [
        {"label": f"{i18n.long_date(e['event_date'])}: {e['title']}", "value": str(e["event_date"])}
        for e in found.to_dicts()
    ]
    no_event = [{"label": i18n.t("no_event"), "value": ""}]
    first_event = events[0]["value"] if events else ""
    return (
        options,
        default if default in codes else (codes or [None])[0],
        no_event + events,
        first_event,
    )


@callback(
    Output(ids.TREND_CATEGORY, "options"),
    Output(ids.TREND_CATEGORY, "value"),
    Input(ids.TREND_INDICATOR, "value"),
)
def choose_category(indicator_code):  # noqa: ANN001, ANN201
    """ "Total" and the categories of the indicator's list."""
    if not indicator_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, _principal):
        indicator = get_indicator(session, indicator_code)
        labels = (
            views.category_labels(session, indicator.category_set, i18n.language())
            if indicator.category_set
            else {}
        )
    options = [{"label": i18n.t("total"), "value": ""}]
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
        return go.Figure(), "", message(INVALID_CHOICE, "warning")
    with auth.logged_in() as (session, principal):
        try:
            indicator = get_indicator(session, indicator_code)
            series = views.comparison_series(
                session,
                principal,
                organisation_code=organisation_code,
                indicator_code=indicator_code,
                groups=["own", *(groups or [])],
                category=category or "",
            )
            found = query_events(session, principal, organisation_codes=[organisation_code])
            source = views.figure_source(
                session, principal, organisation_code=organisation_code,
                indicator_codes=[indicator_code],
            )  # fmt: skip
        except MonitorError as exc:
            return go.Figure(), "", message(str(exc), "warning")
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
    figure = trend_figure(
        series, found.to_dicts(), forecast, period_code, name, i18n.unit(indicator.unit)
    )
    notes = [html.P(i18n.source_line(source), className="chart-note figure-source")]
    withheld = series.filter(pl.col("withheld").is_not_null() & (pl.col("group") != "own"))
    if withheld.height:
        names = ", ".join(i18n.t(g) for g in withheld["group"].unique(maintain_order=True))
        notes.append(html.P(i18n.t("group_withheld", groups=names), className="chart-note"))
    if reason:
        notes.append(html.P(i18n.t("baseline_missing", reason=reason), className="chart-note"))
    return figure, own_table(own), notes


def trend_figure(series, events, forecast, period_code, name, unit):  # noqa: ANN001, ANN201
    """Lines per group, one panel per source kind; events; baseline with its band."""
    kinds = series["source_kind"].unique(maintain_order=True).to_list() or ["registered"]
    figure = make_subplots(
        rows=len(kinds),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[i18n.t(k) for k in kinds] if len(kinds) > 1 else None,
    )
    for row, kind in enumerate(kinds, start=1):
        panel = series.filter(pl.col("source_kind") == kind)
        for group in panel["group"].unique(maintain_order=True).to_list():
            points = panel.filter(pl.col("group") == group).sort("period_start")
            if group != "own" and points["value"].is_null().all():
                continue  # a withheld comparison group: named in the note instead
            figure.add_trace(
                go.Scatter(
                    x=points["period_start"].to_list(),
                    y=points["value"].to_list(),
                    name=i18n.t(group) + (f" ({i18n.t(kind)})" if len(kinds) > 1 else ""),
                    mode="lines+markers",
                    line={"color": GROUP_COLOURS[group], "width": 4 if group == "own" else 2},
                    legendgroup=group,
                ),
                row=row,
                col=1,
            )
    if forecast is not None:
        ahead = forecast.forecast
        x = ahead["period_start"].to_list()
        figure.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=ahead["pi_high"].to_list() + ahead["pi_low"].to_list()[::-1],
                fill="toself",
                mode="lines",
                fillcolor="rgba(120,120,120,0.18)",
                line={"width": 0},
                name=i18n.t("interval"),
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
        base = forecast.baseline
        figure.add_trace(
            go.Scatter(
                x=base["period_start"].to_list() + x,
                y=base["fitted"].to_list() + ahead["expected"].to_list(),
                name=i18n.t("baseline"),
                mode="lines",
                line={"color": "#666", "dash": "dash", "width": 2},
            ),
            row=1,
            col=1,
        )
    event_markers(figure, events)
    if period_code:
        start = parse_period(period_code)
        figure.add_vrect(
            x0=start.start.isoformat(), x1=start.end.isoformat(), fillcolor="#1b5e85",
            opacity=0.07, line_width=0,
        )  # fmt: skip
    style(figure, title=i18n.t("trend_title", name=name), x_title=i18n.t("time_axis"), y_title=unit)
    if series.height:
        period_ticks(figure, series["period_start"].to_list(), series["period_code"].to_list())
    return figure


def own_table(own: pl.DataFrame) -> html.Div:
    """The organisation's own values, withheld ones as "< 10"."""
    if own.is_empty():
        return message(i18n.t("no_data"))
    rows = [
        [i18n.period_label(r["period_code"]), i18n.t(r["source_kind"]),
         i18n.number(r["value"], suppressed=r["suppressed"])]
        for r in own.sort("period_start").to_dicts()
    ]  # fmt: skip
    headers = [i18n.t("period"), i18n.t("source"), i18n.t("value")]
    return html.Div([table(headers, rows, table_id="trend-values"), suppression_note()])
