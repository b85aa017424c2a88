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

import polars as pl

from analysis.base import (
    ModelResult,
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
    warning_notes,
)
from analysis.growth_engines import MODEL, fit_fast, fit_statsmodels, variance_rows
from monitor.errors import ModelFitError

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
        fit, fast_note = fit_fast(
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
        fit, structure, caught = fit_statsmodels(
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
    variance = variance_rows(
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
