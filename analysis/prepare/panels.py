"""Child x half-year binary panels with exposure (for GEE)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analysis.prepare.counts import _all_periods, _as_date, _season
from analysis.prepare.extracts import (
    Extract,
    _half_year_code,
    _measurements,
    _participation,
    _require_measurement_columns,
    _years_between,
    indicator_rows,
)
from monitor.errors import ModelFitError
from monitor.periods import period_containing
from schema.base import PeriodType

# --------------------------------------------------------------------------- binary panel


def binary_panel(
    measurements: pl.DataFrame | Extract,
    indicator: str = "CH_REF",
    participation: pl.DataFrame | None = None,
    *,
    outcome: str = "referred",
    category: str | Sequence[str] | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
) -> pl.DataFrame:
    """Child x half-year rows: did the event happen (0/1), and was the child in a programme.

    A child is counted in every half-year from the one of its first to the one of its last
    row of *any* indicator in the extract (the extract holds no register of who lived where
    when, so being measured is the evidence of being there), clipped to ``date_from`` ..
    ``date_to`` when given.

    Parameters
    ----------
    measurements : polars.DataFrame or Extract
        An extract's measurements.
    indicator : str
        The event indicator (default ``CH_REF``, referral to youth care).
    participation : polars.DataFrame, optional
        An extract's participation rows (from the Extract when omitted).
    outcome : str
        Name of the 0/1 column (default ``referred``).
    category : optional
        Only events of these categories (e.g. referrer ``huisarts``).
    date_from, date_to : optional
        The study window.

    Returns
    -------
    polars.DataFrame
        ``child_id, period, period_start, period_index, season, <outcome>, events, exposed,
        intensity, age, sex, municipality_code``. ``exposed`` is 1 when a participation
        period overlaps the half-year, ``age`` is in years at the start of the half-year.
        For :func:`analysis.fit_gee` with ``child="child_id"``.
    """
    what = "binary panel"
    frame = _measurements(measurements)
    events = indicator_rows(frame, indicator, what=what, category=category)
    _require_measurement_columns(frame, ["birth_month"], what)
    lo = _as_date(date_from, what="date_from") if date_from else None
    hi = _as_date(date_to, what="date_to") if date_to else None
    seen = frame.with_columns(pl.col("observed_on").cast(pl.Date))
    if lo:
        seen = seen.filter(pl.col("observed_on") >= lo)
        events = events.filter(pl.col("observed_on") >= lo)
    if hi:
        seen = seen.filter(pl.col("observed_on") <= hi)
        events = events.filter(pl.col("observed_on") <= hi)
    if seen.height == 0:
        raise ModelFitError(f"{what}: no measurements in the window {lo} .. {hi}")
    extra = [c for c in ("sex", "municipality_code") if c in frame.columns]
    children = seen.group_by("child_pseudonym").agg(
        pl.col("observed_on").min().alias("_first"),
        pl.col("observed_on").max().alias("_last"),
        pl.col("birth_month").cast(pl.Date).first(),
        *[pl.col(c).first() for c in extra],
    )
    first_period = period_containing(min(children["_first"]), PeriodType.HALF_YEAR)
    last_period = period_containing(max(children["_last"]), PeriodType.HALF_YEAR)
    calendar = _all_periods([first_period, last_period])
    table = pl.DataFrame(
        {
            "period": [p.code for p in calendar],
            "period_start": [p.start for p in calendar],
            "period_end": [p.end for p in calendar],
            "period_index": list(range(len(calendar))),
            "season": [_season(p) for p in calendar],
        }
    )
    panel = children.join(table, how="cross").filter(
        (pl.col("period_end") >= pl.col("_first")) & (pl.col("period_start") <= pl.col("_last"))
    )
    counted = (
        events.with_columns(_half_year_code(pl.col("observed_on")).alias("period"))
        .group_by("child_pseudonym", "period")
        .agg(pl.len().cast(pl.Int64).alias("events"))
    )
    panel = panel.join(counted, on=["child_pseudonym", "period"], how="left").with_columns(
        pl.col("events").fill_null(0),
        (pl.col("events").fill_null(0) > 0).cast(pl.Int64).alias(outcome),
        _years_between(pl.col("period_start"), pl.col("birth_month")).alias("age"),
    )
    part = _participation(participation, measurements)
    panel = panel.rename({"child_pseudonym": "child_id"}).with_row_index("_row")
    if part is not None and part.height:
        p = part.select(
            pl.col("child_pseudonym").alias("child_id"), "valid_from", "valid_to", "intensity"
        )
        overlap = (
            panel.select("_row", "child_id", "period_start", "period_end")
            .join(p, on="child_id", how="inner")
            .filter(
                (pl.col("valid_from") <= pl.col("period_end"))
                & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("period_start")))
            )
            .group_by("_row")
            .agg(pl.lit(1, dtype=pl.Int64).alias("exposed"), pl.col("intensity").max())
        )
        panel = panel.join(overlap, on="_row", how="left")
    else:
        panel = panel.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("exposed"),
            pl.lit(None, dtype=pl.Float64).alias("intensity"),
        )
    panel = panel.with_columns(pl.col("exposed").fill_null(0), pl.col("intensity").fill_null(0.0))
    return panel.select(
        "child_id",
        "period",
        "period_start",
        "period_index",
        "season",
        outcome,
        "events",
        "exposed",
        "intensity",
        "age",
        *extra,
    ).sort("child_id", "period_index")
