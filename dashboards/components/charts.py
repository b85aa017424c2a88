"""Chart builders: every chart gets a title, axis titles with units, a legend and a short
"how to read this" text; Dutch separators and period labels on the time axis."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboards import i18n

PALETTE = ["#1b5e85", "#c2571a", "#2e7d32", "#6a3d9a", "#b8860b", "#00838f", "#ad1457", "#555"]
OWN_COLOUR = "#1b5e85"
GROUP_COLOURS = {
    "own": OWN_COLOUR,
    "other_networks": "#c2571a",
    "municipality": "#2e7d32",
    "similar_size": "#6a3d9a",
    "all": "#777777",
}


def style(figure: go.Figure, *, title: str, x_title: str, y_title: str) -> go.Figure:
    """Apply the house style: title, axis titles, legend, Dutch or English separators."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        template="plotly_white",
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


def empty_figure(title: str, message: str) -> go.Figure:
    """A figure that says there is nothing to draw (keeps title, axes and legend)."""
    figure = go.Figure()
    figure.add_annotation(
        text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
        font={"size": 14},
    )  # fmt: skip
    return style(figure, title=title, x_title=i18n.t("time_axis"), y_title="")


GOAL_COLOUR = "#b8860b"


def goal_lines(figure: go.Figure, goals: Sequence[dict], decimals: int = 1) -> None:
    """Each goal (``target_value``, ``target_date``) as a dotted line at its value and a star
    on its date, named in the legend ("Doel 36,3 uiterlijk 31 december 2025")."""
    for goal in goals:
        value, day = goal["target_value"], goal["target_date"]
        label = i18n.t("goal_label", value=i18n.number(value, decimals=decimals),
                       date=i18n.long_date(day))  # fmt: skip
        figure.add_hline(
            y=value, line={"color": GOAL_COLOUR, "dash": "dot", "width": 2}, row=1, col=1
        )
        figure.add_trace(
            go.Scatter(
                x=[day.isoformat()], y=[value], mode="markers", name=label,
                marker={"symbol": "star", "size": 16, "color": GOAL_COLOUR},
                hovertemplate=f"{label}<extra></extra>",
            ),
            row=1, col=1,
        )  # fmt: skip
