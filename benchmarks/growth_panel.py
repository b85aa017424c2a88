"""The growth-model slope difference on one generated panel (for :mod:`coverage`).

The generator writes a yearly ``CH_SEM`` score per school child (May):
``60 + u0_i + v0_s + (0.8 + u1_i + v1_s)(age - 10) - 0.6 x calendar years
+ effects.wellbeing_slope_change_per_year x programme years + N(0, 4²)``, clipped to 0-100
and rounded to 0.1, with a random intercept and age slope per child (``u``) and per school
(``v``, the school at the measurement), where programme years are the months, up to and
including the measurement month, that the child attended a member school of a network
after that network's start, divided by 12.

From the written files only (case rows as extract-style measurements, ``memberships.csv``,
``events.csv``) this module builds the frame with the platform's own preparers
(:func:`analysis.prepare.growth_frame` with ``programme=``
:func:`analysis.prepare.programme_schools`) and fits the study file
``growth_programme.yaml`` through :func:`analysis.study.run_study` (what ``monitor analyse
growth`` runs): ``value ~ age + programme_years + calendar_years + C(school) +
C(school):age`` with a random intercept and age slope per child, REML, fast path. The
school terms are needed because school intercepts and slopes change when a child changes
school (secondary school at 12, moves) and would otherwise load onto the programme term
(see :mod:`coverage`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analysis.prepare import growth_frame, programme_schools, programme_starts
from analysis.study import load_config, run_study

TERM = "programme_years"
STUDY = Path(__file__).resolve().parent / "growth_programme.yaml"


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


def programme_frame(out_dir: Path) -> pl.DataFrame:
    """The ``growth_frame`` of CH_SEM with ``programme_years`` (and ``calendar_years``)."""
    memberships = pl.read_csv(out_dir / "memberships.csv", infer_schema=False)
    schools = programme_schools(memberships, programme_starts(out_dir / "events.csv"))
    return growth_frame(case_measurements(out_dir), "CH_SEM", None, programme=schools)


def fit_slope_difference(out_dir: Path, *, school_terms: bool = True) -> dict[str, float]:
    """Estimate and 95% interval of the programme's score change per year of exposure.

    ``school_terms=False`` drops ``school_effects`` from the study (only the child random
    effects carry the clustering: the specification that under-covers, kept to show why).
    """
    frame = programme_frame(out_dir)
    study = load_config(STUDY)
    if not school_terms:
        study.pop("school_effects")
    result = run_study(study, frame)
    row = result.term(TERM)
    return {
        "estimate": float(row["estimate"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "children": int(result.n_children),
        "schools": int(frame["reporting_org_code"].n_unique()),
        "converged": bool(result.converged),
    }
