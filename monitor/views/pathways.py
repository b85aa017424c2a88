"""The care pathway signal -> referral -> care type -> ending of one period (Sankey)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlmodel import Session

from monitor.disclosure import apply_disclosure
from monitor.periods import parse_period
from monitor.policy import Principal
from monitor.query import (
    case_rows_in_scope,
)

# ----------------------------------------------------------------- care pathway (Sankey)
NO_REFERRAL, NO_CARE, RUNNING = "geen_verwijzing", "geen_jeugdhulp", "loopt_nog"


def care_pathway_flows(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    period_code: str,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """Children with a concern signalled in the period, followed to their first referral
    after the signal (by referrer), the first youth-care episode after the referral (by
    form of care) and how it ended. One row per link: stage, source, target, n_children,
    suppressed (links out of one node are checked together, as they add up)."""
    period = parse_period(period_code)
    # a referral follows the signal and care follows the referral, so rows that started
    # before the period can never be part of a path: only later ones are read
    common = dict(organisation_code=organisation_code, as_of=as_of, started_from=period.start)
    signals = case_rows_in_scope(
        session, principal, indicator_code="CH_SIGNAL", date_to=period.end, **common
    )
    referrals = case_rows_in_scope(session, principal, indicator_code="CH_REF", **common)
    care = case_rows_in_scope(session, principal, indicator_code="CH_CARE", **common)
    return pathway_links(signals, referrals, care)


def pathway_links(
    signals: pl.DataFrame, referrals: pl.DataFrame, care: pl.DataFrame
) -> pl.DataFrame:
    """The link counts of :func:`care_pathway_flows` from its three frames of case rows
    (``child_id, observed_on, end_date, category, end_reason``), disclosure applied."""
    first_signal = signals.group_by("child_id").agg(pl.col("observed_on").min().alias("signal"))
    ref = (
        first_signal.join(referrals.select("child_id", "observed_on", "category"), on="child_id")
        .filter(pl.col("observed_on") >= pl.col("signal"))
        .sort("observed_on")
        .group_by("child_id")
        .first()
        .select(
            "child_id",
            pl.col("observed_on").alias("referred"),
            pl.col("category").alias("referrer"),
        )
    )
    path = first_signal.join(ref, on="child_id", how="left")
    episodes = (
        path.join(
            care.select("child_id", "observed_on", "end_date", "category", "end_reason"),
            on="child_id",
        )
        .filter(pl.col("referred").is_not_null() & (pl.col("observed_on") >= pl.col("referred")))
        .sort("observed_on")
        .group_by("child_id")
        .first()
        .select(
            "child_id",
            pl.col("category").alias("care_type"),
            pl.when(pl.col("end_date").is_null())
            .then(pl.lit(RUNNING))
            .otherwise(pl.col("end_reason").fill_null("onbekend"))
            .alias("ending"),
        )
    )
    path = path.join(episodes, on="child_id", how="left").with_columns(
        pl.col("referrer").fill_null(NO_REFERRAL),
        pl.when(pl.col("referrer").is_null())
        .then(None)
        .otherwise(pl.col("care_type").fill_null(NO_CARE))
        .alias("care_type"),
    )
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
    counts = (
        links.group_by("stage", "source", "target")
        .agg(pl.col("child_id").n_unique().alias("n_children"))
        .sort("stage", "source", "target")
    )
    flows = apply_disclosure(counts, count_column="n_children", group_by=("stage", "source"))
    # A node whose inflow is partly withheld must not publish its outflow either: the sum
    # of what leaves it would give back what was withheld on the way in.
    for stage in (1, 2):
        hidden = flows.filter((pl.col("stage") == stage - 1) & pl.col("suppressed"))["target"]
        cascade = (pl.col("stage") == stage) & pl.col("source").is_in(hidden.implode())
        flows = flows.with_columns(
            (pl.col("suppressed") | cascade).alias("suppressed"),
            pl.when(cascade).then(None).otherwise(pl.col("n_children")).alias("n_children"),
        )
    return flows.with_columns(pl.col("n_children").cast(pl.Float64))
