"""Child x measurement frames of a score, with exposure, for the growth models."""

from __future__ import annotations

from datetime import date

import polars as pl

from analysis.prepare.extracts import (
    Extract,
    _measurements,
    _participation,
    _require_measurement_columns,
    _years_between,
    indicator_rows,
)
from analysis.prepare.programme import ATTENDANCE, programme_years

# --------------------------------------------------------------------------- growth


def growth_frame(
    measurements: pl.DataFrame | Extract,
    indicator: str = "CH_SEM",
    participation: pl.DataFrame | None = None,
    *,
    source_kind: str | None = None,
    version: int | None = None,
    programme: pl.DataFrame | None = None,
    attendance: str = ATTENDANCE,
) -> pl.DataFrame:
    """Child x measurement rows of a score, with time, age and programme exposure.

    Parameters
    ----------
    measurements : polars.DataFrame or Extract
        An extract's ``measurements.parquet`` (or the :class:`Extract`).
    indicator : str
        The score's indicator code (default ``CH_SEM``, social-emotional development).
    participation : polars.DataFrame, optional
        An extract's ``participation.parquet`` (taken from the Extract when omitted).
    source_kind, version : optional
        Which source kind / definition version when the rows hold several.
    programme : polars.DataFrame, optional
        Periods in which schools took part in a school-level programme
        (:func:`analysis.prepare.programme_schools`: ``school, from, to``). Adds
        ``programme_years``: the months, up to and including the measurement's, in which
        the child attended such a school (an ``attendance`` record there), divided by 12.
    attendance : str
        The indicator with one row per pupil-month at the school (default ``CH_ABS``).

    Returns
    -------
    polars.DataFrame
        ``child_id, observed_on, wave, time, age, value, exposed, intensity,
        exposure_years, network_code, calendar_years, sex, municipality_code,
        reporting_org_code`` (and ``programme_years``) sorted by child and date. ``time``
        is years since the child's first measurement of the indicator, ``age`` years since
        the birth month, ``exposed`` 1 when a participation period covers the measurement
        date, ``intensity`` its intensity (0 when not exposed), ``exposure_years`` the
        years of participation before the measurement.
        For :func:`analysis.fit_growth` with ``time="time"`` (or ``"age"``),
        ``child="child_id"``, ``exposure="exposed"``. ``calendar_years`` is the date in
        years since 1 January 2000 (for a secular trend), ``reporting_org_code`` the school
        (``school_effects=`` of :func:`analysis.fit_growth`).
    """
    what = "growth frame"
    rows = indicator_rows(
        measurements, indicator, what=what, source_kind=source_kind, version=version
    )
    _require_measurement_columns(rows, ["value", "birth_month"], what)
    extra = [c for c in ("sex", "municipality_code", "reporting_org_code") if c in rows.columns]
    frame = (
        rows.filter(pl.col("value").is_not_null())
        .select(
            pl.col("child_pseudonym").alias("child_id"),
            "observed_on",
            pl.col("value").cast(pl.Float64),
            pl.col("birth_month").cast(pl.Date),
            *extra,
        )
        .sort("child_id", "observed_on")
        .with_row_index("_row")
    )
    frame = frame.with_columns(
        (pl.col("observed_on").rank("ordinal").over("child_id")).cast(pl.Int64).alias("wave"),
        _years_between(pl.col("observed_on"), pl.col("observed_on").min().over("child_id")).alias(
            "time"
        ),
        _years_between(pl.col("observed_on"), pl.col("birth_month")).alias("age"),
    )
    part = _participation(participation, measurements)
    exposure = _exposure_at(frame, part)
    frame = frame.join(exposure, on="_row", how="left").with_columns(
        pl.col("exposed").fill_null(0),
        pl.col("intensity").fill_null(0.0),
        pl.col("exposure_years").fill_null(0.0),
    )
    frame = frame.with_columns(
        _years_between(pl.col("observed_on"), pl.lit(date(2000, 1, 1))).alias("calendar_years")
    )
    columns = ["child_id", "observed_on", "wave", "time", "age", "value", "exposed",
               "intensity", "exposure_years", "network_code", "calendar_years", *extra]  # fmt: skip
    if programme is not None:
        frame = frame.with_columns(
            programme_years(frame, _measurements(measurements), programme, attendance=attendance)
        )
        columns.append("programme_years")
    return frame.select(columns)


def _exposure_at(frame: pl.DataFrame, part: pl.DataFrame | None) -> pl.DataFrame:
    """Per ``_row`` of ``frame`` (child_id, observed_on): exposed, intensity, exposure_years,
    network_code from the participation periods."""
    schema = {
        "_row": pl.UInt32,
        "exposed": pl.Int64,
        "intensity": pl.Float64,
        "exposure_years": pl.Float64,
        "network_code": pl.String,
    }
    if part is None or part.height == 0:
        return pl.DataFrame(schema=schema)
    network = pl.col("network_code") if "network_code" in part.columns else pl.lit(None)
    p = part.select(
        pl.col("child_pseudonym").alias("child_id"),
        "valid_from",
        "valid_to",
        "intensity",
        network.cast(pl.String).alias("network_code"),
    )
    joined = frame.select("_row", "child_id", "observed_on").join(p, on="child_id", how="inner")
    covers = (pl.col("valid_from") <= pl.col("observed_on")) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("observed_on"))
    )
    until = pl.min_horizontal(pl.col("observed_on"), pl.col("valid_to").fill_null(date.max))
    joined = joined.with_columns(
        covers.alias("_covers"),
        pl.max_horizontal(_years_between(until, pl.col("valid_from")), pl.lit(0.0)).alias("_yrs"),
    )
    return (
        joined.group_by("_row")
        .agg(
            pl.col("_covers").any().cast(pl.Int64).alias("exposed"),
            pl.col("intensity").filter(pl.col("_covers")).max().alias("intensity"),
            pl.col("_yrs").sum().alias("exposure_years"),
            pl.col("network_code").filter(pl.col("_covers")).first().alias("network_code"),
        )
        .with_columns(pl.col("_row").cast(pl.UInt32))
        .select(list(schema))
    )
