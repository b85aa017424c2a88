"""Disclosure control for every non-researcher result (CBS practice).

* Primary suppression: a count of children from 1 up to (not including) the threshold
  (default 10) is withheld; zero is shown (it identifies nobody).
* Anything computed from a suppressed count (a rate, a mean over those children) is
  withheld with it.
* Secondary suppression: where a group's cells add up to a published total, a single
  withheld cell could be recovered by subtraction, so the next-smallest cell in that group
  is withheld too.
* Optional rounding of published counts to multiples of ``rounding`` (5 in CBS tables).

The functions work on polars frames and add a boolean ``suppressed`` column; withheld
values become null, and :func:`display_value` renders them as ``< 10``.
"""

from __future__ import annotations

import polars as pl

from monitor.settings import get_settings


def primary_mask(counts: pl.Expr, threshold: int) -> pl.Expr:
    """True where a count of children is small enough to identify someone."""
    return (counts > 0) & (counts < threshold)


def apply_disclosure(
    frame: pl.DataFrame,
    *,
    count_column: str,
    dependent_columns: tuple[str, ...] = (),
    group_by: tuple[str, ...] = (),
    threshold: int | None = None,
    rounding: int | None = None,
    round_columns: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """Suppress small counts in ``count_column`` and everything derived from them.

    Parameters
    ----------
    frame
        One row per published cell.
    count_column
        The number of children behind each cell.
    dependent_columns
        Columns computed from those children (values, rates, means): nulled with the count.
    group_by
        Cells that together add up to a published total (e.g. organisation + period across
        categories); secondary suppression works within each such group.
    threshold, rounding
        Default to the ``DISCLOSURE_THRESHOLD`` and ``DISCLOSURE_ROUNDING`` settings.
    round_columns
        Count columns to round (default: ``count_column`` only).
    """
    settings = get_settings()
    threshold = settings.disclosure_threshold if threshold is None else threshold
    rounding = settings.disclosure_rounding if rounding is None else rounding
    if frame.is_empty():
        return frame.with_columns(pl.lit(False).alias("suppressed"))
    counts = pl.col(count_column).fill_null(0)
    out = frame.with_columns(primary_mask(counts, threshold).alias("suppressed"))
    if group_by:
        out = _secondary(out, count_column, list(group_by))
    nulled = [count_column, *dependent_columns]
    out = out.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in nulled]
    )
    if rounding and rounding > 1:
        to_round = round_columns if round_columns is not None else (count_column,)
        out = out.with_columns(
            [((pl.col(c) / rounding).round(0) * rounding).alias(c) for c in to_round]
        )
    return out


def _secondary(frame: pl.DataFrame, count_column: str, group_by: list[str]) -> pl.DataFrame:
    """Within each group with exactly one withheld cell, withhold the next-smallest too."""
    ranked = frame.with_row_index("_row").with_columns(
        pl.col("suppressed").sum().over(group_by).alias("_n_suppressed"),
        pl.len().over(group_by).alias("_n_cells"),
        pl.when(pl.col("suppressed") | (pl.col(count_column).fill_null(0) <= 0))
        .then(None)
        .otherwise(pl.col(count_column))
        .rank("ordinal")
        .over(group_by)
        .alias("_rank"),
    )
    extra = (pl.col("_n_suppressed") == 1) & (pl.col("_n_cells") > 1) & (pl.col("_rank") == 1)
    return ranked.with_columns(
        (pl.col("suppressed") | extra.fill_null(False)).alias("suppressed")
    ).drop("_row", "_n_suppressed", "_n_cells", "_rank")


def display_value(
    value: float | None,
    suppressed: bool,
    *,
    decimals: int = 1,
    threshold: int | None = None,
    language: str = "nl",
) -> str:
    """Render a published value Dutch-style (``1.234,5``); withheld cells as ``< 10``."""
    if suppressed:
        limit = get_settings().disclosure_threshold if threshold is None else threshold
        return f"< {limit}"
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if language == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text
