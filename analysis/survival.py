"""Time to an event (special-education placement, early school leaving, entry into youth
care) with programme participation as a time-varying exposure: Cox regression.

The data are in counting-process (start-stop) form: one row per child per interval
``(entry, exit]`` during which the covariates are constant, with ``event = 1`` when the
interval ends in the event (Andersen & Gill, 1982). A child who joins a programme half-way
has one row before (``exposed = 0``) and one from the start (``exposed = 1``), so the
exposure is time-varying and immortal-time bias is avoided. statsmodels' ``PHReg`` takes
the interval starts as ``entry`` (left truncation); standard errors robust to a child's
repeated rows come from :func:`robust_cov` (statsmodels' own robust covariance ignores
``entry``).

References
----------
Cox, D. R. (1972). Regression models and life-tables. *JRSS B*, 34(2), 187-220.
Andersen, P. K., & Gill, R. D. (1982). Cox's regression model for counting processes: a
large sample study. *Annals of Statistics*, 10(4), 1100-1120.
Therneau, T. M., & Grambsch, P. M. (2000). *Modeling Survival Data: Extending the Cox
Model*. Springer.
Lin, D. Y., & Wei, L. J. (1989). The robust inference for the Cox proportional hazards
model. *JASA*, 84(408), 1074-1078.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import polars as pl
from scipy.stats import norm
from statsmodels.duration.hazard_regression import PHReg

from analysis.base import (
    ModelResult,
    capture_warnings,
    drop_missing,
    estimates_frame,
    ratio_sentence,
    require_binary,
    require_clusters,
    require_columns,
    require_variation,
    to_pandas,
    warning_notes,
)
from monitor.errors import ModelFitError

MODEL = "Cox model"


def fit_cox(
    data: pl.DataFrame,
    *,
    entry: str = "start",
    exit: str = "stop",
    event: str = "event",
    exposure: str = "exposed",
    child: str | None = "child_id",
    covariates: Sequence[str] = (),
    strata: str | None = None,
    ties: Literal["breslow", "efron"] = "efron",
    event_name: str = "the event",
) -> ModelResult:
    """Cox proportional hazards regression on start-stop data.

    Parameters
    ----------
    data : polars.DataFrame
        One row per child per interval.
    entry, exit : str
        Interval start and end (time since the origin, e.g. years since age 4 or days
        since school entry); ``exit > entry``.
    event : str
        1 when the interval ends with the event, else 0.
    exposure : str
        0/1 programme participation during the interval (time-varying).
    child : str, optional
        Child pseudonym; gives robust standard errors for repeated rows per child.
    covariates : sequence of str
        Further numeric covariates (encode categories as 0/1 columns).
    strata : str, optional
        Stratum column (separate baseline hazards, e.g. per municipality).
    ties : {"efron", "breslow"}
        Method for tied event times.
    event_name : str
        Words for the event in the sentence ("special-education placement").

    Returns
    -------
    ModelResult
        Log-hazard estimates with ``hazard_ratio`` columns; ``n_children`` distinct
        children.

    Raises
    ------
    ModelFitError
        Missing columns, intervals with ``exit <= entry``, no events, no variation in
        exposure, fewer than 2 children.
    """
    covariates = list(covariates)
    cols = [entry, exit, event, exposure, child, strata, *covariates]
    require_columns(data, cols, model=MODEL)
    frame, notes = drop_missing(data, cols, model=MODEL)
    bad = frame.filter(pl.col(exit) <= pl.col(entry)).height
    if bad:
        raise ModelFitError(
            f"{MODEL}: {bad} interval(s) with {exit!r} <= {entry!r}; every interval must "
            "have positive length"
        )
    require_binary(frame[event], model=MODEL, what="event indicator")
    if frame[event].sum() == 0:
        raise ModelFitError(f"{MODEL}: no events in {event!r}; nothing to model")
    require_binary(frame[exposure], model=MODEL, what="exposure")
    require_variation(frame[exposure], model=MODEL, what="exposure")
    n_children = None
    if child is not None:
        n_children = require_clusters(frame[child], 2, model=MODEL, what="children")

    pdf = to_pandas(frame)
    exog = pdf[[exposure, *covariates]].astype(float)
    model = PHReg(
        pdf[exit].to_numpy(dtype=float),
        exog,
        status=pdf[event].to_numpy(dtype=float),
        entry=pdf[entry].to_numpy(dtype=float),
        strata=pdf[strata].to_numpy() if strata else None,
        ties=ties,
    )
    with capture_warnings() as caught:
        fit = model.fit()
    notes += warning_notes(caught)
    params = pd.Series(np.asarray(fit.params), index=exog.columns)
    cov = np.asarray(fit.cov_params())
    if child is not None:
        cov = robust_cov(
            cov,
            params.to_numpy(),
            exog=exog.to_numpy(),
            entry=pdf[entry].to_numpy(dtype=float),
            exit=pdf[exit].to_numpy(dtype=float),
            event=pdf[event].to_numpy(dtype=float),
            groups=pdf[child].to_numpy(),
            strata=pdf[strata].to_numpy() if strata else None,
        )
    bse = pd.Series(np.sqrt(np.diag(cov)), index=exog.columns)
    pvalues = pd.Series(2 * norm.sf(np.abs(params / bse)), index=exog.columns)
    estimates = estimates_frame(params, bse, pvalues, exp_name="hazard_ratio")
    converged = bool(np.all(np.isfinite(params)) and np.all(np.isfinite(bse)))

    row = estimates.filter(pl.col("term") == exposure).row(0, named=True)
    sentence = ratio_sentence(
        "While in the programme, ", row, "hazard_ratio", noun=f"the hazard of {event_name}"
    )
    n_events = int(frame[event].sum())
    notes.append(f"{n_events} event(s)")
    return ModelResult(
        method="survival",
        estimates=estimates,
        n_obs=frame.height,
        converged=converged,
        sentence=sentence,
        n_children=n_children,
        n_clusters=n_children,
        description=(
            f"Cox proportional hazards (statsmodels PHReg), counting-process intervals "
            f"({entry}, {exit}], {ties} ties"
            + (f", strata {strata}" if strata else "")
            + (f", robust standard errors by {child}" if child else "")
            + "."
        ),
        notes=tuple(notes),
        fit=fit,
    )


def score_residuals(
    beta: np.ndarray,
    *,
    exog: np.ndarray,
    entry: np.ndarray,
    exit: np.ndarray,
    event: np.ndarray,
) -> np.ndarray:
    r"""Breslow score residuals for counting-process rows ``(entry, exit]`` (one stratum).

    Row *j* gets :math:`\delta_j (x_j - \bar x(t_j)) - \sum_{k: entry_j < t_k \le
    exit_j} r_j d_k / S_0(t_k) \, (x_j - \bar x(t_k))` (Lin & Wei, 1989; Therneau &
    Grambsch, 2000, sec. 7.2), computed with prefix sums over the distinct event times.
    statsmodels' own score residuals ignore ``entry``, hence this implementation.
    """
    times, d = np.unique(exit[event == 1], return_counts=True)
    r = np.exp(exog @ beta - (exog @ beta).max())
    n_times = times.size
    first = np.searchsorted(times, entry, side="right")  # first event time > entry
    last = np.searchsorted(times, exit, side="right")  # event times <= exit end here
    s0 = np.zeros(n_times + 1)
    s1 = np.zeros((n_times + 1, exog.shape[1]))
    np.add.at(s0, first, r)
    np.add.at(s0, last, -r)
    np.add.at(s1, first, r[:, None] * exog)
    np.add.at(s1, last, -r[:, None] * exog)
    s0 = np.cumsum(s0)[:n_times]
    s1 = np.cumsum(s1, axis=0)[:n_times]
    xbar = s1 / s0[:, None]
    a = np.concatenate([[0.0], np.cumsum(d / s0)])
    b = np.vstack([np.zeros(exog.shape[1]), np.cumsum((d / s0)[:, None] * xbar, axis=0)])
    compensator = r[:, None] * (exog * (a[last] - a[first])[:, None] - (b[last] - b[first]))
    at = np.searchsorted(times, exit, side="left")
    jump = np.zeros_like(exog, dtype=float)
    has = event == 1
    jump[has] = exog[has] - xbar[at[has]]
    return jump - compensator


def robust_cov(
    naive_cov: np.ndarray,
    beta: np.ndarray,
    *,
    exog: np.ndarray,
    entry: np.ndarray,
    exit: np.ndarray,
    event: np.ndarray,
    groups: np.ndarray,
    strata: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster-robust (sandwich) covariance :math:`V B V` of the Cox coefficients, with
    :math:`V` the inverse information and :math:`B` the sum over clusters of the outer
    products of the summed score residuals (Lin & Wei, 1989)."""
    resid = np.zeros_like(exog, dtype=float)
    keys = (
        np.zeros(exog.shape[0], dtype=int)
        if strata is None
        else np.unique(strata, return_inverse=True)[1]
    )
    for key in np.unique(keys):
        rows = keys == key
        if event[rows].sum() == 0:
            continue
        resid[rows] = score_residuals(
            beta, exog=exog[rows], entry=entry[rows], exit=exit[rows], event=event[rows]
        )
    _, cluster = np.unique(groups.astype(str), return_inverse=True)
    summed = np.zeros((cluster.max() + 1, exog.shape[1]))
    np.add.at(summed, cluster, resid)
    meat = summed.T @ summed
    return naive_cov @ meat @ naive_cov
