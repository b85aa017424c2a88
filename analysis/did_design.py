"""How :func:`analysis.did.fit_did` adapts to the data: staggered starts and few clusters.

- :func:`staggered_did` - programme units that start in different periods get the
  Callaway & Sant'Anna estimator (:mod:`analysis.staggered`) instead of two-way fixed
  effects, with the reason in the notes;
- :func:`wild_did` - with fewer than ~30 clusters the ``did`` p-value and interval come from
  the wild cluster bootstrap (:mod:`analysis.wild_bootstrap`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl

from analysis.starts import starts_from_post
from monitor.errors import ModelFitError

FEW_CLUSTERS = 30
MODEL = "difference-in-differences"


def timing_check(frame, design, outcome, unit, period, treated, post, covariates, notes):
    """Staggered starts: refuse ``2x2``, warn for ``twfe``, else fit Callaway & Sant'Anna
    (returned); None when ``fit_did`` goes on with its own regression."""
    if unit is not None:
        starts, gap = starts_from_post(frame, unit=unit, period=period, treated=treated, post=post)
        cohorts = sorted(set(starts.values()))
        if len(cohorts) > 1:
            more = ", ..." if len(cohorts) > 6 else ""
            timing = (
                f"the programme units start in {len(cohorts)} different periods "
                f"({', '.join(str(c) for c in cohorts[:6])}{more})"
            )
            if design == "2x2":
                raise ModelFitError(
                    f"{MODEL}: design='2x2' needs one common start, but {timing}; use "
                    "design='staggered' (Callaway & Sant'Anna, the default for staggered "
                    "starts) or the event_study model"
                )
            if design != "twfe":
                return staggered_did(
                    frame, starts, gap, timing, outcome, unit, period, covariates, notes
                )
            notes.append(
                f"{timing}: two-way fixed effects then also compares late starters with "
                "units already treated and is biased when effects change over time "
                "(Goodman-Bacon, 2021); design='staggered' avoids this"
            )
    if design == "staggered":
        raise ModelFitError(
            f"{MODEL}: design='staggered' needs a unit column and programme units that start "
            "in different periods; with one common start use design='twfe' or '2x2'"
        )
    return None


def staggered_did(frame, starts, gap, timing, outcome, unit, period, covariates, notes):
    """Callaway & Sant'Anna on a staggered panel; the overall effect also as ``did``."""
    from analysis.staggered import fit_staggered

    data = frame.with_columns(
        pl.col(unit).replace_strict(starts, default=None, return_dtype=frame[period].dtype)
        .alias("_start")
    )  # fmt: skip
    never = bool(data["_start"].is_null().any())
    why = [
        f"{timing}, so the heterogeneity-robust Callaway & Sant'Anna estimator is used instead "
        "of two-way fixed effects (design='twfe' forces TWFE)"
    ]
    if not never:
        why.append("no unit stays without the programme: compared with not-yet-started units")
    if gap:
        why.append(
            "the period in which a programme starts part-way is not in the data, so each "
            "cohort is compared with the period before that one (anticipation = 1)"
        )
    result = fit_staggered(
        data,
        outcome=outcome,
        unit=unit,
        period=period,
        start="_start",
        comparison="never" if never else "not_yet",
        covariates=covariates,
        anticipation=1 if gap else 0,
    )
    head = result.estimates.filter(pl.col("term") == "att").with_columns(
        pl.lit("did").alias("term")
    )
    return replace(
        result,
        estimates=pl.concat([head, result.estimates]),
        notes=(*why, *notes, *(n for n in result.notes if n not in notes)),
    )


def wild_did(estimates, pdf, design, outcome, treated, post, covariates, unit, period,
              cluster, n_clusters):  # fmt: skip
    """Replace the ``did`` p-value and interval by the wild cluster bootstrap's."""
    import pandas as pd

    from analysis.fixed_effects import absorb
    from analysis.wild_bootstrap import wild_cluster_test

    values = pdf[[outcome, "_did", *covariates]].to_numpy(dtype=float)
    if design == "2x2":
        base = np.column_stack([np.ones(len(pdf)), pdf[[treated, post]].to_numpy(dtype=float)])
        base = np.column_stack([base, values[:, 2:]])

        def partial_out(m: np.ndarray) -> np.ndarray:
            return m - base @ np.linalg.lstsq(base, m, rcond=None)[0]
    else:
        codes = [pd.factorize(pdf[unit])[0], pd.factorize(pdf[period])[0]]
        z = absorb(values[:, 2:], codes) if covariates else None

        def partial_out(m: np.ndarray) -> np.ndarray:
            m = absorb(m, codes)
            return m if z is None else m - z @ np.linalg.lstsq(z, m, rcond=None)[0]

    y, x = partial_out(values[:, :2]).T
    wild = wild_cluster_test(y, x, pdf[cluster].astype(str).to_numpy(), partial_out)
    estimates = estimates.with_columns(
        pl.when(pl.col("term") == "did").then(pl.lit(wild.p_value)).otherwise(pl.col("p_value"))
        .alias("p_value"),
        pl.when(pl.col("term") == "did").then(pl.lit(wild.ci_low)).otherwise(pl.col("ci_low"))
        .alias("ci_low"),
        pl.when(pl.col("term") == "did").then(pl.lit(wild.ci_high)).otherwise(pl.col("ci_high"))
        .alias("ci_high"),
    )  # fmt: skip
    how = f"all {wild.draws} sign patterns" if wild.enumerated else f"{wild.draws} random draws"
    note = (
        f"only {n_clusters} clusters: cluster-robust standard errors are too small with fewer "
        f"than ~{FEW_CLUSTERS}, so the p-value and 95% interval of did come from the "
        f"restricted wild cluster bootstrap (Rademacher signs, {how}; Cameron, Gelbach & "
        "Miller, 2008); the standard error shown is the cluster-robust one"
    )
    return estimates, note
