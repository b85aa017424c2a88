"""Programme start columns as researchers code them: which value means "never started".

R's ``did`` package codes the start period in ``first.treat`` with 0 for units that never
start; other sources leave the cell empty, write ``NA`` or ``Inf``. A start read literally
as "period 0" turns every never-treated unit into one treated since before the data begin,
so the coding is recognised explicitly and named in the report.
"""

from __future__ import annotations

import math

import polars as pl

from monitor.errors import ModelFitError

NEVER_TEXT = {"", "na", "nan", "inf", "never", "none", "."}


def normalise_starts(
    starts: pl.Series, periods: pl.Series, *, model: str, never: object = "auto"
) -> tuple[pl.Series, str]:
    """The start column with every "never started" code as null, and the coding found.

    Parameters
    ----------
    starts : polars.Series
        One start per row (period of the first programme period).
    periods : polars.Series
        The period column (to tell a start code 0 from a real period 0).
    never : "auto" or a value
        The value meaning never started; "auto" accepts null/empty/NA, Inf and - when 0 is
        not itself a period in the data - 0 (R ``did``'s ``first.treat`` coding).

    Returns
    -------
    (polars.Series, str)
        The starts (null = never) and a sentence naming the coding that was used.
    """
    name = starts.name
    found: list[str] = []
    values = starts
    if values.dtype == pl.String:
        lowered = values.str.strip_chars().str.to_lowercase()
        text_never = lowered.is_in(list(NEVER_TEXT))
        if text_never.any():
            found.append("empty/NA text")
        values = pl.Series(
            name, [None if t else v for v, t in zip(values, text_never, strict=True)]
        )
        as_number = values.cast(pl.Float64, strict=False)
        if as_number.null_count() == values.null_count():
            values = as_number
    if values.null_count() and "empty/NA text" not in found:
        found.append("empty (null)")
    if values.dtype.is_float():
        infinite = values.is_infinite().fill_null(False) | values.is_nan().fill_null(False)
        if infinite.any():
            found.append("Inf/NaN")
            values = values.set(infinite, None)
    if never != "auto":
        hit = (values == never).fill_null(False)
        if hit.any():
            found.append(repr(never))
            values = values.set(hit, None)
    elif values.dtype.is_numeric() and (values == 0).fill_null(False).any():
        if _has_period_zero(periods):
            raise ModelFitError(
                f"{model}: {name!r} holds 0 and 0 is also a period in the data, so it is "
                "unclear whether 0 means 'never started' (as in R's did package) or a start "
                "in period 0; say which with never=0 or code never-started units as empty"
            )
        found.append("0 (R did's first.treat coding)")
        values = values.set((values == 0).fill_null(False), None)
    if values.dtype.is_float() and periods.dtype.is_integer():
        whole = values.drop_nulls()
        if whole.len() and bool(((whole - whole.round()).abs() < 1e-9).all()):
            values = values.cast(pl.Int64)
    coding = (
        f"never-started units in {name!r} coded as {' and '.join(found)}"
        if found
        else f"every unit in {name!r} has a start (no never-started units)"
    )
    return values.alias(name), coding


def _has_period_zero(periods: pl.Series) -> bool:
    if periods.dtype.is_numeric():
        return bool((periods == 0).any())
    return False


def is_finite_start(value: object) -> bool:
    """True for a start value (not null, not NaN/Inf)."""
    if value is None:
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def starts_from_post(
    frame: pl.DataFrame, *, unit: str, period: str, treated: str, post: str
) -> tuple[dict, bool]:
    """Each programme unit's first post period (from 0/1 ``treated``/``post`` columns) and
    whether a unit misses the period just before it (a part-way start left out)."""
    from analysis.base import period_index

    index, labels = period_index(frame[period])
    rows = frame.select(unit, treated, post).with_columns(index.alias("_t"))
    first = (
        rows.filter((pl.col(treated) == 1) & (pl.col(post) == 1))
        .group_by(unit)
        .agg(pl.col("_t").min().alias("_start"))
    )
    start = dict(zip(first[unit].to_list(), first["_start"].to_list(), strict=True))
    seen = set(zip(rows[unit].to_list(), rows["_t"].to_list(), strict=True))
    gap = any((u, s - 1) not in seen and (u, s - 2) in seen for u, s in start.items())
    return {u: labels[s] for u, s in start.items()}, gap
