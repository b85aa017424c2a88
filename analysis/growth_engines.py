"""The two engines that fit the growth model of :mod:`analysis.growth`.

The fast engine is the profiled (RE)ML likelihood of :mod:`analysis.mixed` on per-child
sufficient statistics (two levels only); statsmodels' ``MixedLM`` fits nested designs and
takes over when the fast engine cannot converge. Both read the fixed-effect design from the
same formula machinery, so their term names agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
import scipy.sparse as sp
import statsmodels.formula.api as smf

from analysis.base import capture_warnings, safe_name, unquote
from analysis.growth_design import column_ranks, design, with_school_terms
from analysis.mixed import MixedFit, fit_two_level
from monitor.errors import ModelFitError

MODEL = "growth model"


def fit_statsmodels(
    formula: str,
    pdf: pd.DataFrame,
    *,
    child: str,
    time: str,
    nest: str | None,
    slope: bool,
    reml: bool,
    method: str | Sequence[str],
    maxiter: int,
    unit: str,
):
    """The statsmodels ``MixedLM`` fit: two levels, or children nested in ``nest``."""
    if nest is None:
        re_formula = f"~{safe_name(time)}" if slope else "1"
        model = smf.mixedlm(formula, pdf, groups=pdf[child], re_formula=re_formula)
        structure = "random intercept" + (" and slope" if slope else "") + f" per {unit}"
    else:
        vc = {"child": f"0 + C({safe_name(child)})"}
        if slope:
            vc["child_slope"] = f"0 + C({safe_name(child)}):{safe_name(time)}"
        model = smf.mixedlm(formula, pdf, groups=pdf[nest], re_formula="1", vc_formula=vc)
        structure = (
            f"random intercept per {nest}, {unit} intercepts"
            + (" and slopes" if slope else "")
            + " as variance components"
        )
    methods = [method] if isinstance(method, str) else list(method)
    with capture_warnings() as caught:
        fit = model.fit(reml=reml, method=methods, maxiter=maxiter)
    return fit, structure, caught


def fit_fast(
    formula: str,
    pdf: pd.DataFrame,
    *,
    child: str,
    time: str,
    school: str | None,
    slope: bool,
    reml: bool,
    maxiter: int,
    strict: bool,
) -> tuple[MixedFit | None, str]:
    """The profiled-likelihood fit, or ``None`` and the reason when statsmodels must take over.

    The fixed-effect design comes from the same formula machinery as statsmodels, so the
    term names (categories, quoted columns) are identical on both paths.
    """
    endog, exog = design(formula, pdf)
    X: np.ndarray | sp.csr_matrix = np.asarray(exog, dtype=float)
    names = [str(c) for c in exog.columns]
    if school is not None:
        X, names = with_school_terms(exog, pdf, school=school, time=time)
    times = pdf[time].to_numpy(dtype=float)
    Z = np.column_stack([np.ones(len(pdf)), times]) if slope else np.ones((len(pdf), 1))
    re_names = ["Group", safe_name(time)] if slope else ["Group"]
    rank = column_ranks(X)
    if rank(X.shape[1]) < X.shape[1]:
        redundant = [unquote(name) for j, name in enumerate(names) if j and rank(j + 1) <= rank(j)]
        raise ModelFitError(
            f"{MODEL}: the fixed-effect terms are collinear: {', '.join(redundant)} "
            "is a combination of the terms before it; leave it out"
        )
    reason = ""
    try:
        fit = fit_two_level(
            np.asarray(endog, dtype=float).ravel(),
            X,
            Z,
            pdf[child].to_numpy(),
            fe_names=names,
            re_names=re_names,
            reml=reml,
            maxiter=maxiter,
        )
    except np.linalg.LinAlgError as exc:
        reason = f"a matrix was singular ({exc})"
    else:
        if fit.converged:
            return fit, ""
        reason = "the optimiser did not converge"
    if strict:
        raise ModelFitError(f"{MODEL}: the fast engine could not fit this model: {reason}")
    return None, f"fast mixed-model fit not used ({reason}); fitted with statsmodels MixedLM"


def variance_rows(
    cov_re: pd.DataFrame,
    vcomp: list[tuple[str, float]],
    scale: float,
    *,
    group_label: str,
) -> pl.DataFrame:
    """Random-effect (co)variances and the residual variance as estimate rows."""
    names, values = [], []
    cov = cov_re.rename(index={"Group": group_label}, columns={"Group": group_label})
    for i, a in enumerate(cov.index):
        for j, b in enumerate(cov.columns):
            if j > i:
                continue
            names.append(f"{a} Var" if i == j else f"{b} x {a} Cov")
            values.append(float(cov.iloc[i, j]))
    for name, value in vcomp:
        names.append(f"{name} Var")
        values.append(float(value))
    names.append("Residual Var")
    values.append(float(scale))
    nan = [float("nan")] * len(values)
    return pl.DataFrame(
        {
            "term": [unquote(n) for n in names],
            "estimate": values,
            "std_error": nan,
            "ci_low": nan,
            "ci_high": nan,
            "p_value": nan,
        }
    )
