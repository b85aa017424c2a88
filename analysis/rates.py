"""Rates of referrals and care use: Poisson and negative-binomial GLMs with a population offset.

Counts per network and period (e.g. referrals to specialist youth care) are modelled as

.. math:: \\log E[y_{np}] = \\log(\\mathrm{children}_{np}) + \\beta_0 + \\beta_1 x_{np} + \\dots

so ``exp(beta)`` is a rate ratio. Counts are usually overdispersed (variance above the
mean); the Pearson dispersion of the Poisson fit is reported and, above a threshold, the
negative binomial (NB2) model is suggested or, with ``family="auto"``, used
(Cameron & Trivedi, 2013). Standard errors are cluster-robust by network when there are
at least two networks, since a network's periods are not independent.

References
----------
Cameron, A. C., & Trivedi, P. K. (2013). *Regression Analysis of Count Data* (2nd ed.).
Cambridge University Press.
Hilbe, J. M. (2011). *Negative Binomial Regression* (2nd ed.). Cambridge University Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
import statsmodels.api as sm
import statsmodels.formula.api as smf

from analysis.base import (
    ModelResult,
    capture_warnings,
    drop_missing,
    estimates_frame,
    period_index,
    ratio_of,
    ratio_sentence,
    require_clusters,
    require_columns,
    require_variation,
    safe_name,
    to_pandas,
    warning_notes,
)
from monitor.errors import ModelFitError

MODEL = "rate model"


@dataclass(frozen=True)
class RatesResult(ModelResult):
    """A :class:`ModelResult` with the Poisson dispersion check.

    Attributes
    ----------
    family : str
        ``poisson`` or ``negative_binomial`` (the family actually fitted).
    dispersion : float
        Pearson chi-square / residual df of the Poisson fit (1 = no overdispersion).
    suggestion : str
        Advice derived from the dispersion (empty when the Poisson model is adequate).
    """

    family: str = "poisson"
    dispersion: float = float("nan")
    suggestion: str = ""


def fit_rates(
    data: pl.DataFrame,
    *,
    count: str = "count",
    children: str = "children",
    exposure: str | None = "exposed",
    period: str | None = "period",
    network: str | None = "network_id",
    category: str | None = None,
    covariates: Sequence[str] = (),
    family: Literal["poisson", "negative_binomial", "auto"] = "auto",
    time_trend: bool = True,
    overdispersion_threshold: float = 1.5,
) -> RatesResult:
    """Fit a Poisson or negative-binomial rate model with ``log(children)`` as offset.

    Parameters
    ----------
    data : polars.DataFrame
        One row per network (and category) per period.
    count : str
        Event count column (non-negative integers).
    children : str
        Children at risk (the denominator); enters as ``log(children)`` offset.
    exposure : str, optional
        0/1 column, e.g. 1 from the start of the programme; its rate ratio is the main
        effect.
    period : str, optional
        Period column; with ``time_trend`` a linear trend in the period index is added.
    network : str, optional
        Network column; cluster for robust standard errors (needs >= 2 networks).
    category : str, optional
        Category column (e.g. referrer or care type). Adds category main effects and, with
        ``exposure``, one exposure rate ratio per category (terms ``exposed[category]``).
    covariates : sequence of str
        Further fixed-effect columns.
    family : {"auto", "poisson", "negative_binomial"}
        ``auto`` fits Poisson and switches to NB2 when the dispersion exceeds
        ``overdispersion_threshold``.
    time_trend : bool
        Include a linear trend in the period index.
    overdispersion_threshold : float
        Pearson dispersion above which the negative binomial is suggested/used.

    Returns
    -------
    RatesResult
        Log-scale estimates with ``rate_ratio`` columns, the dispersion and a suggestion.

    Raises
    ------
    ModelFitError
        Missing columns, negative counts or non-positive denominators, all-zero or constant
        counts, no variation in exposure, a network column with a single network.
    """
    covariates = list(covariates)
    cols = [count, children, exposure, period, network, category, *covariates]
    require_columns(data, cols, model=MODEL)
    frame, notes = drop_missing(data, cols, model=MODEL)
    if (frame[count] < 0).any():
        raise ModelFitError(f"{MODEL}: negative values in the count column {count!r}")
    if (frame[children] <= 0).any():
        raise ModelFitError(
            f"{MODEL}: the denominator {children!r} must be positive (children at risk)"
        )
    require_variation(frame[count], model=MODEL, what="count")
    if exposure is not None:
        require_variation(frame[exposure], model=MODEL, what="exposure")
    n_clusters = None
    if network is not None:
        n_clusters = require_clusters(frame[network], 2, model=MODEL, what="networks")
        if n_clusters < 30:
            notes.append(
                f"only {n_clusters} networks: cluster-robust standard errors may be too small "
                "(below ~30 clusters; Cameron & Miller, 2015)"
            )

    terms: list[str] = []
    n_periods = None
    if period is not None:
        index, labels = period_index(frame[period])
        frame = frame.with_columns(index.alias("_period_index"))
        n_periods = len(labels)
        if time_trend:
            terms.append("_period_index")
    if category is not None:
        frame = frame.with_columns(pl.col(category).cast(pl.String))
        terms.append(f"C({safe_name(category)})")
        if exposure is not None:
            terms.append(f"C({safe_name(category)}):{safe_name(exposure)}")
    elif exposure is not None:
        terms.append(safe_name(exposure))
    terms += [safe_name(c) for c in covariates]
    formula = f"{safe_name(count)} ~ " + (" + ".join(terms) if terms else "1")
    pdf = to_pandas(frame)
    offset = np.log(pdf[children].to_numpy(dtype=float))
    cov_kw: dict = {}
    if network is not None:
        cov_kw = {
            "cov_type": "cluster",
            "cov_kwds": {"groups": pdf[network].astype(str)},
            "use_t": True,
        }

    with capture_warnings() as caught:
        poisson = smf.glm(formula, pdf, family=sm.families.Poisson(), offset=offset).fit(**cov_kw)
        dispersion = (
            float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid > 0 else float("nan")
        )
        overdispersed = bool(np.isfinite(dispersion) and dispersion > overdispersion_threshold)
        use_nb = family == "negative_binomial" or (family == "auto" and overdispersed)
        if use_nb:
            nb_model = smf.negativebinomial(formula, pdf, offset=offset, loglike_method="nb2")
            fit = nb_model.fit(disp=0, maxiter=500, method="bfgs", **cov_kw)
            converged = bool(fit.mle_retvals.get("converged", True))
        else:
            fit = poisson
            converged = bool(getattr(poisson, "converged", True))
    notes += warning_notes(caught)

    suggestion = ""
    if overdispersed and not use_nb:
        suggestion = (
            f"The counts are overdispersed (Pearson dispersion {dispersion:.2f} > "
            f"{overdispersion_threshold}); use family='negative_binomial' (or 'auto')."
        )
    elif overdispersed:
        suggestion = (
            f"The counts are overdispersed (Pearson dispersion {dispersion:.2f}); the negative "
            "binomial model was used."
        )
    if suggestion:
        notes.append(suggestion)

    rename = {"_period_index": "period_trend"}
    if category is not None and exposure is not None:
        prefix = f"C({safe_name(category)})["
        for name in fit.params.index:
            if name.startswith(prefix) and name.endswith(f"]:{safe_name(exposure)}"):
                level = name[len(prefix) : -len(f"]:{safe_name(exposure)}")]
                rename[name] = f"{exposure}[{level}]"
    params = fit.params
    keep = [n for n in params.index if n != "alpha"]
    estimates = estimates_frame(
        params[keep],
        fit.bse[keep],
        fit.pvalues[keep],
        ci=fit.conf_int().loc[keep],
        exp_name="rate_ratio",
        rename=rename,
    )
    if use_nb and "alpha" in params.index:
        notes.append(f"negative binomial alpha (NB2 dispersion) = {float(params['alpha']):.4f}")

    sentence = _sentence(estimates, count=count, exposure=exposure, category=category)
    return RatesResult(
        method="rates",
        estimates=estimates,
        n_obs=int(fit.nobs),
        converged=converged,
        sentence=sentence,
        n_clusters=n_clusters,
        n_periods=n_periods,
        description=(
            f"{'Negative binomial (NB2)' if use_nb else 'Poisson'} GLM {formula} with offset "
            f"log({children})"
            + (f", cluster-robust standard errors by {network}." if network else ".")
        ),
        notes=tuple(notes),
        fit=fit,
        family="negative_binomial" if use_nb else "poisson",
        dispersion=dispersion,
        suggestion=suggestion,
    )


def _sentence(
    estimates: pl.DataFrame, *, count: str, exposure: str | None, category: str | None
) -> str:
    rows = estimates.to_dicts()
    if exposure is None:
        trend = [r for r in rows if r["term"] == "period_trend"]
        if not trend:
            return f"The model describes the rate of {count} per child."
        r = trend[0]
        return ratio_sentence(
            "Per period, ", r, "rate_ratio", noun=f"the rate of {count}", tested=False
        )
    if category is None:
        r = next(r for r in rows if r["term"] == exposure)
        return ratio_sentence("After the start of the programme, ", r, "rate_ratio", noun=count)
    parts = []
    for r in rows:
        if r["term"].startswith(f"{exposure}["):
            level = r["term"][len(exposure) + 1 : -1]
            parts.append(ratio_of(r, "rate_ratio", noun=level))
    return f"After the start of the programme, by {category}: " + "; ".join(parts) + "."
