"""The growth-model slope difference on one generated panel (for :mod:`coverage`).

The generator writes a yearly ``CH_SEM`` score per school child (May) with a programme
effect of ``effects.wellbeing_slope_change_per_year`` points per year of exposure, where
exposure is the number of months, up to and including the measurement month, that the child
attended a member school of a network after that network's start (divided by 12). The
scores also carry a random intercept and age slope per child *and per school*.

From the written files only (case rows, ``memberships.csv``, ``truth.json``
``programme_starts``) this module builds the analysis frame with
:func:`analysis.prepare.growth_frame`, replaces its participation-based exposure by the
programme's (school x network x start, counted in whole months as the generator does), and
fits ``value ~ age + exposure_years + calendar_years`` with :func:`analysis.fit_growth`
(random intercept and age slope per child). Two standard errors of the exposure slope are
returned: the model's own, and a cluster-robust (CR1) sandwich over the child's first school,
which accounts for the school-level intercepts and slopes the child-only model leaves in the
residuals; see :func:`school_robust_se`.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from analysis import fit_growth
from analysis.prepare import growth_frame

TERM = "exposure_years"


def case_measurements(out_dir: Path) -> pl.DataFrame:
    """The generator's case parquet files as extract-style measurement rows (the school is
    the file's organisation)."""
    frames = []
    for file in sorted((out_dir / "case").glob("*.parquet")):
        rows = pl.read_parquet(
            file, columns=["bsn", "indicator", "date", "value", "birth_month", "source_kind"]
        ).filter(pl.col("indicator").is_in(["CH_SEM", "CH_ABS"]))
        frames.append(rows.with_columns(pl.lit(file.stem).alias("reporting_org_code")))
    rows = pl.concat(frames)
    return rows.filter(pl.col("bsn").is_not_null()).select(
        pl.col("bsn").alias("child_pseudonym"),
        pl.col("indicator").alias("indicator_code"),
        pl.col("date").str.to_date(strict=False).alias("observed_on"),
        pl.col("value").cast(pl.Float64, strict=False),
        (pl.col("birth_month") + "-01").str.to_date(strict=False).alias("birth_month"),
        "source_kind",
        "reporting_org_code",
        pl.lit("GM").alias("municipality_code"),
    )


def treated_school_months(out_dir: Path) -> pl.DataFrame:
    """``(school, month)`` pairs where the school belonged to a network that had started."""
    starts = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))["programme_starts"]
    members = pl.read_csv(out_dir / "memberships.csv", infer_schema=False).select(
        pl.col("network"),
        pl.col("member").alias("school"),
        pl.col("from").str.to_date(),
        pl.col("to").str.to_date(strict=False),
    )
    started = pl.DataFrame(
        {"network": list(starts), "start": [s for s in starts.values()]}
    ).with_columns(pl.col("start").str.to_date())
    months = pl.DataFrame(
        {"month": pl.date_range(pl.date(2021, 1, 1), pl.date(2024, 12, 1), "1mo", eager=True)}
    )
    return (
        members.join(started, on="network")
        .join(months, how="cross")
        .filter(
            (pl.col("month") >= pl.col("from"))
            & (pl.col("to").is_null() | (pl.col("month") < pl.col("to")))
            & (pl.col("month") >= pl.col("start"))
        )
        .select("school", "month")
        .unique()
    )


def programme_frame(out_dir: Path) -> pl.DataFrame:
    """The ``growth_frame`` of CH_SEM with programme exposure, calendar years and school."""
    rows = case_measurements(out_dir)
    frame = growth_frame(rows, "CH_SEM", None)
    treated = treated_school_months(out_dir).with_columns(pl.lit(1).alias("_t"))
    months = (
        rows.filter(pl.col("indicator_code") == "CH_ABS")
        .select(
            pl.col("child_pseudonym").alias("child_id"),
            pl.col("observed_on").dt.truncate("1mo").alias("month"),
            pl.col("reporting_org_code").alias("school"),
        )
        .unique(["child_id", "month"])
        .join(treated, on=["school", "month"], how="left")
        .filter(pl.col("_t") == 1)
        .select("child_id", "month")
    )
    exposure = (
        frame.select("child_id", "observed_on")
        .unique()
        .join(months, on="child_id", how="inner")
        .filter(pl.col("month") <= pl.col("observed_on").dt.truncate("1mo"))
        .group_by("child_id", "observed_on")
        .agg((pl.len() / 12).alias("programme_years"))
    )
    first_school = (
        frame.sort("observed_on")
        .group_by("child_id")
        .agg(pl.col("reporting_org_code").first().alias("school"))
    )
    return (
        frame.join(exposure, on=["child_id", "observed_on"], how="left")
        .join(first_school, on="child_id", how="left")
        .with_columns(
            pl.col("programme_years").fill_null(0.0).alias(TERM),
            ((pl.col("observed_on") - pl.date(2021, 1, 1)).dt.total_days() / 365.25).alias(
                "calendar_years"
            ),
        )
        .drop("programme_years")
    )


def fit_slope_difference(out_dir: Path, *, school_terms: bool = True) -> dict[str, float]:
    """Estimate and 95% interval of the programme's score change per year of exposure.

    With ``school_terms`` (the study's specification) the fixed part has an intercept and an
    age slope per school at the measurement (``reporting_org_code`` and ``age`` x school),
    the generator's school intercepts and slopes; without them only the child random
    effects carry the clustering (the specification that under-covers, kept to show why).
    """
    frame = programme_frame(out_dir)
    covariates = [TERM, "calendar_years"]
    if school_terms:
        schools = frame["reporting_org_code"].unique().sort().to_list()[1:]
        frame = frame.with_columns(
            (pl.col("age") * (pl.col("reporting_org_code") == s)).alias(f"age_at_{s}")
            for s in schools
        )
        covariates += ["reporting_org_code", *(f"age_at_{s}" for s in schools)]
    result = fit_growth(frame, outcome="value", time="age", covariates=covariates)
    row = result.term(TERM)
    return {
        "estimate": float(row["estimate"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "children": int(result.n_children),
        "schools": int(frame["reporting_org_code"].n_unique()),
    }
