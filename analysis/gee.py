"""Population-averaged models for binary outcomes per period: GEE with a logit link.

Each child contributes a 0/1 outcome per period (referred yes/no, in youth care yes/no).
Generalised estimating equations (Liang & Zeger, 1986) give the population-averaged
odds ratio of programme exposure with standard errors that are robust to the correlation
of a child's periods; the working correlation is exchangeable or first-order
autoregressive (AR(1)) over the period order.

References
----------
Liang, K.-Y., & Zeger, S. L. (1986). Longitudinal data analysis using generalized linear
models. *Biometrika*, 73(1), 13-22.
Zeger, S. L., Liang, K.-Y., & Albert, P. S. (1988). Models for longitudinal data: a
generalized estimating equation approach. *Biometrics*, 44(4), 1049-1060.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl
import statsmodels.api as sm
import statsmodels.formula.api as smf

from analysis.base import (
    ModelResult,
    capture_warnings,
    drop_missing,
    estimates_frame,
    period_index,
    ratio_sentence,
    require_binary,
    require_clusters,
    require_columns,
    require_variation,
    safe_name,
    to_pandas,
    warning_notes,
)

MODEL = "GEE model"

Correlation = Literal["exchangeable", "ar1", "independence"]


def fit_gee(
    data: pl.DataFrame,
    *,
    outcome: str = "referred",
    child: str = "child_id",
    period: str = "period",
    exposure: str | None = "exposed",
    covariates: Sequence[str] = (),
    correlation: Correlation = "exchangeable",
    time_trend: bool = True,
) -> ModelResult:
    """Fit a logistic GEE of a binary outcome per child and period.

    Parameters
    ----------
    data : polars.DataFrame
        One row per child per period.
    outcome : str
        0/1 outcome column (e.g. ``referred``).
    child : str
        Child pseudonym column; the cluster of the GEE.
    period : str
        Period column (numbers, dates or sortable labels such as ``2024-H1``); sets the
        order for the AR(1) working correlation and, with ``time_trend``, a linear trend.
    exposure : str, optional
        Time-varying 0/1 programme exposure; its odds ratio is the main effect.
    covariates : sequence of str
        Further fixed-effect columns.
    correlation : {"exchangeable", "ar1", "independence"}
        Working correlation within a child.
    time_trend : bool
        Include a linear trend in the period index.

    Returns
    -------
    ModelResult
        Estimates on the log-odds scale with ``odds_ratio`` columns; robust (sandwich)
        standard errors. ``n_clusters`` = ``n_children`` = number of children.

    Raises
    ------
    ModelFitError
        Missing columns, an outcome that is not 0/1 or never/always 1, fewer than 2
        children, no variation in exposure.
    """
    covariates = list(covariates)
    require_columns(data, [outcome, child, period, exposure, *covariates], model=MODEL)
    frame, notes = drop_missing(data, [outcome, child, period, exposure, *covariates], model=MODEL)
    require_binary(frame[outcome], model=MODEL)
    require_variation(frame[outcome], model=MODEL)
    n_children = require_clusters(frame[child], 2, model=MODEL, what="children")
    if exposure is not None:
        require_binary(frame[exposure], model=MODEL, what="exposure")
        require_variation(frame[exposure], model=MODEL, what="exposure")

    index, labels = period_index(frame[period])
    frame = frame.with_columns(index.alias("_period_index")).sort([child, "_period_index"])
    terms = []
    if exposure is not None:
        terms.append(safe_name(exposure))
    if time_trend:
        terms.append("_period_index")
    terms += [safe_name(c) for c in covariates]
    formula = f"{safe_name(outcome)} ~ " + (" + ".join(terms) if terms else "1")
    pdf = to_pandas(frame)
    cov_struct = {
        "exchangeable": sm.cov_struct.Exchangeable(),
        "ar1": sm.cov_struct.Autoregressive(grid=True),
        "independence": sm.cov_struct.Independence(),
    }[correlation]
    model = smf.gee(
        formula,
        groups=pdf[child],
        data=pdf,
        time=pdf["_period_index"] if correlation == "ar1" else None,
        family=sm.families.Binomial(),
        cov_struct=cov_struct,
    )
    with capture_warnings() as caught:
        fit = model.fit(maxiter=100)
    notes += warning_notes(caught)
    converged = bool(getattr(fit, "converged", True))
    if not converged:
        notes.append("GEE did not converge in 100 iterations; estimates may be unreliable")

    estimates = estimates_frame(
        fit.params,
        fit.bse,
        fit.pvalues,
        ci=fit.conf_int(),
        exp_name="odds_ratio",
        rename={"_period_index": "period_trend"},
    )
    dep = cov_struct.dep_params
    dep_text = f"{float(dep):.3f}" if dep is not None and dep != 0 else "0"
    notes.append(f"working correlation {correlation}, parameter {dep_text}")
    if exposure is not None:
        row = estimates.filter(pl.col("term") == exposure).row(0, named=True)
        sentence = ratio_sentence(
            "During programme exposure, ", row, "odds_ratio", noun=f"the odds of {outcome}"
        )
    else:
        row = estimates.filter(pl.col("term") == "period_trend").row(0, named=True)
        sentence = ratio_sentence(
            "Per period, ", row, "odds_ratio", noun=f"the odds of {outcome}", tested=False
        )
    return ModelResult(
        method="gee",
        estimates=estimates,
        n_obs=int(fit.nobs),
        converged=converged,
        sentence=sentence,
        n_children=n_children,
        n_clusters=n_children,
        n_periods=len(labels),
        description=(
            f"Logistic GEE {formula}, clustered by {child}, {correlation} working "
            "correlation, robust (sandwich) standard errors."
        ),
        notes=tuple(notes),
        fit=fit,
    )
