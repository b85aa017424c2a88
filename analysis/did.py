"""Difference-in-differences against comparison networks.

:func:`fit_did` estimates the classic 2x2 contrast

.. math:: y_{it} = \\beta_0 + \\beta_1 \\mathrm{treated}_i + \\beta_2 \\mathrm{post}_t
          + \\delta\\, \\mathrm{treated}_i \\mathrm{post}_t + \\varepsilon_{it}

or its two-way fixed-effects (TWFE) form :math:`y_{it} = \\alpha_i + \\lambda_t +
\\delta D_{it}` (Angrist & Pischke, 2009, ch. 5), with standard errors clustered by network
(Bertrand, Duflo & Mullainathan, 2004).

:func:`fit_did` checks the timing first (:mod:`analysis.did_design`): when the programme
units start in different periods it fits Callaway & Sant'Anna (2021) instead of TWFE
(``design="auto"``, the default), refuses ``design="2x2"`` and warns for ``design="twfe"``;
with fewer than ~30 clusters the ``did`` p-value and interval come from the wild cluster
bootstrap. The event study around staggered starts is :mod:`analysis.event_study`.

References
----------
Card, D., & Krueger, A. B. (1994). Minimum wages and employment: a case study of the
fast-food industry in New Jersey and Pennsylvania. *American Economic Review*, 84(4),
772-793.
Angrist, J. D., & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*. Princeton UP.
Bertrand, M., Duflo, E., & Mullainathan, S. (2004). How much should we trust
differences-in-differences estimates? *Quarterly Journal of Economics*, 119(1), 249-275.
Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust
inference. *Journal of Human Resources*, 50(2), 317-372.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl
import statsmodels.formula.api as smf

from analysis.base import (
    ModelResult,
    capture_warnings,
    ci_text,
    drop_missing,
    estimates_frame,
    fmt,
    require_binary,
    require_clusters,
    require_columns,
    require_variation,
    safe_name,
    significance_note,
    to_pandas,
    warning_notes,
)
from analysis.did_design import FEW_CLUSTERS, timing_check, wild_did
from analysis.fixed_effects import fit_within
from monitor.errors import ModelFitError

MODEL = "difference-in-differences"
CovType = Literal["cluster", "HC1", "nonrobust"]


def cov_args(cov_type: CovType, pdf, cluster: str | None) -> dict:
    """The statsmodels ``fit`` arguments of a covariance type (clusters: t with G - 1 df)."""
    if cov_type == "cluster":
        # t reference with G - 1 degrees of freedom (Cameron & Miller, 2015)
        return {
            "cov_type": "cluster",
            "cov_kwds": {"groups": pdf[cluster].astype(str)},
            "use_t": True,
        }
    if cov_type == "HC1":
        return {"cov_type": "HC1"}
    return {}


def fit_did(
    data: pl.DataFrame,
    *,
    outcome: str = "value",
    unit: str | None = "network_id",
    period: str = "period",
    treated: str = "treated",
    post: str = "post",
    design: Literal["auto", "2x2", "twfe", "staggered"] = "auto",
    cluster: str | None = None,
    cov_type: CovType = "cluster",
    covariates: Sequence[str] = (),
) -> ModelResult:
    """Difference-in-differences: 2x2 regression or two-way fixed effects.

    Parameters
    ----------
    data : polars.DataFrame
        One row per unit (network) per period, or per observation within them.
    outcome : str
        Numeric outcome.
    unit : str, optional
        Unit column (network, municipality); fixed effects in ``twfe`` and the default
        cluster. May be None for a ``2x2`` design without clustering.
    period : str
        Period column; fixed effects in ``twfe``.
    treated : str
        0/1: the unit belongs to the programme group.
    post : str
        0/1: the period is after the programme start.
    design : {"auto", "2x2", "twfe", "staggered"}
        ``2x2`` = ``outcome ~ treated + post + treated:post``; ``twfe`` = unit and period
        fixed effects with ``treated*post``; ``staggered`` = Callaway & Sant'Anna (2021)
        group-time effects (:func:`analysis.staggered.fit_staggered`, doubly robust,
        multiplier bootstrap), whose overall effect is the ``did`` term. ``auto`` (default):
        ``staggered`` when the programme units start in different periods, else ``twfe``.
        ``2x2`` on staggered starts is refused.
    cluster : str, optional
        Cluster column for robust errors (default ``unit``).
    cov_type : {"cluster", "HC1", "nonrobust"}
        Standard errors: clustered (default), heteroskedasticity-robust, or classical.
    covariates : sequence of str
        Further fixed-effect columns.

    Returns
    -------
    ModelResult
        The ``did`` term is the difference-in-differences estimate.

    Raises
    ------
    ModelFitError
        Missing columns, fewer than 2 clusters, no treated or no comparison units, no
        pre-period or no post-period for the treated units, no variation in the outcome.
    """
    covariates = list(covariates)
    cluster = cluster or unit
    if design == "twfe" and unit is None:
        raise ModelFitError(f"{MODEL}: the twfe design needs a unit column (unit=...)")
    if cov_type == "cluster" and cluster is None:
        raise ModelFitError(
            f"{MODEL}: cov_type='cluster' needs a cluster or unit column; or use cov_type='HC1'"
        )
    cols = [outcome, unit, period, treated, post, cluster, *covariates]
    require_columns(data, cols, model=MODEL)
    frame, notes = drop_missing(data, cols, model=MODEL)
    require_variation(frame[outcome], model=MODEL)
    require_binary(frame[treated], model=MODEL, what="treatment indicator")
    require_binary(frame[post], model=MODEL, what="post indicator")
    frame = frame.with_columns(pl.col(treated).cast(pl.Int64), pl.col(post).cast(pl.Int64))
    if frame[treated].n_unique() < 2:
        which = "comparison" if frame[treated][0] == 1 else "programme (treated)"
        raise ModelFitError(f"{MODEL}: no {which} units in {treated!r}")
    treated_rows = frame.filter(pl.col(treated) == 1)
    if (treated_rows[post] == 0).sum() == 0:
        raise ModelFitError(
            f"{MODEL}: no pre-period: the treated units have no rows with {post} = 0"
        )
    if (treated_rows[post] == 1).sum() == 0:
        raise ModelFitError(f"{MODEL}: no post-period rows ({post} = 1) for the treated units")
    staggered = timing_check(frame, design, outcome, unit, period, treated, post, covariates, notes)
    if staggered is not None:
        return staggered
    n_clusters = None
    if cov_type == "cluster":
        n_clusters = require_clusters(frame[cluster], 2, model=MODEL, what="clusters")
    frame = frame.with_columns((pl.col(treated) * pl.col(post)).alias("_did"))
    extra = "".join(f" + {safe_name(c)}" for c in covariates)
    pdf = to_pandas(frame)
    with capture_warnings() as caught:
        if design == "2x2":
            formula = (
                f"{safe_name(outcome)} ~ {safe_name(treated)} + {safe_name(post)} + _did{extra}"
            )
            fit = smf.ols(formula, pdf).fit(**cov_args(cov_type, pdf, cluster))
        else:
            formula = f"{outcome} ~ _did{extra}, fixed effects {unit} + {period} absorbed"
            fit = fit_within(
                pdf,
                outcome,
                ["_did", *covariates],
                unit,
                period,
                cov_args(cov_type, pdf, cluster),
            )
    notes += warning_notes(caught)
    keep = [n for n in fit.params.index if not n.startswith("C(")]
    estimates = estimates_frame(
        fit.params[keep],
        fit.bse[keep],
        fit.pvalues[keep],
        ci=fit.conf_int().loc[keep],
        rename={"_did": "did"},
    )
    if n_clusters is not None and n_clusters < FEW_CLUSTERS:
        estimates, note = wild_did(estimates, pdf, design, outcome, treated, post, covariates,
                                    unit, period, cluster, n_clusters)  # fmt: skip
        notes.append(note)
    row = estimates.filter(pl.col("term") == "did").row(0, named=True)
    sentence = (
        f"After the start, {outcome} in the programme group changed by "
        f"{fmt(row['estimate'])} relative to the comparison units "
        f"({ci_text(row['ci_low'], row['ci_high'])}){significance_note(row['p_value'])}."
    )
    se_text = {
        "cluster": f"standard errors clustered by {cluster}",
        "HC1": "heteroskedasticity-robust (HC1) standard errors",
        "nonrobust": "classical OLS standard errors",
    }[cov_type]
    return ModelResult(
        method="did",
        estimates=estimates,
        n_obs=int(fit.nobs),
        converged=True,
        sentence=sentence,
        n_clusters=n_clusters,
        n_periods=frame[period].n_unique(),
        description=f"{design.upper()} difference-in-differences, OLS {formula}; {se_text}.",
        notes=tuple(notes),
        fit=fit,
    )
