"""Warm the dashboards up before the first visitor: build and serialise every kind of
chart once and fit one baseline, so that the first visit to a page does not pay for
plotly's and statsmodels' first-use imports (measured: the first referral page took
~1 s longer than the next; ``benchmarks/pages.py``).

Nothing here reads the database or needs a user: the chart builders are pure (data in,
figure out) and are fed a small made-up series.
"""

from __future__ import annotations

import logging
import time
from datetime import date

import flask
import polars as pl
from plotly.io.json import to_json_plotly

log = logging.getLogger("dashboards.warmup")


def _series() -> pl.DataFrame:
    starts = [date(2021 + k // 2, 1 + 6 * (k % 2), 1) for k in range(6)]
    codes = [f"{s.year}-H{1 + (s.month > 6)}" for s in starts]
    return pl.DataFrame(
        {
            "group": ["own"] * 6,
            "period_code": codes,
            "period_start": starts,
            "source_kind": ["registered"] * 6,
            "category": [""] * 6,
            "value": [30.0, 31.0, None, 33.0, 32.0, 35.0],
            "suppressed": [False, False, True, False, False, False],
            "withheld": [None] * 6,
        },
        schema_overrides={"withheld": pl.String},
    )


def warm_up(server: flask.Flask | None = None) -> float:
    """Build each chart type once (lines with withheld markers, baseline band, Sankey,
    boxes, empty states) and serialise it as Dash would; seconds taken."""
    started = time.perf_counter()
    from analysis.forecast import baseline_forecast
    from dashboards.components import charts
    from dashboards.components import figures as charts_of_pages

    server = server or flask.Flask("warmup")
    series = _series()
    with server.test_request_context("/"):
        forecast = baseline_forecast(series, event_date=date(2023, 1, 1), bounds=(0.0, None))
        figures = [
            charts_of_pages.trend_figure(series, [], forecast, "2023-H1", "x", "per 1.000", 0.0),
            charts_of_pages.rate_figure(series, {}, (None, None), "per 1.000"),
            charts_of_pages.sankey_figure(
                pl.DataFrame(
                    {
                        "source": ["signaal"],
                        "target": ["ref:huisarts"],
                        "n_children": [12],
                        "suppressed": [False],
                    }
                ),
                {},
                "2023-H1",
            ),  # fmt: skip
            charts_of_pages.distribution_figure(
                pl.DataFrame(
                    {
                        "age_group": ["4-11"],
                        "programme": ["in"],
                        "p25": [1.0],
                        "median": [2.0],
                        "p75": [3.0],
                        "mean": [2.0],
                        "suppressed": [False],
                    }
                ),
                "age_group",
                "x",
                "%",
            ),  # fmt: skip
            charts.empty_figure("x", "y", "z"),
        ]
        for figure in figures:
            to_json_plotly(figure)
    seconds = time.perf_counter() - started
    log.info("dashboards warmed up in %.2f s", seconds)
    return seconds
