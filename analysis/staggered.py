"""Staggered difference-in-differences robust to effects that differ by cohort and time.

When networks start in different periods, two-way fixed effects compares late starters
with early starters that are already treated, so it is biased when effects change over
time (Goodman-Bacon, 2021). :func:`fit_staggered` estimates the group-time average effects
of Callaway & Sant'Anna (2021) instead:

.. math:: ATT(g, t) = E[Y_t - Y_{b} \\mid G = g] - E[Y_t - Y_{b} \\mid C]

for each start cohort ``g`` and period ``t``, with base period ``b = g - 1`` after the start
and ``b = t - 1`` before it (R ``did``'s ``base_period = "varying"``), and comparison units
``C`` that never start or have not started yet. With covariates the comparison is adjusted
by outcome regression or by the doubly-robust estimator of Sant'Anna & Zhao (2020). The
cells are aggregated into an overall effect, effects per cohort, per period since the start
(event study) and per calendar period; standard errors come from each cell's influence
function, analytically or by the multiplier bootstrap with uniform (simultaneous) bands.
The numerics follow R's ``did`` package and reproduce its published ``mpdta`` results
(``tests/analysis/results/``). The aggregations are in :mod:`analysis.staggered_aggregate`.

References
----------
Callaway, B., & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
periods. *Journal of Econometrics*, 225(2), 200-230.
Sant'Anna, P. H. C., & Zhao, J. (2020). Doubly robust difference-in-differences estimators.
*Journal of Econometrics*, 219(1), 101-122.
Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing.
*Journal of Econometrics*, 225(2), 254-277.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from analysis.base import (
    ModelResult,
    ci_text,
    drop_missing,
    fmt,
    period_index,
    require_columns,
    require_variation,
    significance_note,
)
from analysis.staggered_aggregate import Cells, aggregate_all, multiplier_bootstrap
from analysis.staggered_estimators import doubly_robust, outcome_regression
from analysis.starts import normalise_starts
from monitor.errors import ModelFitError

MODEL = "staggered difference-in-differences"
Comparison = Literal["never", "not_yet"]
Method = Literal["reg", "dr"]


@dataclass(frozen=True)
class StaggeredResult(ModelResult):
    """A :class:`ModelResult` with the group-time cells and their aggregations.

    Attributes
    ----------
    group_time : polars.DataFrame
        ``group, period, att, std_error, band_low, band_high`` per cohort and period.
    event_time, by_group, by_calendar : polars.DataFrame
        ``event_time``/``group``/``period, estimate, std_error, band_low, band_high``.
    pretrend_statistic, pretrend_p_value : float
        Wald test that all pre-start ATT(g, t) are zero (chi-square, one df per cell).
    """

    group_time: pl.DataFrame | None = None
    event_time: pl.DataFrame | None = None
    by_group: pl.DataFrame | None = None
    by_calendar: pl.DataFrame | None = None
    pretrend_statistic: float = float("nan")
    pretrend_p_value: float = float("nan")
    start_coding: str = ""


def fit_staggered(
    data: pl.DataFrame,
    *,
    outcome: str = "value",
    unit: str = "network_id",
    period: str = "period",
    start: str = "start_period",
    comparison: Comparison = "never",
    method: Method = "dr",
    covariates: Sequence[str] = (),
    never: object = "auto",
    anticipation: int = 0,
    bootstrap: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> StaggeredResult:
    """Callaway & Sant'Anna (2021) group-time effects and their aggregations.

    Parameters
    ----------
    data : polars.DataFrame
        One row per unit per period (a balanced panel; units missing a period are left
        out and named in the notes).
    outcome, unit, period : str
        Outcome, unit (network, municipality, county) and period columns.
    start : str
        The unit's first programme period on the scale of ``period``; never-started units
        as null, empty, NA, Inf or 0 (R ``did``'s ``first.treat``; see :mod:`analysis.starts`).
    comparison : {"never", "not_yet"}
        Compare with units that never start, or also with units not yet started.
    method : {"dr", "reg"}
        Doubly-robust (Sant'Anna & Zhao, 2020) or outcome regression; the same without
        covariates.
    covariates : sequence of str
        Numeric covariates, taken in the base period of each comparison.
    never : "auto" or a value
        The code for never started (default: recognised, see :func:`normalise_starts`).
    anticipation : int
        Periods before the start in which units may already react (or are partly
        exposed): the base period is then ``g - 1 - anticipation`` and those periods are
        neither pre-trend nor effect cells.
    bootstrap : int
        Multiplier-bootstrap draws for standard errors and uniform bands; 0 = analytic
        standard errors from the influence function with pointwise intervals.
    seed : int
        Random seed of the bootstrap.
    alpha : float
        1 - confidence level.

    Returns
    -------
    StaggeredResult
        Terms ``att`` (overall, cohort-size weighted), ``att_dynamic`` (mean of the event
        times >= 0), ``att_group``, ``att_calendar``, ``event-3 ... event+3`` and
        ``group <g>``; the cells and aggregations as frames; the pre-trend test.

    Raises
    ------
    ModelFitError
        Missing columns, a start that varies within a unit, no started or no comparison
        units, too few periods.
    """
    covariates = list(covariates)
    if comparison not in ("never", "not_yet"):
        raise ModelFitError(f"{MODEL}: comparison must be 'never' or 'not_yet', not {comparison!r}")
    if method not in ("dr", "reg"):
        raise ModelFitError(f"{MODEL}: method must be 'dr' or 'reg', not {method!r}")
    cols = [outcome, unit, period, *covariates]
    require_columns(data, [*cols, start], model=MODEL)
    frame, notes = drop_missing(data.with_row_index("_row"), ["_row", *cols], model=MODEL)
    starts, coding = normalise_starts(data[start], data[period], model=MODEL, never=never)
    frame = frame.with_columns(starts.gather(frame["_row"]).alias("_start"))
    require_variation(frame[outcome], model=MODEL)
    wide = _wide_panel(frame, outcome, unit, period, covariates, anticipation)
    cells = _group_time(wide, comparison, method, anticipation)
    agg = aggregate_all(cells, bootstrap=bootstrap, seed=seed, alpha=alpha)
    notes = [*notes, *wide.notes, coding]
    if wide.n_units < 30:
        notes.append(
            f"only {wide.n_units} units: the influence-function standard errors rest on "
            "large-sample theory and may be too small"
        )
    return _result(cells, agg, wide, outcome, unit, comparison, method, bootstrap, notes, coding)


@dataclass
class _Wide:
    y: np.ndarray  # units x periods
    x: np.ndarray  # units x periods x covariates
    group: np.ndarray  # start index per unit, -1 = never
    labels: list
    units: list
    n_units: int
    notes: list[str]


def _wide_panel(frame, outcome, unit, period, covariates, anticipation) -> _Wide:
    index, labels = period_index(frame[period])
    frame = frame.with_columns(index.alias("_t"))
    per_unit = frame.group_by(unit).agg(pl.col("_start").n_unique().alias("n"))
    varying = per_unit.filter(pl.col("n") > 1)
    if varying.height:
        raise ModelFitError(
            f"{MODEL}: the start differs between rows of the same unit "
            f"({varying.height} unit(s), e.g. {varying[unit][0]!r}); give one start per unit"
        )
    dupes = frame.group_by(unit, "_t").len().filter(pl.col("len") > 1)
    if dupes.height:
        raise ModelFitError(
            f"{MODEL}: {dupes.height} unit-period(s) have more than one row (e.g. unit "
            f"{dupes[unit][0]!r}); give one row per unit and period"
        )
    n_periods = len(labels)
    own: list[str] = []
    gaps = frame.group_by(unit).len().filter(pl.col("len") < n_periods)
    if gaps.height:
        own.append(
            f"{gaps.height} unit(s) are not observed in every period; each ATT(g,t) uses the "
            "units observed in both of its periods"
        )
    frame = frame.sort(unit, "_t")
    units = frame[unit].unique(maintain_order=True).to_list()
    n = len(units)
    row = frame[unit].replace_strict({u: i for i, u in enumerate(units)}).to_numpy()
    col = frame["_t"].to_numpy()
    y = np.full((n, n_periods), np.nan)
    y[row, col] = frame[outcome].cast(pl.Float64).to_numpy()
    x = np.full((n, n_periods, len(covariates)), np.nan)
    for j, c in enumerate(covariates):
        x[row, col, j] = frame[c].cast(pl.Float64).to_numpy()
    first = frame.group_by(unit, maintain_order=True).first()
    group = np.array([_start_index(s, labels) for s in first["_start"].to_list()])
    late = int(np.sum(group == n_periods))
    if late:
        own.append(f"{late} unit(s) start after the last period and count as never started")
    group[group == n_periods] = -1
    early = (group >= 0) & (group <= anticipation)
    if early.any():
        own.append(
            f"{int(early.sum())} unit(s) started too early for a base period before "
            f"their start ({labels[0]} is the first period) and were left out"
        )
        keep = ~early
        y, x, group = y[keep], x[keep], group[keep]
        units = [u for u, k in zip(units, keep, strict=True) if k]
    if not (group > 0).any():
        raise ModelFitError(f"{MODEL}: no unit starts within the observed periods")
    if not (group < 0).any() and np.unique(group).size < 2:
        raise ModelFitError(f"{MODEL}: no comparison units (all units start together)")
    if n_periods < 2:
        raise ModelFitError(f"{MODEL}: need at least two periods")
    return _Wide(y, x, group, labels, units, len(units), own)


def _start_index(value, labels: list) -> int:
    if value is None:
        return -1
    return bisect.bisect_left(labels, value)


def _group_time(wide: _Wide, comparison: Comparison, method: Method, anticipation: int) -> Cells:
    """ATT(g, t) and its influence function (scaled to all units) per cohort and period."""
    n, n_periods = wide.y.shape
    never = wide.group < 0
    if comparison == "never" and not never.any():
        raise ModelFitError(
            f"{MODEL}: no never-started units to compare with; use comparison='not_yet'"
        )
    groups, times, atts, infs, pre, ahead = [], [], [], [], [], []
    for g in sorted(set(wide.group[wide.group > 0].tolist())):
        for t in range(1, n_periods):
            base = g - 1 - anticipation if t >= g else t - 1
            if base < 0:
                continue
            treated = wide.group == g
            if comparison == "never":
                control = never
            else:
                later = wide.group > max(t, base) + anticipation
                control = never | (later & (wide.group != g))
            seen = np.isfinite(wide.y[:, t]) & np.isfinite(wide.y[:, base])
            seen &= np.all(np.isfinite(wide.x[:, base, :]), axis=1)
            treated, control = treated & seen, control & seen
            if not control.any() or not treated.any():
                continue
            rows = treated | control
            dy = wide.y[rows, t] - wide.y[rows, base]
            cov = np.column_stack([np.ones(rows.sum()), wide.x[rows, base, :]])
            d = treated[rows].astype(float)
            att, psi = (doubly_robust if method == "dr" else outcome_regression)(dy, d, cov)
            inf = np.zeros(n)
            inf[rows] = psi * n / rows.sum()
            groups.append(g)
            times.append(t)
            atts.append(att)
            infs.append(inf)
            pre.append(t < g - anticipation)
            ahead.append(g - anticipation <= t < g)
    return Cells(
        group=np.array(groups),
        time=np.array(times),
        att=np.array(atts),
        inf=np.column_stack(infs),
        pre=np.array(pre),
        ahead=np.array(ahead, dtype=bool),
        unit_group=wide.group,
        labels=wide.labels,
    )


def pretrend_test(cells: Cells) -> tuple[float, float, int]:
    """Wald statistic, p-value and degrees of freedom that all pre-start ATT(g, t) are 0."""
    from scipy import stats

    pre = np.nonzero(cells.pre)[0]
    if pre.size == 0:
        return float("nan"), float("nan"), 0
    n = cells.inf.shape[0]
    v = cells.inf[:, pre].T @ cells.inf[:, pre] / n
    a = cells.att[pre]
    try:
        w = float(n * a @ np.linalg.solve(v, a))
    except np.linalg.LinAlgError:
        return float("nan"), float("nan"), int(pre.size)
    return w, float(stats.chi2.sf(w, pre.size)), int(pre.size)


def _result(cells, agg, wide, outcome, unit, comparison, method, bootstrap, notes, coding):
    w, p, df = pretrend_test(cells)
    rows = agg.estimates
    main = rows.filter(pl.col("term") == "att").row(0, named=True)
    trend = (
        f"; the pre-start effects give no evidence of diverging trends (p = {p:.2f})"
        if p >= 0.05
        else f"; but the pre-start effects differ from zero (p = {p:.3f}), so the groups "
        "were already diverging before the start"
        if p == p
        else ""
    )
    versus = "never started" if comparison == "never" else "not (yet) started"
    sentence = (
        f"Averaged over the start cohorts and the periods after each start, {outcome} changed "
        f"by {fmt(main['estimate'], 3)} compared with units that had {versus} "
        f"({ci_text(main['ci_low'], main['ci_high'], 3)})"
        f"{significance_note(main['p_value'])}{trend}."
    )
    se = (
        f"multiplier bootstrap ({bootstrap} draws, clustered by {unit}) with uniform bands"
        if bootstrap
        else f"analytic influence-function standard errors (clustered by {unit})"
    )
    method_text = "doubly-robust" if method == "dr" else "outcome-regression"
    description = (
        f"Callaway & Sant'Anna (2021) group-time effects ATT(g,t), {method_text} estimation, "
        f"comparison: units {versus}, base period g-1 after the start and t-1 before it; "
        f"aggregated by cohort size; {se}. Pre-trend Wald test: chi2({df}) = {w:.2f}, "
        f"p = {p:.3f}. {coding[0].upper()}{coding[1:]}."
    )
    return StaggeredResult(
        method="staggered_did",
        estimates=rows,
        n_obs=int(wide.y.size),
        converged=True,
        sentence=sentence,
        n_clusters=wide.n_units,
        n_periods=len(wide.labels),
        description=description,
        notes=tuple(notes),
        group_time=agg.group_time,
        event_time=agg.event_time,
        by_group=agg.by_group,
        by_calendar=agg.by_calendar,
        pretrend_statistic=w,
        pretrend_p_value=p,
        start_coding=coding,
    )


__all__ = ["StaggeredResult", "fit_staggered", "multiplier_bootstrap", "pretrend_test"]
