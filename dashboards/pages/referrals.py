"""Page 3 — Referrals and care use: referral rate per 1,000 by referrer over time, youth
care with and without residence, and the pathway signal → referral → care → ending."""

from __future__ import annotations

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, html

from dashboards import auth, i18n, ids
from dashboards.components.charts import (
    PALETTE,
    chart_card,
    empty_figure,
    period_ticks,
    style,
)
from dashboards.components.frame import page
from dashboards.components.tables import message, suppression_note
from monitor import views
from monitor.catalogue import get_indicator
from monitor.errors import MonitorError
from monitor.organisations import get_organisation

#: Node colour per column of the pathway (signal, referrer, care type, ending).
STAGE_COLOURS = {"signaal": "#1b5e85", "ref": "#c2571a", "care": "#2e7d32", "end": "#6a3d9a"}

dash.register_page(__name__, path="/verwijzingen", title="Common Monitor – verwijzingen", order=2)


def layout(**_query: str) -> html.Div:
    """Three charts, each with its reading guide."""
    return page(
        i18n.t("nav_referrals"),
        i18n.t("referrals_lead"),
        chart_card(
            ids.REFERRAL_RATE_GRAPH, go.Figure(), i18n.t("referral_rate_help"),
            note_id=ids.REFERRAL_RATE_NOTE,
        ),
        chart_card(
            ids.REFERRAL_CARE_GRAPH, go.Figure(), i18n.t("care_help"),
            note_id=ids.REFERRAL_CARE_NOTE,
        ),
        chart_card(
            ids.REFERRAL_SANKEY, go.Figure(), i18n.t("sankey_help"),
            note_id=ids.REFERRAL_SANKEY_NOTE,
        ),
        suppression_note(),
    )  # fmt: skip


def _withheld_note(frame: pl.DataFrame, labels: dict[str, str]) -> str:
    """Name the withheld points per referrer, compactly: one period by name, more by count."""
    cells = frame.filter(pl.col("suppressed"))
    if cells.is_empty():
        return ""
    parts = []
    for category, group in cells.group_by("category", maintain_order=True):
        label = labels.get(category[0], i18n.t("total"))
        periods = group["period_code"].to_list()
        if len(periods) == 1:
            parts.append(f"{label} {i18n.period_label(periods[0])}")
        else:
            parts.append(f"{label} ({i18n.t('n_periods', n=len(periods))})")
    return i18n.t("withheld_points", t=i18n.threshold(), cells=", ".join(parts))


def rate_figure(frame: pl.DataFrame, labels: dict[str, str], band, unit: str) -> go.Figure:  # noqa: ANN001
    """One line per referrer (and the total); withheld points marked "< 10" on the axis."""
    title = i18n.t("referral_rate_title")
    if frame.is_empty():
        return empty_figure(title, i18n.t("no_data"))
    figure = go.Figure()
    order = ["", *[c for c in labels if c in set(frame["category"])]]
    kinds = frame["source_kind"].unique(maintain_order=True).to_list()
    for index, (category, kind) in enumerate((c, k) for k in kinds for c in order):
        line = frame.filter(
            (pl.col("category") == category) & (pl.col("source_kind") == kind)
        ).sort("period_start")
        if line.is_empty():
            continue
        name = labels.get(category, i18n.t("total"))
        figure.add_trace(
            go.Scatter(
                x=line["period_start"].to_list(),
                y=line["value"].to_list(),
                name=name + (f" ({i18n.t(kind)})" if len(kinds) > 1 else ""),
                mode="lines+markers",
                line={"width": 4 if category == "" else 2, "color": PALETTE[index % len(PALETTE)]},
            )
        )
    withheld = frame.filter(pl.col("suppressed"))
    if withheld.height:
        lim = f"< {i18n.threshold()}"
        figure.add_trace(
            go.Scatter(
                x=withheld["period_start"].to_list(), y=[0] * withheld.height,
                text=[lim] * withheld.height, mode="markers+text", textposition="top center",
                marker={"symbol": "x", "color": "#8a5a00", "size": 9},
                name=f"{i18n.t('suppressed_short')} ({lim})",
                hovertext=[labels.get(c, c) for c in withheld["category"]],
            )
        )  # fmt: skip
    if band[0] is not None:
        figure.add_hrect(y0=band[0], y1=band[1], fillcolor="#888", opacity=0.1, line_width=0)
    period_ticks(figure, frame["period_start"].to_list(), frame["period_code"].to_list())
    return style(figure, title=title, x_title=i18n.t("time_axis"), y_title=unit)


def care_figure(frame: pl.DataFrame) -> go.Figure:
    """With and without residence, per 1,000 children."""
    title = i18n.t("care_title")
    if frame.is_empty():
        return empty_figure(title, i18n.t("no_data"))
    figure = go.Figure()
    kinds = frame["source_kind"].unique(maintain_order=True).to_list()
    for index, (group, kind) in enumerate(
        (g, k) for k in kinds for g in ["zonder_verblijf", "met_verblijf"]
    ):
        line = frame.filter((pl.col("category") == group) & (pl.col("source_kind") == kind))
        figure.add_trace(
            go.Scatter(
                x=line["period_start"].to_list(),
                y=line["value"].to_list(),
                name=i18n.t(group) + (f" ({i18n.t(kind)})" if len(kinds) > 1 else ""),
                mode="lines+markers",
                line={"color": PALETTE[index % len(PALETTE)], "width": 3},
            )
        )
    period_ticks(figure, frame["period_start"].to_list(), frame["period_code"].to_list())
    return style(figure, title=title, x_title=i18n.t("time_axis"), y_title=i18n.t("per_1000"))


def sankey_figure(flows: pl.DataFrame, labels: dict[str, str], period_code: str) -> go.Figure:
    """Signal → referrer → care type → ending; withheld links are not drawn."""
    title = i18n.t("sankey_title", period=i18n.period_label(period_code))
    drawn = flows.filter(~pl.col("suppressed"))
    if drawn.is_empty():
        return empty_figure(title, i18n.t("no_data"))
    nodes = list(dict.fromkeys([*drawn["source"], *drawn["target"]]))
    index = {n: i for i, n in enumerate(nodes)}
    colours = [STAGE_COLOURS[n.split(":")[0] if ":" in n else "signaal"] for n in nodes]
    figure = go.Figure(
        go.Sankey(
            node={
                "label": [labels.get(n, n) for n in nodes],
                "color": colours,
                "pad": 18,
                "thickness": 16,
            },
            link={
                "source": [index[s] for s in drawn["source"]],
                "target": [index[t] for t in drawn["target"]],
                "value": drawn["n_children"].to_list(),
            },
            valueformat=",.0f",
            valuesuffix=f" {i18n.t('children')}",
            name=i18n.t("children"),
        )
    )
    for stage, colour in STAGE_COLOURS.items():  # the legend names the four columns
        figure.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=i18n.t(f"stage_{stage}"),
                marker={"color": colour, "symbol": "square", "size": 12},
            )
        )  # fmt: skip
    figure = style(figure, title=title, x_title="", y_title="")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


@callback(
    Output(ids.REFERRAL_RATE_GRAPH, "figure"),
    Output(ids.REFERRAL_RATE_NOTE, "children"),
    Output(ids.REFERRAL_CARE_GRAPH, "figure"),
    Output(ids.REFERRAL_CARE_NOTE, "children"),
    Output(ids.REFERRAL_SANKEY, "figure"),
    Output(ids.REFERRAL_SANKEY_NOTE, "children"),
    Input(ids.ORG, "value"),
    Input(ids.PERIOD, "value"),
)
def show_referrals(organisation_code, period_code):  # noqa: ANN001, ANN201
    """The three charts for the chosen organisation; the pathway for the chosen period."""
    if not organisation_code or not period_code:
        raise dash.exceptions.PreventUpdate
    lang = i18n.language()
    with auth.logged_in() as (session, principal):
        try:
            organisation = get_organisation(session, organisation_code)
            code = (
                "MU_REF_RATE" if views.level_of(organisation) == "municipality" else "NW_REF_RATE"
            )
            indicator = get_indicator(session, code)
            rates = views.indicator_figures(
                session, principal, indicator_code=code, organisation_codes=[organisation_code]
            )
            care = views.care_by_residence(session, principal, organisation_code=organisation_code)
            source = views.figure_source(
                session, principal, organisation_code=organisation_code,
                indicator_codes=[code, "NW_CARE_RATE" if code == "NW_REF_RATE" else "MU_CARE_RATE"],
            )  # fmt: skip
            flows = views.care_pathway_flows(
                session, principal, organisation_code=organisation_code, period_code=period_code
            )
            referrers = views.category_labels(session, "referrer", lang)
            labels = {
                "signaal": i18n.t("signal"),
                **{f"ref:{c}": v for c, v in referrers.items()},
                **{
                    f"care:{c}": v
                    for c, v in views.category_labels(session, "care_type", lang).items()
                },
                **{
                    f"end:{c}": v
                    for c, v in views.category_labels(session, "end_reason", lang).items()
                },
                f"ref:{views.NO_REFERRAL}": i18n.t(views.NO_REFERRAL),
                f"care:{views.NO_CARE}": i18n.t(views.NO_CARE),
                f"end:{views.RUNNING}": i18n.t(views.RUNNING),
            }
        except MonitorError as exc:
            warning = message(str(exc), "warning")
            return go.Figure(), warning, go.Figure(), "", go.Figure(), ""
    n_withheld = flows.filter(pl.col("suppressed")).height
    sankey_note = i18n.t("sankey_withheld", n=n_withheld, t=i18n.threshold()) if n_withheld else ""
    named = html.P(i18n.source_line(source), className="chart-note figure-source")
    cases = html.P(i18n.source_line({}), className="chart-note figure-source")
    return (
        rate_figure(
            rates, referrers, (indicator.alert_low, indicator.alert_high), i18n.unit(indicator.unit)
        ),
        [_withheld_note(rates, referrers), named],
        care_figure(care),
        [_withheld_note(care, {g: i18n.t(g) for g in ("met_verblijf", "zonder_verblijf")}), named],
        sankey_figure(flows, labels, period_code),
        [sankey_note, cases],
    )
