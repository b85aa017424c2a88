"""From validated frames to table rows: children first, then measurements/participation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import polars as pl
from sqlmodel import Session

from monitor.ingest import store
from monitor.ingest.formats import PARTICIPATION_INDICATOR
from monitor.ingest.read import ROW

ProgressCallback = Callable[[int, int], None]


def with_child_ids(session: Session, valid: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Insert the children seen for the first time (attributes from their first full row)."""
    complete = (
        pl.col("_birth_month").is_not_null()
        & pl.col("_sex").is_not_null()
        & pl.col("_municipality_id").is_not_null()
    )
    new = (
        valid.filter(pl.col("_child_id").is_null() & complete)
        .sort(ROW)
        .unique("_pseudonym", keep="first")
        .select(
            pseudonym="_pseudonym",
            birth_month="_birth_month",
            sex="_sex",
            municipality_id="_municipality_id",
        )
    )
    created = store.insert_children(session, new, now)
    return valid.with_columns(
        _child_id=pl.coalesce(
            "_child_id",
            pl.col("_pseudonym").replace_strict(created, default=None, return_dtype=pl.Int64),
        )
    )


def table_rows(
    session: Session, valid: pl.DataFrame, shape: str, ids: dict[str, pl.Expr], now: datetime
) -> list[tuple[store.TableSpec, pl.DataFrame]]:
    """The rows per table, named as the table's columns."""
    if shape != "case":
        rows = valid.select(
            pl.col("_about_id").alias("organisation_id"),
            pl.col("i_id").alias("indicator_id"),
            **ids,
            period_code="_period_code",
            period_start="_period_start",
            period_end="_period_end",
            category="_category",
            value="_value",
            numerator="_numerator",
            denominator="_denominator",
            source_kind="_source_kind",
            status="_status",
        )
        return [(store.AGGREGATE, rows)]
    valid = with_child_ids(session, valid, now)
    is_part = pl.col("indicator") == PARTICIPATION_INDICATOR
    parts = valid.filter(is_part).select(
        pl.col("_child_id").alias("child_id"),
        pl.col("_network_id").alias("network_id"),
        **ids,
        valid_from="_date",
        valid_to="_end_date",
        intensity="_value",
        intensity_unit=pl.lit("hours_per_month"),
    )
    cases = valid.filter(~is_part).select(
        pl.col("_child_id").alias("child_id"),
        pl.col("i_id").alias("indicator_id"),
        **ids,
        observed_on="_date",
        end_date="_end_date",
        value="_value",
        category="_category",
        end_reason="end_reason",
        source_kind="_source_kind",
    )
    return [(store.CASE, cases), (store.PARTICIPATION, parts)]


def write_batch(
    session: Session,
    valid: pl.DataFrame,
    *,
    shape: str,
    org_id: int,
    submission_id: int,
    now: datetime,
    progress: ProgressCallback | None,
) -> store.StoreCounts:
    """Write every valid row of the batch (inside the caller's transaction)."""
    counts = store.StoreCounts()
    total, done = valid.height, 0

    def step(rows: int) -> None:
        if progress:
            progress(done + rows, total)

    ids = {
        "reporting_org_id": pl.lit(org_id, pl.Int64),
        "submission_id": pl.lit(submission_id, pl.Int64),
    }
    for spec, rows in table_rows(session, valid, shape, ids, now):
        result = store.store_table(session, spec, rows, now=now, progress=step)
        done += rows.height
        counts.inserted += result.inserted
        counts.superseded += result.superseded
        counts.unchanged += result.unchanged
    if progress:
        progress(total, total)
    return counts
