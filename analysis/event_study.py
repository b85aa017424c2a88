"""Event-study difference-in-differences for networks that start at different times.

:func:`fit_event_study` puts relative-time dummies (leads and lags around each network's
start, the period before the start as reference, end points binned) in a TWFE regression,
so that pre-trends are visible as lead coefficients near zero. With strongly heterogeneous
effects across start cohorts the TWFE event study can be biased (Sun & Abraham, 2021);
compare cohorts before relying on it (:mod:`analysis.sun_abraham`).

References
----------
Angrist, J. D., & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*. Princeton UP.
Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust
inference. *Journal of Human Resources*, 50(2), 317-372.
Sun, L., & Abraham, S. (2021). Estimating dynamic treatment effects in event studies with
heterogeneous treatment effects. *Journal of Econometrics*, 225(2), 175-199.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from analysis.base import (
    ModelResult,
    capture_warnings,
    ci_text,
    drop_missing,
    estimates_frame,
    fmt,
    period_index,
    require_clusters,
    require_columns,
    require_variation,
    to_pandas,
    warning_notes,
)
from analysis.did import MODEL, cov_args
from analysis.did_design import FEW_CLUSTERS
from analysis.fixed_effects import fit_within
from analysis.starts import normalise_starts
from monitor.errors import ModelFitError


@dataclass(frozen=True)
class EventStudyResult(ModelResult):
    """A :class:`ModelResult` with the event-study coefficients for a chart.

    Attributes
    ----------
    event_study : polars.DataFrame
        ``relative_period, estimate, std_error, ci_low, ci_high, p_value`` (reference
        period included with estimate 0).
    pretrend_p_value : float
        Joint Wald test that all lead coefficients are zero.
    """

    event_study: pl.DataFrame | None = None
    pretrend_p_value: float = float("nan")


def fit_event_study(
    data: pl.DataFrame,
    *,
    outcome: str = "value",
    unit: str = "network_id",
    period: str = "period",
    start: str = "start_period",
    leads: int = 3,
    lags: int = 3,
    reference: int = -1,
    cluster: str | None = None,
    covariates: Sequence[str] = (),
) -> EventStudyResult:
    """Event-study difference-in-differences for staggered programme starts.

    Parameters
    ----------
    data : polars.DataFrame
        One row per unit per period.
    outcome, unit, period : str
        Outcome, unit (network) and period columns.
    start : str
        The unit's first programme period (same type as ``period``); null for comparison
        units that never start.
    leads, lags : int
        Relative periods shown before/after the start; periods further out are binned into
        the end points ``-leads`` and ``+lags``.
    reference : int
        The omitted relative period (default -1, the period before the start).
    cluster : str, optional
        Cluster column (default ``unit``).
    covariates : sequence of str
        Further fixed-effect columns.

    Returns
    -------
    EventStudyResult
        Terms ``rel-3 ... rel+3`` (without the reference) and ``average_post`` (the mean of
        the lag coefficients 0..lags); ``event_study`` frame for charts; the pre-trend test.

    Raises
    ------
    ModelFitError
        Missing columns, fewer than 2 clusters, no unit that starts, no treated unit
        observed before its start, no variation in the outcome.
    """
    covariates = list(covariates)
    cluster = cluster or unit
    if leads < 1 or lags < 0 or not (-leads <= reference < 0):
        raise ModelFitError(
            f"{MODEL}: need leads >= 1, lags >= 0 and -leads <= reference < 0 "
            f"(got leads={leads}, lags={lags}, reference={reference})"
        )
    cols = [outcome, unit, period, cluster, *covariates]
    require_columns(data, [*cols, start], model=MODEL)
    normalised, coding = normalise_starts(data[start], data[period], model=MODEL)
    data = data.with_columns(normalised)
    frame, notes = drop_missing(data, cols, model=MODEL)
    notes.append(coding)
    frame = _with_start(data, cols, start, frame)
    require_variation(frame[outcome], model=MODEL)
    n_clusters = require_clusters(frame[cluster], 2, model=MODEL, what="clusters")
    index, labels = period_index(frame[period])
    starts = frame[start].to_list()
    start_index = [None if s is None else bisect.bisect_left(labels, s) for s in starts]
    rel = np.array(
        [np.nan if s is None else i - s for i, s in zip(index.to_list(), start_index, strict=True)]
    )
    if np.all(np.isnan(rel)):
        raise ModelFitError(f"{MODEL}: no unit has a programme start in {start!r}")
    if not np.any(rel < 0):
        raise ModelFitError(
            f"{MODEL}: no pre-period: no unit with a start in {start!r} is observed before it"
        )
    if n_clusters < FEW_CLUSTERS:
        notes.append(f"only {n_clusters} clusters: cluster-robust standard errors may be too small")
    cohorts = {s for s in start_index if s is not None}
    if len(cohorts) > 1:
        notes.append(
            f"the units start in {len(cohorts)} different periods: TWFE event-study "
            "coefficients then mix cohorts with weights that can be negative when effects "
            "differ between them (Sun & Abraham, 2021); the sun_abraham or staggered model "
            "gives cohort-robust event-time effects"
        )
    binned = np.clip(rel, -leads, lags)
    ks = [k for k in range(-leads, lags + 1) if k != reference]
    names = {k: f"_rel_{'m' if k < 0 else 'p'}{abs(k)}" for k in ks}
    dummies = [
        pl.Series(names[k], np.where(np.isnan(binned), 0, (binned == k).astype(int))) for k in ks
    ]
    missing = [k for k, d in zip(ks, dummies, strict=True) if d.sum() == 0]
    if missing:
        raise ModelFitError(
            f"{MODEL}: no observations at relative period(s) {missing}; reduce leads/lags"
        )
    frame = frame.with_columns(
        *dummies, pl.col(unit).cast(pl.String).alias("_unit"), index.alias("_period")
    )
    pdf = to_pandas(frame)
    with capture_warnings() as caught:
        fit = fit_within(
            pdf,
            outcome,
            [names[k] for k in ks] + covariates,
            "_unit",
            "_period",
            cov_args("cluster", pdf, cluster),
        )
    notes += warning_notes(caught)

    label = {names[k]: f"rel{k:+d}" for k in ks}
    keep = [names[k] for k in ks] + [c for c in covariates if c in fit.params.index]
    estimates = estimates_frame(
        fit.params[keep],
        fit.bse[keep],
        fit.pvalues[keep],
        ci=fit.conf_int().loc[keep],
        rename=label,
    )
    params = list(fit.params.index)
    post_k = [k for k in ks if k >= 0]
    contrast = np.zeros(len(params))
    for k in post_k:
        contrast[params.index(names[k])] = 1 / len(post_k)
    avg = fit.t_test(contrast)
    avg_ci = np.asarray(avg.conf_int()).ravel()
    average = pl.DataFrame(
        {
            "term": ["average_post"],
            "estimate": [float(np.asarray(avg.effect).ravel()[0])],
            "std_error": [float(np.asarray(avg.sd).ravel()[0])],
            "ci_low": [float(avg_ci[0])],
            "ci_high": [float(avg_ci[1])],
            "p_value": [float(np.asarray(avg.pvalue).ravel()[0])],
        }
    )
    estimates = pl.concat([estimates, average])
    lead_k = [k for k in ks if k < 0]
    pretrend_p = float("nan")
    if lead_k:
        r = np.zeros((len(lead_k), len(params)))
        for row, k in enumerate(lead_k):
            r[row, params.index(names[k])] = 1.0
        pretrend_p = float(fit.wald_test(r, scalar=True).pvalue)
    study = with_reference(
        estimates.filter(pl.col("term").str.starts_with("rel")).with_columns(
            pl.col("term").str.slice(3).cast(pl.Int64).alias("relative_period")
        ),
        reference,
    )
    a = average.row(0, named=True)
    trend_text = (
        "the pre-start coefficients give no evidence of diverging trends"
        if pretrend_p >= 0.05
        else "but the pre-start coefficients differ from zero, so the "
        "groups were already diverging before the start"
    )
    sentence = (
        f"Averaged over the first {len(post_k)} period(s) from the start, {outcome} changed by "
        f"{fmt(a['estimate'])} compared with networks that had not (yet) started "
        f"({ci_text(a['ci_low'], a['ci_high'])}); {trend_text} (joint p = {pretrend_p:.2f})."
    )
    return EventStudyResult(
        method="event_study",
        estimates=estimates,
        n_obs=int(fit.nobs),
        converged=True,
        sentence=sentence,
        n_clusters=n_clusters,
        n_periods=len(labels),
        description=(
            f"Event-study TWFE regression with relative periods {-leads}..{lags} (reference "
            f"{reference}, end points binned), unit and period fixed effects; standard errors "
            f"clustered by {cluster}."
        ),
        notes=tuple(notes),
        fit=fit,
        event_study=study,
        pretrend_p_value=pretrend_p,
    )


#: The columns of an event-study frame, in order.
EVENT_COLUMNS = ("relative_period", "estimate", "std_error", "ci_low", "ci_high", "p_value")


def with_reference(study: pl.DataFrame, reference: int) -> pl.DataFrame:
    """The event-study frame for a chart: the coefficients and the omitted reference period
    (estimate 0, no interval), by relative period."""
    zero = pl.DataFrame(
        {
            "relative_period": [reference],
            "estimate": [0.0],
            "std_error": [0.0],
            "ci_low": [0.0],
            "ci_high": [0.0],
            "p_value": [float("nan")],
        }
    )
    return pl.concat([study.select(EVENT_COLUMNS), zero]).sort("relative_period")


def _with_start(data: pl.DataFrame, cols: list[str], start: str, frame: pl.DataFrame):
    """Re-attach the (nullable) start column to the complete-case frame."""
    mask = pl.all_horizontal([pl.col(c).is_not_null() for c in dict.fromkeys(cols)])
    float_cols = [c for c in dict.fromkeys(cols) if data.schema[c].is_float()]
    if float_cols:
        mask = mask & pl.all_horizontal([pl.col(c).is_finite() for c in float_cols])
    starts = data.filter(mask)[start]
    return frame.with_columns(starts)
