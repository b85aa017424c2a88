"""Growth curves: linear mixed model of an outcome over time with child-level random effects.

The model for child *i* at measurement *t* is

.. math:: y_{it} = \\beta_0 + \\beta_1 t + \\beta_2 \\mathrm{exposed}_{it}
          + \\beta_3 \\mathrm{intensity}_{it} + u_{0i} + u_{1i} t + \\varepsilon_{it}

with a random intercept and slope per child (Laird & Ware, 1982). When children are
nested in schools or networks the grouping becomes the school/network, with a random
intercept per school and the child intercepts and slopes as variance components
(``vc_formula`` in statsmodels' MixedLM), so the three levels are all modelled.

Two-level fits go through :mod:`analysis.mixed`, a profiled (RE)ML likelihood on per-child
sufficient statistics that gives lme4's estimates and standard errors at lme4's speed or
better; statsmodels' MixedLM fits the nested designs and takes over when the fast path cannot
converge (the result's description and notes say which one ran).

References
----------
Laird, N. M., & Ware, J. H. (1982). Random-effects models for longitudinal data.
*Biometrics*, 38(4), 963-974.
Singer, J. D., & Willett, J. B. (2003). *Applied Longitudinal Data Analysis*. Oxford UP.
Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
models using lme4. *Journal of Statistical Software*, 67(1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
import scipy.sparse as sp
import statsmodels.formula.api as smf

from analysis.base import (
    ModelResult,
    capture_warnings,
    ci_text,
    drop_missing,
    estimates_frame,
    fmt,
    require_clusters,
    require_columns,
    require_variation,
    safe_name,
    significance_note,
    to_pandas,
    unquote,
    warning_notes,
)
from analysis.growth_design import column_ranks, design, with_school_terms
from analysis.mixed import MixedFit, fit_two_level
from monitor.errors import ModelFitError

MODEL = "growth model"
ENGINES = ("auto", "fast", "statsmodels")


def fit_growth(
    data: pl.DataFrame,
    *,
    outcome: str = "value",
    time: str = "time",
    child: str = "child_id",
    exposure: str | None = None,
    intensity: str | None = None,
    covariates: Sequence[str] = (),
    nest: str | None = None,
    school_effects: str | None = None,
    random_slope: bool = True,
    reml: bool = True,
    method: str | Sequence[str] = ("lbfgs",),
    maxiter: int = 200,
    engine: str = "auto",
) -> ModelResult:
    """Fit a linear mixed growth model.

    Two-level designs (children not nested in ``nest``) are fitted by the profiled
    likelihood of :mod:`analysis.mixed` (the same estimates as lme4, a fraction of the
    time of statsmodels); three-level designs, and any fit the fast path cannot complete,
    use statsmodels ``MixedLM``. The description of the result says which was used.

    Parameters
    ----------
    data : polars.DataFrame
        One row per child per measurement (long format).
    outcome : str
        Numeric outcome column (e.g. a wellbeing score or a test score).
    time : str
        Numeric time or age column (e.g. years since the first wave, age in years).
    child : str
        Child pseudonym column; the grouping of repeated measurements.
    exposure : str, optional
        Time-varying 0/1 column: whether the child was in the programme at that
        measurement. Its coefficient is the shift in the outcome while exposed.
    intensity : str, optional
        Numeric dose column (hours, contacts) for a dose-response term.
    covariates : sequence of str
        Further fixed-effect columns (numeric, or strings treated as categories).
    nest : str, optional
        School or network column in which children are nested. Adds a random
        intercept per ``nest`` and keeps the child intercepts (and slopes) as variance
        components.
    school_effects : str, optional
        Column holding the school (or other unit) at each measurement. Adds a fixed
        intercept and a fixed ``time`` slope per school (``C(school) + C(school):time``), so
        that differences between schools in level and in growth, which a child carries with
        it when it changes school, are not taken for programme effects. The design is wide
        but sparse and stays on the fast path.
    random_slope : bool
        Random slope of ``time`` per child (default) or a random intercept only.
    reml : bool
        Restricted maximum likelihood (default) or maximum likelihood.
    method : str or sequence of str
        Optimiser(s) passed to ``MixedLM.fit`` (statsmodels path only).
    maxiter : int
        Maximum optimiser iterations.
    engine : {"auto", "fast", "statsmodels"}
        ``auto`` (default) takes the fast path where it applies; ``fast`` insists on it
        (an error for nested designs); ``statsmodels`` always uses ``MixedLM``.

    Returns
    -------
    ModelResult
        ``estimates`` holds the fixed effects (``Intercept``, ``time``, ...) followed by the
        variance parameters (terms ending in ``Var``/``Cov``). ``n_children`` is the number
        of children, ``n_clusters`` the number of ``nest`` groups (if given),
        ``n_periods`` the number of distinct time values.

    Raises
    ------
    ModelFitError
        Missing columns, fewer than 2 children (or schools), no variation in outcome or
        time, no child measured more than once when a random slope is asked for, an
        unknown ``engine``.
    """
    if engine not in ENGINES:
        raise ModelFitError(
            f"{MODEL}: unknown engine {engine!r}; choose one of {', '.join(ENGINES)}"
        )
    if engine == "fast" and nest is not None:
        raise ModelFitError(
            f"{MODEL}: the fast engine fits two-level models only; children nested in "
            f"{nest!r} need engine='auto' or 'statsmodels'"
        )
    covariates = list(covariates)
    used = [outcome, time, child, exposure, intensity, nest, school_effects, *covariates]
    require_columns(data, used, model=MODEL)
    frame, notes = drop_missing(data, used, model=MODEL)
    require_variation(frame[outcome], model=MODEL)
    require_variation(frame[time], model=MODEL, what="time variable")
    n_children = require_clusters(frame[child], 2, model=MODEL, what="children")
    n_clusters = None
    if nest is not None:
        n_clusters = require_clusters(frame[nest], 2, model=MODEL, what="schools/networks")
    per_child = frame.group_by(child).len()
    if random_slope and per_child["len"].max() < 2:
        raise ModelFitError(
            f"{MODEL}: every child has a single measurement; a growth curve needs repeated "
            "measurements (or set random_slope=False)"
        )
    if exposure is not None:
        require_variation(frame[exposure], model=MODEL, what="exposure")

    terms = [safe_name(time)]
    terms += [safe_name(c) for c in (exposure, intensity) if c is not None]
    terms += [safe_name(c) for c in covariates]
    base_formula = f"{safe_name(outcome)} ~ " + " + ".join(terms)
    formula = base_formula
    if school_effects is not None:
        require_clusters(frame[school_effects], 2, model=MODEL, what="schools")
        school = f"C({safe_name(school_effects)})"
        formula += f" + {school} + {school}:{safe_name(time)}"
    pdf = to_pandas(frame)
    unit = group_unit(child)

    fit = None
    if nest is None and engine != "statsmodels":
        fit, fast_note = _fit_fast(
            base_formula,
            pdf,
            child=child,
            time=time,
            school=school_effects,
            slope=random_slope,
            reml=reml,
            maxiter=maxiter,
            strict=engine == "fast",
        )
        notes += [fast_note] if fast_note else []
    if fit is not None:
        structure = "random intercept" + (" and slope" if random_slope else "") + f" per {unit}"
        engine_text = f"profiled likelihood on per-{unit} sufficient statistics, analysis.mixed"
        vcomp = []
    else:
        fit, structure, caught = _fit_statsmodels(
            formula,
            pdf,
            child=child,
            time=time,
            nest=nest,
            slope=random_slope,
            reml=reml,
            method=method,
            maxiter=maxiter,
            unit=unit,
        )
        notes += warning_notes(caught)
        engine_text = "statsmodels MixedLM"
        vcomp = list(zip(fit.model.exog_vc.names, fit.vcomp, strict=False))

    n_fixed = len(fit.fe_params)
    ci = fit.conf_int().iloc[:n_fixed]
    estimates = estimates_frame(fit.fe_params, fit.bse_fe, fit.pvalues.iloc[:n_fixed], ci=ci)
    variance = _variance_rows(
        fit.cov_re, vcomp, fit.scale, group_label=child if nest is None else nest
    )
    estimates = pl.concat([estimates, variance], how="vertical_relaxed")

    sentence = _sentence(
        estimates, outcome=outcome, time=time, exposure=exposure, intensity=intensity
    )
    if school_effects is not None:
        reference = sorted(frame[school_effects].unique().to_list())[0]
        sentence = sentence.replace(
            f"per unit of {time} (",
            f"per unit of {time} at {school_effects} {reference} (the reference school; "
            "every school has its own intercept and slope, ",
            1,
        )
    return ModelResult(
        method="growth",
        estimates=estimates,
        n_obs=int(fit.nobs),
        converged=bool(fit.converged),
        sentence=sentence,
        n_children=n_children,
        group_unit=group_units(child),
        n_clusters=n_clusters,
        n_periods=frame[time].n_unique(),
        description=(
            f"Linear mixed model {formula} with {structure}; "
            f"{'REML' if reml else 'ML'} estimation ({engine_text})."
        ),
        notes=tuple(notes),
        fit=fit,
    )


#: Grouping columns that hold children (the platform's own names and the usual ones).
CHILD_COLUMNS = {"child", "child_id", "child_pseudonym", "childid", "kind_id", "pseudonym"}


def group_unit(column: str) -> str:
    """The grouping unit in words, singular: ``child`` for the platform's child columns,
    otherwise the column's own name (``Pig``, ``Subject``, ``school_id``)."""
    return "child" if column.strip().lower() in CHILD_COLUMNS else column


def group_units(column: str) -> str:
    """The grouping unit in words, plural where it is children (``children``, ``Pig``)."""
    unit = group_unit(column)
    return "children" if unit == "child" else unit


def _fit_statsmodels(
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


def _fit_fast(
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


def _variance_rows(
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


def _sentence(
    estimates: pl.DataFrame,
    *,
    outcome: str,
    time: str,
    exposure: str | None,
    intensity: str | None,
) -> str:
    rows = {r["term"]: r for r in estimates.to_dicts()}
    slope = rows[time]
    text = (
        f"On average, {outcome} changed by {fmt(slope['estimate'])} per unit of {time} "
        f"({ci_text(slope['ci_low'], slope['ci_high'])})"
    )
    if exposure is not None:
        e = rows[exposure]
        direction = "higher" if e["estimate"] > 0 else "lower"
        text += (
            f"; while in the programme it was {fmt(abs(e['estimate']))} {direction} "
            f"({ci_text(e['ci_low'], e['ci_high'])}){significance_note(e['p_value'])}"
        )
    if intensity is not None:
        d = rows[intensity]
        text += (
            f"; each extra unit of {intensity} went with a change of {fmt(d['estimate'], 3)} "
            f"({ci_text(d['ci_low'], d['ci_high'], 3)})"
        )
    return text + "."
