"""Researcher reports: one self-contained HTML file (tables and plotly charts) plus JSON.

The HTML embeds plotly.js once, so the report opens offline (on an air-gapped research
workstation, from an e-mail attachment); the JSON holds the same results for further use.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from analysis.base import ModelResult
from analysis.event_study import EventStudyResult
from analysis.goals import GoalsResult
from analysis.its import ITSResult
from analysis.staggered import StaggeredResult

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2733;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:1px solid #d0d7de}
.sentence{background:#eef5fb;border-left:4px solid #1f6fb2;padding:.6rem .9rem;margin:.8rem 0}
table{border-collapse:collapse;font-size:.88rem;margin:.6rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #e1e4e8;text-align:right}
th:first-child,td:first-child{text-align:left}
.meta{color:#57606a;font-size:.88rem}ul.notes{color:#57606a;font-size:.88rem}
"""


def write_report(
    results: ModelResult | Iterable[ModelResult] | Mapping[str, ModelResult],
    out_dir: str | Path,
    *,
    title: str = "Common Monitor - analysis report",
    name: str = "report",
) -> dict[str, Path]:
    """Write ``<name>.html`` (self-contained) and ``<name>.json`` into ``out_dir``.

    Parameters
    ----------
    results : ModelResult, iterable of ModelResult, or mapping of heading to ModelResult
        The fitted models to report.
    out_dir : str or Path
        Folder to write into (created if needed).
    title : str
        Report title.
    name : str
        File stem of both files.

    Returns
    -------
    dict
        ``{"html": Path, "json": Path}``.
    """
    named = _named(results)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    sections = []
    plotly_included = False
    for heading, result in named:
        figure = figure_for(result)
        figure_html = ""
        if figure is not None:
            figure_html = figure.to_html(
                full_html=False, include_plotlyjs=not plotly_included, config={"responsive": True}
            )
            plotly_included = True
        sections.append(_section(heading, result, figure_html))
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>Created {created}; "
        f"{len(named)} model(s).</p>" + "".join(sections) + "</body></html>"
    )
    html_path = out / f"{name}.html"
    json_path = out / f"{name}.json"
    html_path.write_text(page, encoding="utf-8")
    payload = {
        "title": title,
        "created": created,
        "results": [{"heading": h, **r.to_dict()} for h, r in named],
    }
    json_path.write_text(json.dumps(payload, indent=2, allow_nan=False), encoding="utf-8")
    return {"html": html_path, "json": json_path}


def _named(results) -> list[tuple[str, ModelResult]]:
    if isinstance(results, ModelResult):
        return [(results.method, results)]
    if isinstance(results, Mapping):
        return [(str(k), v) for k, v in results.items()]
    return [(r.method, r) for r in results]


def _section(heading: str, result: ModelResult, figure_html: str) -> str:
    sizes = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("observations", result.n_obs),
            (result.group_unit, result.n_children),
            ("clusters", result.n_clusters),
            ("periods", result.n_periods),
        )
        if value is not None
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    tables = [_table(result.estimates)]
    for frame_name, frame in result.frames().items():
        if frame_name in {"counterfactual"}:
            continue
        tables.append(f"<h3>{html.escape(frame_name)}</h3>{_table(frame)}")
    converged = "" if result.converged else " <strong>(did not converge)</strong>"
    return (
        f"<section><h2>{html.escape(heading)}</h2>"
        f"<p class='sentence'>{html.escape(result.sentence)}</p>"
        f"<p class='meta'>{html.escape(result.description)} {sizes}.{converged}</p>"
        + (f"<ul class='notes'>{notes}</ul>" if notes else "")
        + figure_html
        + "".join(tables)
        + "</section>"
    )


def _cell(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
            return f"{value:.3g}"
        return f"{value:.4g}" if abs(value) < 10 else f"{value:,.2f}"
    return html.escape(str(value))


def _table(frame: pl.DataFrame, limit: int = 200) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
        for row in frame.head(limit).iter_rows()
    )
    more = (
        f"<p class='meta'>{frame.height - limit} more rows in the JSON.</p>"
        if (frame.height > limit)
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def figure_for(result: ModelResult) -> go.Figure | None:
    """The chart for a result: ITS lines, event-study coefficients, attainment, or a forest
    plot of the estimates."""
    if isinstance(result, ITSResult) and result.counterfactual is not None:
        return _its_figure(result)
    if isinstance(result, EventStudyResult) and result.event_study is not None:
        return _event_figure(result)
    if isinstance(result, StaggeredResult) and result.event_time is not None:
        return _staggered_figure(result)
    if isinstance(result, GoalsResult) and result.attainment is not None:
        return _goals_figure(result)
    return _forest_figure(result)


def _its_figure(result: ITSResult) -> go.Figure:
    line = result.counterfactual
    x = [str(v) for v in line["period"].to_list()]
    post = line.filter(pl.col("post") == 1)
    xp = [str(v) for v in post["period"].to_list()]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=xp + xp[::-1],
            y=post["ci_high"].to_list() + post["ci_low"].to_list()[::-1],
            fill="toself",
            fillcolor="rgba(120,120,120,0.18)",
            line={"width": 0},
            name="95% CI counterfactual",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=line["observed"].to_list(),
            mode="markers",
            name="observed",
            marker={"color": "#1d2733", "size": 6},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x, y=line["fitted"].to_list(), mode="lines", name="fitted", line={"color": "#c0392b"}
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xp,
            y=post["counterfactual"].to_list(),
            mode="lines",
            name="without the event",
            line={"color": "#c0392b", "dash": "dash"},
        )
    )
    if xp:
        fig.add_vline(x=xp[0], line_dash="dot", line_color="#57606a")
    fig.update_layout(
        template="plotly_white",
        height=420,
        xaxis_title="period",
        yaxis_title="outcome",
        margin={"t": 30},
    )
    return fig


def _relative_time_figure(
    x: pl.Series, estimate: pl.Series, low: pl.Series, high: pl.Series, *, name: str, xaxis: str
) -> go.Figure:
    """Effects by period relative to the start with their 95% interval or band, the start
    marked between periods -1 and 0."""
    fig = go.Figure(
        go.Scatter(
            x=x.to_list(),
            y=estimate.to_list(),
            mode="markers+lines",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (high - estimate).to_list(),
                "arrayminus": (estimate - low).to_list(),
            },
            name=name,
            line={"color": "#1f6fb2"},
        )
    )
    fig.add_hline(y=0, line_color="#57606a")
    fig.add_vline(x=-0.5, line_dash="dot", line_color="#57606a")
    fig.update_layout(
        template="plotly_white",
        height=400,
        margin={"t": 30},
        xaxis_title=xaxis,
        yaxis_title="effect",
    )
    return fig


def _event_figure(result: EventStudyResult) -> go.Figure:
    es = result.event_study
    return _relative_time_figure(
        es["relative_period"],
        es["estimate"],
        es["ci_low"],
        es["ci_high"],
        name="estimate (95% CI)",
        xaxis="periods relative to the start",
    )


def _staggered_figure(result: StaggeredResult) -> go.Figure:
    """Event-time effects with their uniform (simultaneous) 95% band."""
    es = result.event_time
    return _relative_time_figure(
        es["event_time"],
        es["estimate"],
        es["band_low"],
        es["band_high"],
        name="effect (uniform 95% band)",
        xaxis="periods since the start (Callaway & Sant'Anna)",
    )


def _goals_figure(result: GoalsResult) -> go.Figure:
    fig = go.Figure()
    table = result.attainment
    network = table.columns[0]
    period = table.columns[1]
    for key, part in table.group_by(network, maintain_order=True):
        fig.add_trace(
            go.Scatter(
                x=[str(v) for v in part[period].to_list()],
                y=part["share"].to_list(),
                mode="lines",
                name=str(key[0]),
                line={"width": 1},
                opacity=0.45,
            )
        )
    overall = result.overall
    fig.add_trace(
        go.Scatter(
            x=[str(v) for v in overall[period].to_list()],
            y=overall["share"].to_list(),
            mode="lines+markers",
            name="all networks",
            line={"width": 3, "color": "#1d2733"},
        )
    )
    fig.update_layout(
        template="plotly_white",
        height=400,
        margin={"t": 30},
        yaxis={"tickformat": ".0%", "range": [0, 1]},
        yaxis_title="targets met",
    )
    return fig


def _forest_figure(result: ModelResult) -> go.Figure | None:
    est = result.estimates.filter(
        (pl.col("term") != "Intercept") & pl.col("std_error").is_not_nan()
    )
    if est.height == 0:
        return None
    ratio = next((c for c in est.columns if c.endswith("_ratio")), None)
    col, low, high = (
        (ratio, f"{ratio}_ci_low", f"{ratio}_ci_high")
        if ratio
        else ("estimate", "ci_low", "ci_high")
    )
    fig = go.Figure(
        go.Scatter(
            y=est["term"].to_list(),
            x=est[col].to_list(),
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (est[high] - est[col]).to_list(),
                "arrayminus": (est[col] - est[low]).to_list(),
            },
            marker={"color": "#1f6fb2", "size": 9},
        )
    )
    fig.add_vline(x=1.0 if ratio else 0.0, line_color="#57606a")
    fig.update_layout(
        template="plotly_white",
        height=120 + 40 * est.height,
        margin={"t": 30},
        xaxis_title=(ratio or "estimate").replace("_", " "),
        xaxis_type="log" if ratio else None,
    )
    return fig
