"""Exposure to a school-level programme: time spent at a school of a network that had started.

A network's programme reaches every child at its member schools from the network's start.
A child's exposure at a measurement is then the number of months, up to and including the
measurement's month, in which the child attended a member school of a started network; the
months a child attended a school are the months with an attendance record there (by default
the monthly absence percentage ``CH_ABS``, which the school reports for every pupil-month).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from monitor.errors import ModelFitError

ATTENDANCE = "CH_ABS"


def programme_schools(memberships: pl.DataFrame, starts: Mapping[str, date | str]) -> pl.DataFrame:
    """Periods in which a school belonged to a network whose programme had started.

    Parameters
    ----------
    memberships : polars.DataFrame
        ``network, member, from, to`` (the ingest format's ``memberships.csv``; ``to`` empty
        while the membership lasts), dates as ISO strings or dates.
    starts : mapping
        Programme start per network (:func:`analysis.prepare.programme_starts`).

    Returns
    -------
    polars.DataFrame
        ``school, network, from, to``: from the later of joining and the start, to the end of
        the membership (exclusive, null while it lasts); networks that never started are left
        out.
    """
    missing = [c for c in ("network", "member", "from", "to") if c not in memberships.columns]
    if missing:
        raise ModelFitError(
            f"memberships: missing column(s) {', '.join(missing)}; expected network, member, "
            "from, to"
        )
    started = pl.DataFrame(
        {"network": [str(k) for k in starts], "start": [str(v)[:10] for v in starts.values()]},
        schema={"network": pl.String, "start": pl.String},
    ).with_columns(pl.col("start").str.to_date())
    rows = memberships.select(
        pl.col("network").cast(pl.String),
        pl.col("member").cast(pl.String).alias("school"),
        _as_date("from"),
        _as_date("to"),
    )
    return (
        rows.join(started, on="network", how="inner")
        .select(
            "school",
            "network",
            pl.max_horizontal("from", "start").alias("from"),
            "to",
        )
        .filter(pl.col("to").is_null() | (pl.col("from") < pl.col("to")))
        .sort("school", "from")
    )


def _as_date(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String).str.slice(0, 10)
    return pl.when(text == "").then(None).otherwise(text).str.to_date().alias(column)


def programme_years(
    frame: pl.DataFrame,
    measurements: pl.DataFrame,
    schools: pl.DataFrame,
    *,
    attendance: str = ATTENDANCE,
) -> pl.Series:
    """Years of programme exposure (months / 12) at each row of a growth ``frame``.

    ``measurements`` holds the attendance rows (``child_pseudonym, indicator_code,
    observed_on, reporting_org_code``), ``schools`` the periods of
    :func:`programme_schools`. A month counts when the child has an ``attendance`` record at
    a school in one of its periods (start month included) and the month is not after the
    measurement's month.
    """
    rows = measurements.filter(pl.col("indicator_code") == attendance)
    if rows.height == 0:
        raise ModelFitError(
            f"growth frame: programme exposure needs the attendance indicator {attendance!r} "
            "(one row per pupil-month at the school); extract it too"
        )
    if "reporting_org_code" not in rows.columns:
        raise ModelFitError("growth frame: programme exposure needs reporting_org_code")
    months = (
        rows.select(
            pl.col("child_pseudonym").alias("child_id"),
            pl.col("observed_on").cast(pl.Date).dt.truncate("1mo").alias("month"),
            pl.col("reporting_org_code").alias("school"),
        )
        .unique(["child_id", "month"])
        .join(schools.select("school", "from", "to"), on="school", how="inner")
        .filter(
            (pl.col("month") >= pl.col("from").dt.truncate("1mo"))
            & (pl.col("to").is_null() | (pl.col("month") < pl.col("to")))
        )
        .select("child_id", "month")
        .unique()
    )
    keys = frame.select("child_id", "observed_on").with_row_index("_key")
    counted = (
        keys.join(months, on="child_id", how="inner")
        .filter(pl.col("month") <= pl.col("observed_on").dt.truncate("1mo"))
        .group_by("_key")
        .agg((pl.len() / 12).alias("programme_years"))
    )
    years = keys.join(counted, on="_key", how="left").sort("_key")["programme_years"]
    return years.fill_null(0.0).alias("programme_years")
