"""Page 1 — Overview: the scorecard of the chosen network or municipality and the
completeness of the partners' reporting."""

from __future__ import annotations

from base64 import b64encode
from datetime import UTC, datetime

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, callback, html

from dashboards import auth, i18n, ids
from dashboards.components.charts import sparkline_svg
from dashboards.components.frame import page
from dashboards.components.tables import (
    completeness_table,
    indicator_names,
    message,
    named_senders,
    organisation_names,
    suppression_note,
    table,
)
from monitor import views
from monitor.errors import MonitorError
from monitor.views.series import indicator_series

dash.register_page(__name__, path="/", title="Common Monitor – overzicht", order=0)

JUDGEMENT_COLOURS = {
    "better": "success",
    "worse": "danger",
    "same": "secondary",
    "in_band": "success",
    "above_band": "warning",
    "below_band": "warning",
    "no_band": "light",
    "descriptive": "light",
    "unknown": "light",
}


def layout(**_query: str) -> html.Div:
    """Scorecard and completeness containers; filled when organisation/period change."""
    return page(
        i18n.t("nav_overview"),
        i18n.t("scorecard_help"),
        html.H2(i18n.t("scorecard_title"), className="h5 mt-3", id=ids.OVERVIEW_TITLE),
        html.Div(id=ids.OVERVIEW_SCORECARD),
        html.H2(i18n.t("completeness_title"), className="h5 mt-4"),
        html.P(i18n.t("completeness_help"), className="text-muted small"),
        html.Div(id=ids.OVERVIEW_COMPLETENESS),
    )


def _cell(value, suppressed: bool, decimals: int = 1) -> html.Span:  # noqa: ANN001
    text = i18n.number(value, suppressed=suppressed, decimals=decimals)
    return html.Span(text, className="suppressed-cell" if suppressed else "")


def _band(row: dict) -> str:
    if row["alert_low"] is None:
        return ""
    low = i18n.number(row["alert_low"], decimals=0)
    high = i18n.number(row["alert_high"], decimals=0)
    return f" [{low}–{high}]"


def scorecard_table(frame: pl.DataFrame) -> html.Div:
    """The scorecard as a table; withheld values as "< 10"."""
    if frame.is_empty():
        return message(i18n.t("no_data"))
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    rows = []
    for r in frame.to_dicts():
        decimals = 0 if r["value_type"] == "count" else 1
        change = "–"
        if r["change"] is not None:
            arrow = "▲" if r["change"] > 0 else "▼" if r["change"] < 0 else "="
            change = f"{arrow} {i18n.number(abs(r['change']), decimals=decimals)}"
        badge = dbc.Badge(
            i18n.t(r["judgement"]) + (_band(r) if "band" in r["judgement"] else ""),
            color=JUDGEMENT_COLOURS[r["judgement"]],
            text_color="dark"
            if JUDGEMENT_COLOURS[r["judgement"]] in ("light", "warning")
            else None,
            className="judgement",
        )
        rows.append(
            [
                html.Span(
                    [r[name], html.Br(), html.Small(i18n.unit(r["unit"]), className="text-muted")]
                ),
                _source(r),
                i18n.period_label(r["period_code"]),
                _cell(r["value"], r["suppressed"], decimals),
                _cell(r["previous_value"], r["previous_suppressed"], decimals)
                if r["previous_period_code"]
                else "–",
                change,
                badge,
            ]
        )
    headers = i18n.scorecard_headers()
    known = html.P(
        i18n.t("known_on", date=i18n.long_date(datetime.now(UTC))), className="text-muted"
    )
    return html.Div([table(headers, rows, table_id="scorecard-table"), known, suppression_note()])


def _source(row: dict) -> html.Span:
    """The source of a figure: its kind (registered/survey/observed), who sent it, when."""
    parts: list = [i18n.t(row["source_kind"])]
    if row.get("reported_by"):
        when = i18n.long_date(row["recorded_at"]) if row.get("recorded_at") else "–"
        parts += [html.Br(), html.Small(i18n.t("sent_by", who=row["reported_by"], when=when),
                                        className="text-muted")]  # fmt: skip
    return html.Span(parts)


def kpi_tiles(card: pl.DataFrame, series: pl.DataFrame) -> html.Div:
    """A tile per indicator: name, latest value, change, and a sparkline of its last
    periods (the same figures as the scorecard table below; withheld values break the
    line and show as "< 10")."""
    if card.is_empty():
        return html.Div()
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    tiles = []
    for r in card.to_dicts():
        decimals = 0 if r["value_type"] == "count" else 1
        points = series.filter(
            (pl.col("indicator_code") == r["indicator_code"])
            & (pl.col("source_kind") == r["source_kind"])
        )
        spark = sparkline_svg(points["value"].to_list())
        change = ""
        if r["change"] is not None:
            arrow = "▲" if r["change"] > 0 else "▼" if r["change"] < 0 else "="
            change = f"{arrow} {i18n.number(abs(r['change']), decimals=decimals)}"
        first = points["period_code"][0] if points.height else r["period_code"]
        span = f"{i18n.period_label(first)} – {i18n.period_label(r['period_code'])}"
        tiles.append(
            html.Div(
                [
                    html.Div(r[name], className="kpi-name"),
                    html.Div(
                        [
                            _cell(r["value"], r["suppressed"], decimals),
                            html.Span(f" {i18n.unit(r['unit'])}", className="kpi-unit"),
                        ],
                        className="kpi-value",
                    ),
                    html.Div(
                        [
                            html.Span(change, className="me-2"),
                            dbc.Badge(
                                i18n.t(r["judgement"]),
                                color=JUDGEMENT_COLOURS[r["judgement"]],
                                text_color="dark"
                                if JUDGEMENT_COLOURS[r["judgement"]] in ("light", "warning")
                                else None,
                            ),
                        ],
                        className="kpi-change",
                    ),
                    html.Img(
                        src="data:image/svg+xml;base64," + b64encode(spark.encode()).decode(),
                        className="kpi-spark",
                        alt=f"{i18n.t('tile_trend')} {span}",
                        title=f"{i18n.t('tile_trend')} {span}",
                    ),
                ],
                className="kpi-tile",
                **{"data-indicator": r["indicator_code"]},
            )
        )
    return html.Div(
        [
            html.Div(tiles, className="kpi-tiles", title=i18n.t("tiles_title")),
        ],
        id="kpi-tiles",
    )


@callback(
    Output(ids.OVERVIEW_SCORECARD, "children"),
    Input(ids.ORG, "value"),
    Input(ids.PERIOD, "value"),
)
def show_scorecard(organisation_code, period_code):  # noqa: ANN001, ANN201
    """Scorecard up to the chosen period."""
    if not organisation_code or not period_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        try:
            card = views.scorecard(
                session, principal, organisation_code=organisation_code, period_code=period_code
            )
            series = indicator_series(
                session, principal, organisation_code=organisation_code, period_code=period_code
            )
            card = named_senders(session, card)
        except MonitorError as exc:
            return message(str(exc), "warning")
    return html.Div([kpi_tiles(card, series), scorecard_table(card)])


@callback(
    Output(ids.OVERVIEW_COMPLETENESS, "children"),
    Input(ids.ORG, "value"),
    Input(ids.PERIOD, "value"),
)
def show_completeness(organisation_code, period_code):  # noqa: ANN001, ANN201
    """Completeness of the chosen and the previous period, per partner."""
    if not organisation_code or not period_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        try:
            completeness = views.partner_completeness(
                session,
                principal,
                organisation_code=organisation_code,
                period_codes=[period_code, views.previous_period(period_code)],
            )
            names = indicator_names(session, completeness, i18n.language())
            partners = organisation_names(session, completeness["organisation"].to_list())
        except MonitorError as exc:
            return message(str(exc), "warning")
    return completeness_table(completeness, names, partners)
