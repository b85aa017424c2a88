"""The pages' charts as pure functions (data in, plotly Figure out), so that the
dashboards and the printable report draw the same figures: the trend with its comparison
groups and baseline, referral rates by referrer, care with and without residence, the care
pathway (Sankey) and the child outcomes. House style, colours and the value-axis rule come
from :mod:`dashboards.components.charts`."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
import polars as pl

from dashboards import i18n
from dashboards.components.charts import (
    BASELINE_COLOUR,
    GROUP_COLOURS,
    INTERVAL_FILL,
    OKABE_ITO,
    OWN_COLOUR,
    TOTAL_COLOUR,
    category_colours,
    empty_figure,
    event_markers,
    panel_axis,
    panels,
    period_ticks,
    style,
    value_range,
    withheld_markers,
)
from monitor.periods import parse_period

#: Node colour per column of the pathway (signal, referrer, care type, ending).
STAGE_COLOURS = {
    "signaal": OKABE_ITO["blue"],
    "ref": OKABE_ITO["vermillion"],
    "care": OKABE_ITO["green"],
    "end": OKABE_ITO["purple"],
}


# trend


#: The indicator a trend opens with, per level of organisation.
DEFAULT_INDICATOR = {"network": "NW_REF_RATE", "municipality": "MU_REF_RATE"}


def forecast_rows(forecast) -> pl.DataFrame:  # noqa: ANN001
    """The baseline as the chart draws it: fitted before the event, expected (with its
    interval) from the event on; one row per period start."""
    schema = {"period_start": pl.Date, "expected": pl.Float64,
              "pi_low": pl.Float64, "pi_high": pl.Float64}  # fmt: skip
    if forecast is None:
        return pl.DataFrame(schema=schema)
    base = forecast.baseline.select(
        "period_start", pl.col("fitted").alias("expected"),
        pl.lit(None, pl.Float64).alias("pi_low"), pl.lit(None, pl.Float64).alias("pi_high"),
    )  # fmt: skip
    ahead = forecast.forecast.select("period_start", "expected", "pi_low", "pi_high")
    return pl.concat([base, ahead]).cast(schema)


def with_gaps(points: pl.DataFrame) -> tuple[list, list]:
    """x (period starts) and y (values) of a line, with an empty point where periods are
    missing between two figures, so that the line breaks instead of bridging them."""
    x: list = []
    y: list = []
    follows = None
    for code, start, value in points.select("period_code", "period_start", "value").rows():
        if follows is not None and start > follows:
            x.append(follows)
            y.append(None)
        x.append(start)
        y.append(value)
        follows = parse_period(code).end + timedelta(days=1)
    return x, y


def trend_figure(series, events, forecast, period_code, name, unit, floor=None, organisation=""):  # noqa: ANN001, ANN201, PLR0913
    """Lines per group, one panel per source kind; events; baseline with its band.
    Withheld values are marked on a strip, the value axis follows the house rule."""
    own_values = series.filter(
        (pl.col("group") == "own") & (pl.col("value").is_not_null() | pl.col("suppressed"))
    )
    title = i18n.t("trend_title", name=name)
    if own_values.is_empty():
        return empty_figure(
            title,
            i18n.t("empty_trend", org=organisation or i18n.t("own"), name=name),
            i18n.t("empty_trend_hint"),
        )
    kinds = series["source_kind"].unique(maintain_order=True).to_list() or ["registered"]
    figure = panels(kinds)
    where = (lambda row: {"row": row, "col": 1}) if len(kinds) > 1 else (lambda row: {})
    for row, kind in enumerate(kinds, start=1):
        panel = series.filter(pl.col("source_kind") == kind)
        shown_values = panel["value"].to_list()
        for group in panel["group"].unique(maintain_order=True).to_list():
            points = panel.filter(pl.col("group") == group).sort("period_start")
            if group != "own" and points["value"].is_null().all():
                continue  # a withheld comparison group: named in the note instead
            x, y = with_gaps(points)
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    name=i18n.t(group),
                    mode="lines+markers",
                    line={"color": GROUP_COLOURS[group], "width": 4 if group == "own" else 2},
                    legendgroup=group,
                    showlegend=row == 1,
                ),
                **where(row),
            )
        withheld = panel.filter(pl.col("suppressed") & (pl.col("group") == "own"))
        withheld_markers(
            figure,
            withheld["period_start"].to_list(),
            [i18n.period_label(c) for c in withheld["period_code"]],
            panel=row,
        )
        if forecast is not None and row == 1:
            shown_values += forecast.forecast["pi_high"].to_list()
            shown_values += forecast.forecast["pi_low"].to_list()
        figure.update_layout({panel_axis(row): {"range": value_range(shown_values, floor=floor)}})
    if forecast is not None:
        ahead = forecast.forecast
        x = ahead["period_start"].to_list()
        figure.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=ahead["pi_high"].to_list() + ahead["pi_low"].to_list()[::-1],
                fill="toself",
                mode="lines",
                fillcolor=INTERVAL_FILL,
                line={"width": 0, "color": INTERVAL_FILL},
                name=i18n.t("interval"),
                hoverinfo="skip",
            ),
            **where(1),
        )
        base = forecast.baseline
        figure.add_trace(
            go.Scatter(
                x=base["period_start"].to_list() + x,
                y=base["fitted"].to_list() + ahead["expected"].to_list(),
                name=i18n.t("baseline"),
                mode="lines",
                line={"color": BASELINE_COLOUR, "dash": "dash", "width": 2},
            ),
            **where(1),
        )
    event_markers(figure, events)
    if period_code:
        start = parse_period(period_code)
        figure.add_vrect(
            x0=start.start.isoformat(), x1=start.end.isoformat(), fillcolor=OWN_COLOUR,
            opacity=0.07, line_width=0,
        )  # fmt: skip
    style(figure, title=title, x_title=i18n.t("time_axis"), y_title=unit)
    if series.height:
        period_ticks(figure, series["period_start"].to_list(), series["period_code"].to_list())
    return figure


# referrals and care use


def _line_chart(
    frame: pl.DataFrame, order: list[str], labels: dict[str, str], colours: dict[str, str],
    widths: dict[str, int],
) -> go.Figure:  # fmt: skip
    """One line per category in ``order``, one panel per source kind; withheld cells as
    markers on their own strip (never at 0 on the value axis)."""
    kinds = frame["source_kind"].unique(maintain_order=True).to_list()
    figure = panels(kinds)
    for row, kind in enumerate(kinds, start=1):
        panel = frame.filter(pl.col("source_kind") == kind)
        for category in order:
            line = panel.filter(pl.col("category") == category).sort("period_start")
            if line.is_empty():
                continue
            figure.add_trace(
                go.Scatter(
                    x=line["period_start"].to_list(), y=line["value"].to_list(),
                    name=labels[category], mode="lines+markers", legendgroup=category,
                    line={"width": widths.get(category, 2), "color": colours[category]},
                    showlegend=row == 1,
                ),
                **({"row": row, "col": 1} if len(kinds) > 1 else {}),
            )  # fmt: skip
        withheld = panel.filter(pl.col("suppressed")).sort("period_start")
        withheld_markers(
            figure,
            withheld["period_start"].to_list(),
            [f"{labels.get(c, c)}, {i18n.period_label(p)}"
             for c, p in zip(withheld["category"], withheld["period_code"], strict=True)],
            panel=row,
        )  # fmt: skip
        figure.update_layout({panel_axis(row): {"range": value_range(panel["value"], floor=0)}})
    period_ticks(figure, frame["period_start"].to_list(), frame["period_code"].to_list())
    return figure


def rate_figure(
    frame: pl.DataFrame, labels: dict[str, str], band, unit: str, organisation: str = ""
) -> go.Figure:  # noqa: ANN001
    """One line per referrer (and the total, black); withheld points marked on a strip."""
    title = i18n.t("referral_rate_title")
    if frame.filter(pl.col("value").is_not_null() | pl.col("suppressed")).is_empty():
        return empty_figure(
            title, i18n.t("empty_referrals", org=organisation), i18n.t("empty_hint")
        )
    present = set(frame["category"])
    order = ["", *[c for c in labels if c in present]]
    colours = dict(zip(order[1:], category_colours(len(order) - 1), strict=True))
    named = {"": i18n.t("total"), **labels}
    figure = _line_chart(frame, order, named, {"": TOTAL_COLOUR, **colours}, {"": 4})
    if band[0] is not None:
        figure.add_hrect(y0=band[0], y1=band[1], fillcolor="#888", opacity=0.1, line_width=0)
        top = max([v for v in frame["value"].to_list() if v is not None] + [band[1]])
        figure.update_layout(yaxis={"range": value_range([top], floor=0)})
    return style(figure, title=title, x_title=i18n.t("time_axis"), y_title=unit)


def care_figure(frame: pl.DataFrame, organisation: str = "") -> go.Figure:
    """With and without residence, per 1,000 children."""
    title = i18n.t("care_title")
    if frame.filter(pl.col("value").is_not_null() | pl.col("suppressed")).is_empty():
        return empty_figure(title, i18n.t("empty_care", org=organisation), i18n.t("empty_hint"))
    order = ["zonder_verblijf", "met_verblijf"]
    colours = {"zonder_verblijf": OKABE_ITO["blue"], "met_verblijf": OKABE_ITO["vermillion"]}
    figure = _line_chart(frame, order, {g: i18n.t(g) for g in order}, colours, {})
    return style(figure, title=title, x_title=i18n.t("time_axis"), y_title=i18n.t("per_1000"))


def sankey_figure(
    flows: pl.DataFrame, labels: dict[str, str], period_code: str, organisation: str = ""
) -> go.Figure:
    """Signal → referrer → care type → ending, with the children on each block; withheld
    links are not drawn (and not counted in the blocks)."""
    period = i18n.period_label(period_code)
    title = i18n.t("sankey_title", period=period)
    drawn = flows.filter(~pl.col("suppressed"))
    if drawn.is_empty():
        return empty_figure(
            title,
            i18n.t("empty_pathway", org=organisation, period=period, t=i18n.threshold()),
            i18n.t("empty_pathway_hint"),
        )
    nodes = list(dict.fromkeys([*drawn["source"], *drawn["target"]]))
    index = {n: i for i, n in enumerate(nodes)}
    # a block holds the children of the flows drawn into it (out of it, for "Signaal")
    into: dict[str, int] = {}
    out_of: dict[str, int] = {}
    for source, target, n in drawn.select("source", "target", "n_children").iter_rows():
        out_of[source] = out_of.get(source, 0) + int(n)
        into[target] = into.get(target, 0) + int(n)
    counts = [into.get(n, out_of.get(n, 0)) for n in nodes]
    colours = [STAGE_COLOURS[n.split(":")[0] if ":" in n else "signaal"] for n in nodes]
    figure = go.Figure(
        go.Sankey(
            node={
                "label": [
                    f"{labels.get(n, n)}: {i18n.number(c, decimals=0)}"
                    for n, c in zip(nodes, counts, strict=True)
                ],
                "color": colours,
                "pad": 18,
                "thickness": 16,
                "customdata": counts,
            },
            link={
                "source": [index[s] for s in drawn["source"]],
                "target": [index[t] for t in drawn["target"]],
                "value": drawn["n_children"].to_list(),
                "color": "rgba(120,120,120,0.25)",
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


# child outcomes

PROGRAMME_COLOURS = {"in": OKABE_ITO["blue"], "out": OKABE_ITO["vermillion"]}


def distribution_figure(  # noqa: PLR0913
    cells: pl.DataFrame, breakdown: str, title: str, unit: str,
    names: dict[str, str] | None = None, floor: float | None = None, empty: str = "",
) -> go.Figure:  # fmt: skip
    """Boxes (25th-75th percentile, median) per breakdown group, in vs outside programme;
    schools by name (``names``: code -> name)."""
    shown = cells.filter(~pl.col("suppressed"))
    if shown.is_empty():
        return empty_figure(title, empty or i18n.t("no_data"), i18n.t("empty_outcome_hint"))
    names = names or {}
    figure = go.Figure()
    for programme in ["in", "out"]:
        part = shown.filter(pl.col("programme") == programme).sort(breakdown)
        if part.is_empty():
            continue
        figure.add_trace(
            go.Box(
                x=[names.get(g, g) for g in part[breakdown]], q1=part["p25"].to_list(),
                median=part["median"].to_list(), q3=part["p75"].to_list(),
                lowerfence=part["p25"].to_list(), upperfence=part["p75"].to_list(),
                mean=part["mean"].to_list(), name=i18n.t(programme),
                marker_color=PROGRAMME_COLOURS[programme],
                line={"color": PROGRAMME_COLOURS[programme]},
            )
        )  # fmt: skip
    figure.update_layout(boxmode="group")
    if breakdown == "age_group":  # youngest first, not in text order ("12-17" < "4-11")
        order = sorted(set(shown[breakdown].to_list()), key=lambda g: int(g.split("-")[0]))
        figure.update_xaxes(categoryorder="array", categoryarray=order)
    figure.update_yaxes(range=value_range([*shown["p75"], *shown["mean"]], floor=floor))
    return style(figure, title=title, x_title=i18n.t(breakdown), y_title=unit)


def outcome_trend_figure(
    cells: pl.DataFrame, title: str, unit: str, floor: float | None = None, empty: str = ""
) -> go.Figure:
    """Mean per period, in vs outside the programme; withheld cells on their strip."""
    if cells.filter(~pl.col("suppressed")).is_empty():
        return empty_figure(title, empty or i18n.t("no_data"), i18n.t("empty_hint"))
    figure = go.Figure()
    for programme in ["in", "out"]:
        line = cells.filter(pl.col("programme") == programme).sort("period_start")
        figure.add_trace(
            go.Scatter(
                x=line["period_start"].to_list(), y=line["mean"].to_list(),
                name=i18n.t(programme), mode="lines+markers",
                line={"color": PROGRAMME_COLOURS[programme], "width": 3},
            )
        )  # fmt: skip
    withheld = cells.filter(pl.col("suppressed")).sort("period_start")
    withheld_markers(
        figure,
        withheld["period_start"].to_list(),
        [f"{i18n.t(p)}, {i18n.period_label(c)}"
         for p, c in zip(withheld["programme"], withheld["period_code"], strict=True)],
    )  # fmt: skip
    figure.update_layout(yaxis={"range": value_range(cells["mean"], floor=floor)})
    period_ticks(figure, cells["period_start"].to_list(), cells["period_code"].to_list())
    return style(figure, title=title, x_title=i18n.t("time_axis"), y_title=unit)


def withheld_note(frame: pl.DataFrame, labels: dict[str, str]) -> str:
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
