"""Figures from case rows (per child): rollups per period and breakdown, care-pathway
links, each count of children published with its cell key (the sum of the children's
record keys, :mod:`monitor.disclosure`)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from monitor.disclosure import MEAN_DECIMALS, SMALL, publish_count, record_keys
from monitor.periods import period_containing
from schema import PeriodType

#: Breakdowns of a case rollup, and the age groups it uses.
BREAKDOWNS = ("category", "reporting_org_code", "sex", "age_group", "programme")
ROLLUP_STATS = ("mean", "median", "p25", "p75")


def with_record_keys(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (with ``child_id``) plus each child's record key ``_rk``."""
    return rows.with_columns(record_keys(rows["child_id"]).alias("_rk"))


def children_per_cell(rows: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Distinct children per cell of ``keys`` with the cell key (sum of their record keys
    mod 1): columns ``keys``, n_children, _key."""
    distinct = rows.unique(subset=[*keys, "child_id"])
    return distinct.group_by(list(keys)).agg(
        pl.len().cast(pl.Int64).alias("n_children"), (pl.col("_rk").sum() % 1.0).alias("_key")
    )


def publish_children(cells: pl.DataFrame, dependent: Sequence[str] = ()) -> pl.DataFrame:
    """Publish ``n_children`` of each cell (withheld or perturbed by ``_key``), and
    ``n_rows`` if there (perturbed by ``_rows_key``); the ``dependent`` columns are
    withheld with it. Adds suppressed and reason; drops the keys."""
    published, withheld = publish_count(cells["n_children"], cells["_key"])
    out = cells.with_columns(published.alias("n_children"), withheld.alias("suppressed"))
    if "n_rows" in cells.columns:  # noise of its own: rows minus children is no count
        rows, _ = publish_count(cells["n_rows"], cells["_rows_key"])
        out = out.with_columns(rows.alias("n_rows")).drop("_rows_key")
    return out.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in dependent]
        + [pl.when(pl.col("suppressed")).then(pl.lit(SMALL)).otherwise(None).alias("reason")]
    ).drop("_key")


def _age_group(rows: pl.DataFrame) -> pl.DataFrame:
    age = (pl.col("observed_on").dt.year() - pl.col("birth_month").dt.year()).clip(0, 17)
    return rows.with_columns(
        pl.when(age < 4)
        .then(pl.lit("0-3"))
        .when(age < 12)
        .then(pl.lit("4-11"))
        .otherwise(pl.lit("12-17"))
        .alias("age_group")
    )


def rollup(rows: pl.DataFrame, *, period_type: PeriodType, by: Sequence[str] = ()) -> pl.DataFrame:
    """Case rows (``child_id, observed_on, value, birth_month`` and the ``by`` columns) per
    period and breakdown: n_children (published), n_rows, mean, median, p25, p75 (rounded to
    :data:`~monitor.disclosure.MEAN_DECIMALS`), suppressed, reason."""
    schema = pl.Schema(
        {
            "period_code": pl.String,
            "period_start": pl.Date,
            **{b: pl.String for b in by},
            "n_children": pl.Float64,
            "n_rows": pl.Float64,
            **{s: pl.Float64 for s in ROLLUP_STATS},
            "suppressed": pl.Boolean,
            "reason": pl.String,
        }
    )
    if rows.is_empty():
        return pl.DataFrame(schema=schema)
    periods = {d: period_containing(d, period_type) for d in rows["observed_on"].unique()}
    rows = rows.with_columns(
        pl.col("observed_on")
        .replace_strict({d: p.code for d, p in periods.items()}, return_dtype=pl.String)
        .alias("period_code"),
        pl.col("observed_on")
        .replace_strict({d: p.start for d, p in periods.items()}, return_dtype=pl.Date)
        .alias("period_start"),
    )
    if "age_group" in by:
        rows = _age_group(rows)
    keys = ["period_code", "period_start", *by]
    rows = with_record_keys(rows).with_columns(
        record_keys(rows["child_id"], rows=True).alias("_rows_rk")
    )
    stats = rows.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("n_rows"),
        (pl.col("_rows_rk").sum() % 1.0).alias("_rows_key"),
        pl.col("value").mean().round(MEAN_DECIMALS).alias("mean"),
        pl.col("value").median().round(MEAN_DECIMALS).alias("median"),
        pl.col("value").quantile(0.25).round(MEAN_DECIMALS).alias("p25"),
        pl.col("value").quantile(0.75).round(MEAN_DECIMALS).alias("p75"),
    )
    cells = children_per_cell(rows, keys).join(stats, on=keys, how="left", nulls_equal=True)
    published = publish_children(cells, dependent=("n_rows", *ROLLUP_STATS))
    return published.select(list(schema)).cast(schema).sort(keys)


# ----------------------------------------------------------------- care pathway (Sankey)
NO_REFERRAL, NO_CARE, RUNNING = "geen_verwijzing", "geen_jeugdhulp", "loopt_nog"


def pathway_links(
    signals: pl.DataFrame, referrals: pl.DataFrame, care: pl.DataFrame
) -> pl.DataFrame:
    """Children with a signal, followed to their first referral on or after it (by
    referrer) and their first youth-care episode on or after the referral (by form of
    care) and its ending. One row per link: stage, source, target, n_children (published),
    suppressed, reason. A link's children are a subset of those reaching its source, so a
    link out of a withheld node is itself a small count and withheld too."""
    return path_links(child_paths(signals, referrals, care))


def child_paths(
    signals: pl.DataFrame,
    referrals: pl.DataFrame,
    care: pl.DataFrame,
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """Each child's path (per ``by`` group of the signals, e.g. subject and period): the
    first signal, the first referral on or after it, the first care episode on or after
    that referral. Columns: ``by``, child_id, referrer (:data:`NO_REFERRAL` when none),
    care_type (null without a referral, :data:`NO_CARE` when none), ending (null without
    care; :data:`RUNNING` while the episode runs)."""
    per_child = [*by, "child_id"]
    first_signal = signals.group_by(per_child).agg(pl.col("observed_on").min().alias("signal"))
    ref = (
        first_signal.join(referrals.select("child_id", "observed_on", "category"), on="child_id")
        .filter(pl.col("observed_on") >= pl.col("signal"))
        .sort("observed_on", "category")
        .group_by(per_child)
        .first()
        .select(
            *per_child,
            pl.col("observed_on").alias("referred"),
            pl.col("category").alias("referrer"),
        )
    )
    path = first_signal.join(ref, on=per_child, how="left", nulls_equal=True)
    episodes = (
        path.join(
            care.select("child_id", "observed_on", "end_date", "category", "end_reason"),
            on="child_id",
        )
        .filter(pl.col("referred").is_not_null() & (pl.col("observed_on") >= pl.col("referred")))
        .sort("observed_on", "category")
        .group_by(per_child)
        .first()
        .select(
            *per_child,
            pl.col("category").alias("care_type"),
            pl.when(pl.col("end_date").is_null())
            .then(pl.lit(RUNNING))
            .otherwise(pl.col("end_reason").fill_null("onbekend"))
            .alias("ending"),
        )
    )
    return (
        path.join(episodes, on=per_child, how="left", nulls_equal=True)
        .with_columns(
            pl.col("referrer").fill_null(NO_REFERRAL),
            pl.when(pl.col("referrer").is_null())
            .then(None)
            .otherwise(pl.col("care_type").fill_null(NO_CARE))
            .alias("care_type"),
        )
        .select(*per_child, "referrer", "care_type", "ending")
    )


def path_links(path: pl.DataFrame) -> pl.DataFrame:
    """The published links of children's paths (:func:`child_paths`, one row per child):
    stage, source, target, n_children (disclosure applied per link), suppressed, reason."""
    links = pl.concat(
        [
            path.select(
                pl.lit(0).alias("stage"),
                pl.lit("signaal").alias("source"),
                pl.concat_str([pl.lit("ref:"), "referrer"]).alias("target"),
                "child_id",
            ),
            path.filter(pl.col("care_type").is_not_null()).select(
                pl.lit(1).alias("stage"),
                pl.concat_str([pl.lit("ref:"), "referrer"]).alias("source"),
                pl.concat_str([pl.lit("care:"), "care_type"]).alias("target"),
                "child_id",
            ),
            path.filter(pl.col("ending").is_not_null()).select(
                pl.lit(2).alias("stage"),
                pl.concat_str([pl.lit("care:"), "care_type"]).alias("source"),
                pl.concat_str([pl.lit("end:"), "ending"]).alias("target"),
                "child_id",
            ),
        ]
    )
    schema = pl.Schema(
        {
            "stage": pl.Int32,
            "source": pl.String,
            "target": pl.String,
            "n_children": pl.Float64,
            "suppressed": pl.Boolean,
            "reason": pl.String,
        }
    )
    if links.is_empty():
        return pl.DataFrame(schema=schema)
    cells = children_per_cell(with_record_keys(links), ["stage", "source", "target"])
    return (
        publish_children(cells).select(list(schema)).cast(schema).sort("stage", "source", "target")
    )
