"""Event study with staggered starts: the interaction-weighted estimator of Sun & Abraham.

A two-way fixed-effects event study with one coefficient per relative period mixes the
effects of different start cohorts with weights that can be negative when effects differ
between cohorts (Sun & Abraham, 2021). :func:`fit_sun_abraham` instead estimates one
coefficient per cohort and relative period,

.. math:: y_{it} = \\alpha_i + \\lambda_t + \\sum_g \\sum_{e \\ne -1}
          \\delta_{g,e}\\, 1\\{G_i = g\\}\\, 1\\{t - g = e\\} + \\varepsilon_{it},

with units that never start as the control cohort (or, when every unit starts, the last
cohort, keeping only the periods before it starts), and averages them per relative period
with the cohorts' shares of the observations at that period as weights. Standard errors
are clustered by unit and treat the weights as fixed (as R ``fixest``'s ``sunab``).

Reference: Sun, L., & Abraham, S. (2021). Estimating dynamic treatment effects in event
studies with heterogeneous treatment effects. *Journal of Econometrics*, 225(2), 175-199.
"""

from __future__ import annotations

import bisect

import numpy as np
import polars as pl

from analysis.base import (
    ci_text,
    drop_missing,
    estimates_frame,
    fmt,
    period_index,
    require_clusters,
    require_columns,
    require_variation,
    to_pandas,
)
from analysis.event_study import EventStudyResult, with_reference
from analysis.fixed_effects import fit_within
from analysis.starts import normalise_starts
from monitor.errors import ModelFitError

MODEL = "Sun-Abraham event study"


def fit_sun_abraham(
    data: pl.DataFrame,
    *,
    outcome: str = "value",
    unit: str = "network_id",
    period: str = "period",
    start: str = "start_period",
    never: object = "auto",
) -> EventStudyResult:
    """Interaction-weighted event study (Sun & Abraham, 2021).

    Parameters
    ----------
    data : polars.DataFrame
        One row per unit per period.
    outcome, unit, period : str
        Outcome, unit and period columns.
    start : str
        The unit's first programme period; never-started units coded as null, empty, NA,
        Inf or 0 (see :mod:`analysis.starts`).
    never : "auto" or a value
        The code for never started.

    Returns
    -------
    EventStudyResult
        Terms ``event-k ... event+k`` (relative period -1 is the reference) and
        ``average_post`` (the mean of the event times >= 0); ``event_study`` frame; the
        joint Wald test of the leads.
    """
    require_columns(data, [outcome, unit, period, start], model=MODEL)
    starts, coding = normalise_starts(data[start], data[period], model=MODEL, never=never)
    frame, notes = drop_missing(
        data.with_columns(starts.alias("_start_raw")).with_row_index("_row"),
        ["_row", outcome, unit, period],
        model=MODEL,
    )
    frame = frame.with_columns(starts.gather(frame["_row"]).alias("_start_raw"))
    require_variation(frame[outcome], model=MODEL)
    index, labels = period_index(frame[period])
    g = [None if s is None else bisect.bisect_left(labels, s) for s in frame["_start_raw"]]
    frame = frame.with_columns(
        index.alias("_t"), pl.Series("_g", g, dtype=pl.Int64), pl.col(unit).cast(pl.String)
    )
    frame = frame.filter(pl.col("_g").is_null() | (pl.col("_g") > 0))
    if frame["_g"].is_null().all() or frame["_g"].is_not_null().sum() == 0:
        raise ModelFitError(f"{MODEL}: no unit starts within the observed periods")
    control = "never-started units"
    if frame["_g"].null_count() == 0:
        last = int(frame["_g"].max())
        frame = frame.filter(pl.col("_t") < last).with_columns(
            pl.when(pl.col("_g") == last).then(None).otherwise(pl.col("_g")).alias("_g")
        )
        control = f"the last cohort (start {labels[last]}), periods before its start"
    frame = frame.with_columns((pl.col("_t") - pl.col("_g")).alias("_e"))
    cells = (
        frame.filter(pl.col("_g").is_not_null() & (pl.col("_e") != -1))
        .group_by("_g", "_e")
        .len()
        .sort("_e", "_g")
    )
    names = [f"_sa_{r['_g']}_{r['_e'] + 1000}" for r in cells.iter_rows(named=True)]
    frame = frame.with_columns(
        ((pl.col("_g") == r["_g"]) & (pl.col("_e") == r["_e"])).fill_null(False).cast(pl.Int64)
        .alias(name)
        for r, name in zip(cells.iter_rows(named=True), names, strict=True)
    )  # fmt: skip
    n_clusters = require_clusters(frame[unit], 2, model=MODEL, what="clusters")
    pdf = to_pandas(frame)
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": pdf[unit]}, "use_t": True}
    fit = fit_within(pdf, outcome, names, unit, "_t", cov)
    beta, vcov = fit.params[names].to_numpy(), fit.cov_params().loc[names, names].to_numpy()

    e_values = sorted(set(cells["_e"].to_list()))
    weights = np.zeros((len(e_values), len(names)))
    for j, r in enumerate(cells.iter_rows(named=True)):
        weights[e_values.index(r["_e"]), j] = r["len"]
    weights /= weights.sum(axis=1, keepdims=True)
    post = np.array([e >= 0 for e in e_values])
    rows = np.vstack([weights, weights[post].mean(axis=0)])
    est, se = rows @ beta, np.sqrt(np.einsum("ij,jk,ik->i", rows, vcov, rows))
    terms = [f"event{e:+d}" for e in e_values] + ["average_post"]
    from scipy import stats

    df = n_clusters - 1
    crit = stats.t.ppf(0.975, df)
    estimates = estimates_frame(
        dict(zip(terms, est, strict=True)),
        dict(zip(terms, se, strict=True)),
        dict(zip(terms, 2 * stats.t.sf(np.abs(est / se), df), strict=True)),
        ci=np.column_stack([est - crit * se, est + crit * se]),
    )
    lead = weights[~post]
    pretrend = float("nan")
    if lead.size:
        a, v = lead @ beta, lead @ vcov @ lead.T
        wald = float(a @ np.linalg.solve(v, a)) / len(a)
        pretrend = float(stats.f.sf(wald, len(a), df))
    study = estimates.filter(pl.col("term") != "average_post").with_columns(
        pl.Series("relative_period", e_values)
    )
    study = with_reference(study, -1)
    avg = estimates.filter(pl.col("term") == "average_post").row(0, named=True)
    sentence = (
        f"Averaged over the {int(post.sum())} period(s) from the start, {outcome} changed by "
        f"{fmt(avg['estimate'], 3)} compared with {control} "
        f"({ci_text(avg['ci_low'], avg['ci_high'], 3)}); joint test of the leads p = "
        f"{pretrend:.2f}."
    )
    return EventStudyResult(
        method="sun_abraham",
        estimates=estimates,
        n_obs=int(fit.nobs),
        converged=True,
        sentence=sentence,
        n_clusters=n_clusters,
        n_periods=len(labels),
        description=(
            f"Sun & Abraham (2021) interaction-weighted event study: cohort x relative-period "
            f"effects in a two-way fixed-effects regression (reference period -1), control: "
            f"{control}, averaged with the cohorts' observation shares; standard errors "
            f"clustered by {unit} (weights taken as fixed)."
        ),
        notes=(*notes, coding),
        fit=fit,
        event_study=study,
        pretrend_p_value=pretrend,
    )
