"""Chart builders: every chart gets a title, axis titles with units, a legend and a short
"how to read this" text; Dutch separators and period labels on the time axis.

Colours are colour-blind safe and never repeat within a chart: comparison groups and the
pathway stages take Okabe & Ito's palette, categories (referrers, care types) Paul Tol's
"muted" scheme, the total is black. Withheld cells get their own grey marker on a strip
at the foot of the chart, never a point on the value axis.

Value-axis rule (:func:`value_range`): values that cannot be negative (counts, rates,
shares, and anything whose possible range starts at 0) are drawn on an axis that starts
at 0; other values on an axis at least half as tall as the largest absolute value. Either
way a one-point difference between two values of 40 takes at most a few percent of the
height, not all of it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from dashboards import i18n

#: Okabe & Ito (2008), "Color Universal Design", without yellow (too pale on white).
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "black": "#000000",
}
#: Paul Tol's "muted" qualitative scheme (nine colours), for categories.
TOL_MUTED = [
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499",
]  # fmt: skip
PALETTE = TOL_MUTED
TOTAL_COLOUR = OKABE_ITO["black"]
OWN_COLOUR = OKABE_ITO["blue"]
GROUP_COLOURS = {
    "own": OWN_COLOUR,
    "other_networks": OKABE_ITO["vermillion"],
    "municipality": OKABE_ITO["green"],
    "similar_size": OKABE_ITO["purple"],
    "all": OKABE_ITO["orange"],
}
#: Dark grey, dashed: "the grey dashed line" of the trend's reading guide.
BASELINE_COLOUR = "#555555"
#: Reserved for goal lines (target value and date) drawn on the trend.
GOAL_COLOUR = OKABE_ITO["sky"]
#: The marker of a withheld cell: a grey no palette above uses.
WITHHELD_COLOUR = "#8C8C8C"
INTERVAL_FILL = "rgba(140,140,140,0.20)"

#: Headroom above the highest value on an axis that starts at 0.
HEADROOM = 0.10
#: An axis that does not start at 0 is at least this share of the largest |value| tall.
MIN_SPAN_SHARE = 0.5
#: Share of a panel's height kept below its plot area for the withheld-cells strip.
STRIP_SHARE = 0.12

_white = pio.templates["plotly_white"]
#: The house template: plotly_white's layout only, categories' colours as colorway. It is
#: plotly's default, applied when a figure is serialised: naming a template on every
#: figure made plotly validate and deep-copy it each time (with plotly_white's per-trace
#: defaults for fifty trace types, ~60-100 ms a figure on the 2-core demo machine).
pio.templates["common_monitor"] = go.layout.Template(
    layout=go.Layout(_white.layout, colorway=TOL_MUTED)
)
TEMPLATE = "common_monitor"
pio.templates.default = TEMPLATE


def category_colours(n: int) -> list[str]:
    """``n`` distinct colours for categories; more than the scheme holds is an error,
    never a silent repeat."""
    if n > len(TOL_MUTED):
        raise ValueError(f"{n} categories, but only {len(TOL_MUTED)} distinct colours")
    return TOL_MUTED[:n]


def value_range(
    values: Iterable[float | None], *, floor: float | None = None
) -> list[float] | None:
    """The value axis for ``values`` (the module's rule): from 0 when nothing can be
    negative (``floor`` >= 0, or no negative value), else centred on the data and at least
    ``MIN_SPAN_SHARE`` of the largest absolute value tall. None when there is no value."""
    shown = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not shown:
        return None
    low, high = min(shown), max(shown)
    if (floor is not None and floor >= 0) or low >= 0:
        top = high * (1 + HEADROOM) if high > 0 else 1.0
        return [0.0, top]
    largest = max(abs(low), abs(high))
    span = max(high - low, MIN_SPAN_SHARE * largest) * (1 + HEADROOM)
    middle = (low + high) / 2
    return [middle - span / 2, middle + span / 2]


def style(figure: go.Figure, *, title: str, x_title: str, y_title: str) -> go.Figure:
    """Apply the house style: title, axis titles, legend, Dutch or English separators."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        separators=i18n.separators(),
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        margin={"l": 60, "r": 20, "t": 60, "b": 90},
        height=440,
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
    )
    figure.update_xaxes(title_text=x_title)
    figure.update_yaxes(title_text=y_title)
    return figure


def period_ticks(figure: go.Figure, starts: Sequence[date], codes: Sequence[str]) -> None:
    """Label the date axis with period labels (``1e halfjaar 2024``) at period starts."""
    pairs = sorted(set(zip(starts, codes, strict=True)))
    figure.update_xaxes(
        tickmode="array",
        tickvals=[s.isoformat() for s, _ in pairs],
        ticktext=[i18n.period_label(c) for _, c in pairs],
    )


def event_markers(figure: go.Figure, events: Sequence[dict]) -> None:
    """Vertical dotted lines with a label for each event (``event_date``, ``title``)."""
    for index, event in enumerate(events):
        x = event["event_date"].isoformat()
        figure.add_shape(
            type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
            line={"color": "#444", "dash": "dot", "width": 1.5},
        )  # fmt: skip
        figure.add_annotation(
            x=x, xref="x", y=1 - 0.07 * (index % 3), yref="paper", text=event["title"],
            showarrow=False, xanchor="left", bgcolor="rgba(255,255,255,0.85)",
            font={"size": 11, "color": "#333"}, name=f"event-{index}",
        )  # fmt: skip


def withheld_markers(
    figure: go.Figure, x: Sequence, hover: Sequence[str], *, panel: int = 1
) -> None:
    """Mark withheld cells at ``x``: one grey cross per period in a strip of its own below
    the panel's plot area (its own hidden axis), so a mark never sits on a value, not even
    on a real 0. The hover names every withheld cell of the period; the legend says what
    the crosses are."""
    if not x:
        return
    by_x: dict = {}
    for at, text in zip(x, hover, strict=True):
        by_x.setdefault(at, []).append(text)
    value_axis = panel_axis(panel)
    low, high = figure.layout[value_axis].domain or (0.0, 1.0)
    height = high - low
    strip = f"yaxis{20 + panel}"
    x_axis = "x" if panel == 1 else f"x{panel}"
    figure.update_layout(
        {
            value_axis: {"domain": [low + STRIP_SHARE * height, high]},
            # the time axis goes to the foot of the strip: crosses between plot and labels
            ("xaxis" if panel == 1 else f"xaxis{panel}"): {"anchor": "free", "position": low},
            strip: {"domain": [low, low + 0.6 * STRIP_SHARE * height], "range": [0, 1],
                    "visible": False, "fixedrange": True, "anchor": x_axis},
        }
    )  # fmt: skip
    limit = f"< {i18n.threshold()}"
    figure.add_trace(
        go.Scatter(
            x=list(by_x), y=[0.5] * len(by_x), yaxis=f"y{20 + panel}",
            xaxis=x_axis, mode="markers+text", text=[limit] * len(by_x),
            textposition="middle right", textfont={"size": 10, "color": "#555"},
            marker={"symbol": "x-thin-open", "size": 9, "color": WITHHELD_COLOUR,
                    "line": {"width": 2, "color": WITHHELD_COLOUR}},
            name=i18n.t("withheld_marker", t=i18n.threshold()),
            hovertext=["<br>".join(texts) for texts in by_x.values()], hoverinfo="text",
            legendgroup="withheld", showlegend=panel == 1, meta="withheld",
        )
    )  # fmt: skip


def chart_card(
    graph_id: str, figure: go.Figure, how_to_read: str, note_id: str | None = None, note=""
) -> dbc.Card:
    """A chart with its "Zo leest u deze grafiek" text and an optional note below."""
    children = [
        dcc.Graph(id=graph_id, figure=figure, config={"displaylogo": False}),
        html.Details(
            [html.Summary(i18n.t("how_to_read")), html.P(how_to_read, className="mb-0")],
            open=True,
            className="how-to-read",
        ),
    ]
    if note_id is not None:
        children.append(html.Div(note, id=note_id, className="chart-note"))
    return dbc.Card(dbc.CardBody(children), className="mb-4")


def empty_figure(title: str, message: str, hint: str = "") -> go.Figure:
    """In place of a chart with nothing to draw: the title, why there is nothing
    (``message``) and what to choose instead (``hint``); no empty axes."""
    text = escape(message) + (
        f"<br><span style='font-size:13px'>{escape(hint)}</span>" if hint else ""
    )
    figure = go.Figure()
    figure.add_annotation(
        text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.55,
        font={"size": 15, "color": "#333"}, name="empty-state",
    )  # fmt: skip
    style(figure, title=title, x_title="", y_title="")
    figure.update_layout(showlegend=False, height=260, margin={"b": 30})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def sparkline_svg(
    values: Sequence[float | None], *, colour: str = OWN_COLOUR, width: int = 120,
    height: int = 32, floor: float | None = 0.0,
) -> str:  # fmt: skip
    """A tiny line of ``values`` (oldest first) as an SVG document; withheld values
    (None) break the line. The vertical scale follows :func:`value_range`."""
    points = list(values)
    scale = value_range(points, floor=floor) or [0.0, 1.0]
    low, high = scale[0], scale[1] if scale[1] > scale[0] else scale[0] + 1
    step = (width - 4) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return round(height - 2 - (v - low) / (high - low) * (height - 4), 1)

    runs: list[list[str]] = [[]]
    for index, value in enumerate(points):
        if value is None:
            runs.append([])
            continue
        runs[-1].append(f"{round(2 + index * step, 1)},{y(value)}")
    lines = "".join(
        f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(r)}"/>'
        for r in runs
        if len(r) > 1
    )
    dots = "".join(
        f'<circle cx="{r[0].split(",")[0]}" cy="{r[0].split(",")[1]}" r="2" fill="{colour}"/>'
        for r in runs
        if len(r) == 1
    )
    last = next((i for i in range(len(points) - 1, -1, -1) if points[i] is not None), None)
    end = ""
    if last is not None:
        cx = round(2 + last * step, 1)
        end = f'<circle cx="{cx}" cy="{y(points[last])}" r="3" fill="{colour}"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{lines}{dots}{end}</svg>'
    )


def panels(kinds: Sequence[str]) -> go.Figure:
    """One panel per source kind (registered, survey, observed are never mixed on one
    axis); a plain figure when there is one."""
    if len(kinds) <= 1:
        return go.Figure()
    from plotly.subplots import make_subplots

    return make_subplots(
        rows=len(kinds), cols=1, shared_xaxes=True, subplot_titles=[i18n.t(k) for k in kinds]
    )


def panel_axis(row: int) -> str:
    """The layout name of panel ``row``'s value axis (``yaxis``, ``yaxis2``, ...)."""
    return "yaxis" if row == 1 else f"yaxis{row}"


def trace_colours(figure: go.Figure) -> list[str]:
    """The colour of every drawn trace (line, marker or fill), for checks and reports."""
    colours = []
    for trace in figure.data:
        if trace.type == "sankey":  # coloured per block, not per trace
            colours.append(None)
            continue
        line = getattr(trace, "line", None)
        marker = getattr(trace, "marker", None)
        colour = (line.color if line is not None and line.color else None) or (
            marker.color if marker is not None and isinstance(marker.color, str) else None
        )
        if colour is None and getattr(trace, "fillcolor", None):
            colour = trace.fillcolor
        colours.append(colour)
    return colours


def goal_lines(figure: go.Figure, goals: Sequence[dict], decimals: int = 1) -> None:
    """Each goal (``target_value``, ``target_date``) as a dotted line at its value and a star
    on its date, named in the legend ("Doel 36,3 uiterlijk 31 december 2025")."""
    for goal in goals:
        value, day = goal["target_value"], goal["target_date"]
        label = i18n.t("goal_label", value=i18n.number(value, decimals=decimals),
                       date=i18n.long_date(day))  # fmt: skip
        where = {"row": 1, "col": 1} if figure._grid_ref is not None else {}  # top panel
        figure.add_hline(y=value, line={"color": GOAL_COLOUR, "dash": "dot", "width": 2}, **where)
        figure.add_trace(
            go.Scatter(
                x=[day.isoformat()], y=[value], mode="markers", name=label,
                marker={"symbol": "star", "size": 16, "color": GOAL_COLOUR},
                hovertemplate=f"{label}<extra></extra>",
            ),
            **where,
        )  # fmt: skip


def blank_figure() -> go.Figure:
    """A chart's place before its figure arrives, or when a message beside it says why
    there is none: no empty axes, nothing to misread."""
    figure = go.Figure()
    figure.update_layout(height=260, margin={"t": 20, "b": 20})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure
