"""Recompute network and municipality figures from the written files only (independently
of the generator's code), to check that aggregates and truth.json agree with the case rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from monitor.periods import parse_period

HALF_YEARS = [f"{y}-H{h}" for y in range(2021, 2025) for h in (1, 2)]
MONTHS = [f"{y}-{m:02d}" for y in range(2021, 2025) for m in range(1, 13)]


def half_year_of(month: pl.Expr) -> pl.Expr:
    """``2023-07`` -> ``2023-H2``."""
    return month.str.slice(0, 4) + pl.when(month.str.slice(5, 2).cast(pl.Int32) <= 6).then(
        pl.lit("-H1")
    ).otherwise(pl.lit("-H2"))


def member_months(folder: Path) -> pl.DataFrame:
    """(network, member, month) for every window month a membership of a network (not of a
    samenwerkingsverband) is active; memberships start and end on the 1st of a month."""
    orgs = pl.read_csv(folder / "organisations.csv", infer_schema=False)
    networks = orgs.filter(pl.col("kind") == "network")["code"]
    memberships = pl.read_csv(folder / "memberships.csv", infer_schema=False).filter(
        pl.col("network").is_in(networks.implode())
    )
    rows = []
    for record in memberships.iter_rows(named=True):
        for month in MONTHS:
            first = f"{month}-01"
            if record["from"] <= first and (not record["to"] or record["to"] > first):
                rows.append((record["network"], record["member"], month))
    return pl.DataFrame(rows, schema=["network", "member", "month"], orient="row")


def child_network_months(case: pl.DataFrame, folder: Path) -> pl.DataFrame:
    """(bsn, network, month): the child attended a member school of the network that month.

    Enrolment is read from the monthly CH_ABS rows (one per child per month of enrolment)."""
    enrolled = case.filter(pl.col("indicator") == "CH_ABS").select(
        "bsn", pl.col("org").alias("member"), pl.col("date").str.slice(0, 7).alias("month")
    )
    return enrolled.join(member_months(folder), on=["member", "month"]).select(
        "bsn", "network", "month"
    )


def network_counts(case: pl.DataFrame, folder: Path) -> pl.DataFrame:
    """NW_CHILDREN, NW_SIGNAL, NW_REF, NW_CARE as (organisation, indicator, period, category,
    value) recomputed from case rows."""
    cnm = child_network_months(case, folder)
    last = cnm.filter(pl.col("month").str.slice(5, 2).is_in(["06", "12"]))
    children = last.group_by("network", half_year_of(pl.col("month")).alias("period")).agg(
        pl.col("bsn").n_unique().alias("value")
    )
    out = [children.with_columns(indicator=pl.lit("NW_CHILDREN"), category=pl.lit(None))]
    for indicator, code in (("CH_SIGNAL", "NW_SIGNAL"), ("CH_REF", "NW_REF")):
        events = case.filter((pl.col("indicator") == indicator) & pl.col("bsn").is_not_null())
        joined = events.with_columns(month=pl.col("date").str.slice(0, 7)).join(
            cnm, on=["bsn", "month"]
        )
        category = "category" if code == "NW_REF" else None
        keys = ["network", half_year_of(pl.col("month")).alias("period")]
        if category:
            keys.append("category")
        counts = joined.group_by(keys).agg(pl.col("bsn").n_unique().alias("value"))
        if not category:
            counts = counts.with_columns(category=pl.lit(None))
        out.append(counts.with_columns(indicator=pl.lit(code)))
    care = episode_months(case.filter(pl.col("indicator") == "CH_CARE"))
    care = care.join(cnm, on=["bsn", "month"])
    out.append(
        care.group_by("network", half_year_of(pl.col("month")).alias("period"), "category")
        .agg(pl.col("bsn").n_unique().alias("value"))
        .with_columns(indicator=pl.lit("NW_CARE"))
    )
    columns = ["network", "indicator", "period", "category", "value"]
    return pl.concat(
        [f.select(columns).with_columns(pl.col("category").cast(pl.String)) for f in out]
    ).rename({"network": "organisation"})


def episode_months(episodes: pl.DataFrame) -> pl.DataFrame:
    """(bsn, category, month) for each window month an episode runs."""
    rows = []
    for record in episodes.select("bsn", "category", "date", "end_date").iter_rows():
        bsn, category, start, end = record
        first, last = start[:7], (end or "2024-12-31")[:7]
        rows += [(bsn, category, m) for m in MONTHS if first <= m <= last]
    return pl.DataFrame(rows, schema=["bsn", "category", "month"], orient="row")


def overlapping(frame: pl.DataFrame, period: str) -> pl.DataFrame:
    p = parse_period(period)
    start, end = p.start.isoformat(), p.end.isoformat()
    return frame.filter(
        (pl.col("date") <= end) & (pl.col("end_date").is_null() | (pl.col("end_date") >= start))
    )


def realised_referrals(case: pl.DataFrame, folder: Path, start: str) -> dict[str, dict]:
    """Referral events and child-months per network before/after ``start`` (YYYY-MM-DD)."""
    cnm = child_network_months(case, folder)
    refs = (
        case.filter(pl.col("indicator") == "CH_REF")
        .with_columns(month=pl.col("date").str.slice(0, 7))
        .join(cnm, on=["bsn", "month"])
    )
    result = {}
    for side, keep in (
        ("before", pl.col("month") < start[:7]),
        ("after", pl.col("month") >= start[:7]),
    ):
        result[side] = {
            "referrals": refs.filter(keep).group_by("network").len(),
            "child_months": cnm.filter(keep).group_by("network").len(),
        }
    return result
