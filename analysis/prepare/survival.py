"""Counting-process intervals split at participation (for Cox models)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import polars as pl

from analysis.prepare.counts import _as_date
from analysis.prepare.extracts import (
    Extract,
    _measurements,
    _participation,
    _require_measurement_columns,
    _years_between,
    indicator_rows,
)
from monitor.errors import ModelFitError

# --------------------------------------------------------------------------- start-stop


def start_stop(
    measurements: pl.DataFrame | Extract,
    participation: pl.DataFrame | None = None,
    *,
    event_indicator: str = "CH_SPED",
    time_scale: Literal["age", "study"] = "age",
    date_from: date | str | None = None,
    date_to: date | str | None = None,
) -> pl.DataFrame:
    """Counting-process rows ``(start, stop]`` per child, split where participation begins
    and ends, ending at the first event of ``event_indicator`` or at censoring.

    Follow-up of a child runs from its first row of any indicator in the extract (or
    ``date_from``) to the first ``event_indicator`` row, else to its last row (or
    ``date_to``): a child that is no longer measured is censored there. Children whose
    event falls on or before the start of follow-up (already placed when first seen) are
    left out - they were never at risk in the window.

    Parameters
    ----------
    measurements : polars.DataFrame or Extract
        An extract's measurements.
    participation : polars.DataFrame, optional
        An extract's participation rows (from the Extract when omitted); without it every
        interval has ``exposed = 0``.
    event_indicator : str
        The event (default ``CH_SPED``, placement in special education).
    time_scale : {"age", "study"}
        ``age``: years since the birth month (intervals are left-truncated at the age when
        first seen); ``study``: years since the child's start of follow-up.
    date_from, date_to : optional
        The study window.

    Returns
    -------
    polars.DataFrame
        ``child_id, start, stop, event, exposed, intensity, start_date, stop_date, sex,
        municipality_code``; for :func:`analysis.fit_cox` with ``entry="start"``,
        ``exit="stop"``, ``child="child_id"``.
    """
    what = "start-stop data"
    if time_scale not in ("age", "study"):
        raise ModelFitError(f"{what}: time_scale must be 'age' or 'study', not {time_scale!r}")
    frame = _measurements(measurements)
    events = indicator_rows(frame, event_indicator, what=what)
    _require_measurement_columns(frame, ["birth_month"], what)
    lo = _as_date(date_from, what="date_from") if date_from else None
    hi = _as_date(date_to, what="date_to") if date_to else None
    seen = frame.with_columns(pl.col("observed_on").cast(pl.Date))
    extra = [c for c in ("sex", "municipality_code") if c in frame.columns]
    follow = seen.group_by("child_pseudonym").agg(
        pl.col("observed_on").min().alias("entry_date"),
        pl.col("observed_on").max().alias("last_date"),
        pl.col("birth_month").cast(pl.Date).first(),
        *[pl.col(c).first() for c in extra],
    )
    first_event = events.group_by("child_pseudonym").agg(
        pl.col("observed_on").min().alias("event_date")
    )
    follow = follow.join(first_event, on="child_pseudonym", how="left")
    if lo:
        follow = follow.with_columns(
            pl.max_horizontal("entry_date", pl.lit(lo)).alias("entry_date")
        )
    if hi:
        follow = follow.with_columns(pl.min_horizontal("last_date", pl.lit(hi)).alias("last_date"))
    follow = follow.with_columns(
        (pl.col("event_date").is_not_null() & (pl.col("event_date") <= pl.col("last_date")))
        .cast(pl.Int64)
        .alias("event"),
    ).with_columns(
        pl.when(pl.col("event") == 1)
        .then(pl.col("event_date"))
        .otherwise(pl.col("last_date"))
        .alias("exit_date"),
    )
    prevalent = follow.filter(
        pl.col("event_date").is_not_null() & (pl.col("event_date") <= pl.col("entry_date"))
    )
    follow = follow.filter(
        ~pl.col("child_pseudonym").is_in(prevalent["child_pseudonym"].implode())
        & (pl.col("exit_date") > pl.col("entry_date"))
    )
    if follow.height == 0:
        raise ModelFitError(f"{what}: no child has follow-up time before {event_indicator}")
    part = _participation(participation, measurements)
    spells: dict[str, list[tuple[date, date | None, float | None]]] = {}
    if part is not None and part.height:
        for child, start, end, intensity in part.select(
            "child_pseudonym", "valid_from", "valid_to", "intensity"
        ).iter_rows():
            spells.setdefault(child, []).append((start, end, intensity))
    rows: dict[str, list[Any]] = {
        k: [] for k in ("child_id", "start_date", "stop_date", "event", "exposed", "intensity")
    }
    for child, entry, exit_, event in follow.select(
        "child_pseudonym", "entry_date", "exit_date", "event"
    ).iter_rows():
        mine = spells.get(child, [])
        cuts = {entry, exit_}
        for start, end, _ in mine:
            for day in (start, None if end is None else end + timedelta(days=1)):
                if day is not None and entry < day < exit_:
                    cuts.add(day)
        points = sorted(cuts)
        for a, b in zip(points[:-1], points[1:], strict=True):
            active = [i for s, e, i in mine if s <= a and (e is None or e >= a)]
            rows["child_id"].append(child)
            rows["start_date"].append(a)
            rows["stop_date"].append(b)
            rows["event"].append(int(event and b == exit_))
            rows["exposed"].append(int(bool(active)))
            known = [i for i in active if i is not None]
            rows["intensity"].append(max(known) if known else 0.0)
    intervals = pl.DataFrame(
        rows,
        schema={
            "child_id": pl.String,
            "start_date": pl.Date,
            "stop_date": pl.Date,
            "event": pl.Int64,
            "exposed": pl.Int64,
            "intensity": pl.Float64,
        },
    )
    origin = follow.select(
        pl.col("child_pseudonym").alias("child_id"),
        pl.col("birth_month") if time_scale == "age" else pl.col("entry_date").alias("birth_month"),
        *extra,
    )
    intervals = intervals.join(origin, on="child_id", how="left").with_columns(
        _years_between(pl.col("start_date"), pl.col("birth_month")).alias("start"),
        _years_between(pl.col("stop_date"), pl.col("birth_month")).alias("stop"),
    )
    return intervals.select(
        "child_id", "start", "stop", "event", "exposed", "intensity", "start_date", "stop_date",
        *extra,
    ).sort("child_id", "start")  # fmt: skip
