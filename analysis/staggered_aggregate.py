"""Aggregating group-time effects ATT(g, t) and their multiplier bootstrap.

Follows R ``did``'s ``aggte`` (Callaway & Sant'Anna, 2021, section 3): the overall effect
weights the post-start cells by cohort size; per cohort, per event time (periods since the
start) and per calendar period the cells are averaged with the cohort shares as weights.
Because the weights are estimated, each aggregate's influence function gets the
weight-estimation term (``wif``) as in the package. Standard errors are analytic
(``sqrt(mean(psi^2) / n)``) or from the multiplier bootstrap with Rademacher weights, the
robust scale ``IQR / (z_.75 - z_.25)`` and the sup-t critical value for uniform bands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from analysis.base import ESTIMATE_COLUMNS


@dataclass
class Cells:
    """Group-time cells: cohort and period (indices), ATT, influence function (n x cells)."""

    group: np.ndarray
    time: np.ndarray
    att: np.ndarray
    inf: np.ndarray
    pre: np.ndarray
    ahead: np.ndarray
    unit_group: np.ndarray
    labels: list


@dataclass
class Aggregates:
    """The estimates table and the frames for charts."""

    estimates: pl.DataFrame
    group_time: pl.DataFrame
    event_time: pl.DataFrame
    by_group: pl.DataFrame
    by_calendar: pl.DataFrame


class _Inference:
    """Standard errors and critical values, analytic or by one shared set of multipliers."""

    def __init__(self, n: int, bootstrap: int, seed: int, alpha: float) -> None:
        self.n, self.alpha, self.bootstrap = n, alpha, bootstrap
        rng = np.random.default_rng(seed)
        self.v = rng.choice([-1.0, 1.0], size=(bootstrap, n)) if bootstrap else None

    def se_and_crit(self, inf: np.ndarray) -> tuple[np.ndarray, float]:
        """Standard errors of the columns of ``inf`` and the uniform-band critical value."""
        z = float(stats.norm.ppf(1 - self.alpha / 2))
        if self.v is None:
            return np.sqrt(np.mean(inf**2, axis=0) / self.n), z
        return multiplier_bootstrap(inf, self.v, self.alpha)


def multiplier_bootstrap(
    inf: np.ndarray, multipliers: np.ndarray, alpha: float = 0.05
) -> tuple[np.ndarray, float]:
    """Bootstrap standard errors and the sup-t critical value (R ``did``'s ``mboot``).

    ``inf`` is n x k (influence functions), ``multipliers`` B x n. Returns the k standard
    errors and the (1 - alpha) quantile of ``max_j |b_j / sigma_j|`` over the draws.
    """
    n = inf.shape[0]
    draws = np.sqrt(n) * (multipliers @ inf) / n
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0, method="inverted_cdf")
    sigma = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    live = sigma > np.sqrt(np.finfo(float).eps) * 10
    se = np.full(inf.shape[1], np.nan)
    se[live] = sigma[live] / np.sqrt(n)
    if not live.any():
        return se, float("nan")
    t_max = np.max(np.abs(draws[:, live] / sigma[live]), axis=1)
    crit = float(np.quantile(t_max, 1 - alpha, method="inverted_cdf"))
    return se, crit


def _wif(keep: np.ndarray, pg: np.ndarray, unit_group: np.ndarray, group: np.ndarray):
    """Influence of estimating the cohort-share weights (R ``did``'s ``wif``)."""
    ind = np.column_stack([(unit_group == group[k]).astype(float) - pg[k] for k in keep])
    total = pg[keep].sum()
    return ind / total - ind.sum(axis=1, keepdims=True) @ (pg[keep][None, :] / total**2)


def _combine(att, inf, keep, weights, wif=None) -> tuple[float, np.ndarray]:
    estimate = float(np.sum(att[keep] * weights))
    psi = inf[:, keep] @ weights
    if wif is not None:
        psi = psi + wif @ att[keep]
    return estimate, psi


def aggregate_all(cells: Cells, *, bootstrap: int, seed: int, alpha: float) -> Aggregates:
    """Cells, the four aggregations and the estimates table (overall terms first)."""
    n = cells.inf.shape[0]
    infer = _Inference(n, bootstrap, seed, alpha)
    shares = {g: float(np.mean(cells.unit_group == g)) for g in np.unique(cells.group)}
    pg = np.array([shares[g] for g in cells.group])
    labels = cells.labels
    post = ~cells.pre & ~cells.ahead

    se, crit = infer.se_and_crit(cells.inf)
    group_time = _frame(
        {"group": [labels[g] for g in cells.group], "period": [labels[t] for t in cells.time]},
        cells.att,
        se,
        crit,
    ).rename({"estimate": "att"})

    overall: dict[str, tuple[float, np.ndarray]] = {}
    keep = np.nonzero(post)[0]
    overall["att"] = _combine(
        cells.att,
        cells.inf,
        keep,
        pg[keep] / pg[keep].sum(),
        _wif(keep, pg, cells.unit_group, cells.group),
    )

    cohorts = sorted(shares)
    g_att, g_inf = [], []
    for g in cohorts:
        k = np.nonzero((cells.group == g) & post)[0]
        est, psi = _combine(cells.att, cells.inf, k, np.full(k.size, 1 / k.size))
        g_att.append(est)
        g_inf.append(psi)
    g_att_arr, g_inf_arr = np.array(g_att), np.column_stack(g_inf)
    pgg = np.array([shares[g] for g in cohorts])
    every = np.arange(len(cohorts))
    overall["att_group"] = _combine(
        g_att_arr, g_inf_arr, every, pgg / pgg.sum(),
        _wif(every, pgg, cells.unit_group, np.array(cohorts)),
    )  # fmt: skip

    event = cells.time - cells.group
    e_values = sorted(set(event.tolist()))
    e_att, e_inf = [], []
    for e in e_values:
        k = np.nonzero(event == e)[0]
        est, psi = _combine(
            cells.att, cells.inf, k, pg[k] / pg[k].sum(), _wif(k, pg, cells.unit_group, cells.group)
        )
        e_att.append(est)
        e_inf.append(psi)
    e_att_arr, e_inf_arr = np.array(e_att), np.column_stack(e_inf)
    e_post = np.nonzero(np.array(e_values) >= 0)[0]
    overall["att_dynamic"] = _combine(
        e_att_arr, e_inf_arr, e_post, np.full(e_post.size, 1 / e_post.size)
    )

    first = int(cells.group.min())
    c_values = sorted({int(t) for t in cells.time if t >= first})
    c_att, c_inf = [], []
    for t in c_values:
        k = np.nonzero((cells.time == t) & post)[0]
        est, psi = _combine(
            cells.att, cells.inf, k, pg[k] / pg[k].sum(), _wif(k, pg, cells.unit_group, cells.group)
        )
        c_att.append(est)
        c_inf.append(psi)
    c_att_arr, c_inf_arr = np.array(c_att), np.column_stack(c_inf)
    every_c = np.arange(len(c_values))
    overall["att_calendar"] = _combine(
        c_att_arr, c_inf_arr, every_c, np.full(len(c_values), 1 / len(c_values))
    )

    by_group = _frame(
        {"group": [labels[g] for g in cohorts]}, g_att_arr, *infer.se_and_crit(g_inf_arr)
    )
    event_time = _frame({"event_time": e_values}, e_att_arr, *infer.se_and_crit(e_inf_arr))
    by_calendar = _frame(
        {"period": [labels[t] for t in c_values]}, c_att_arr, *infer.se_and_crit(c_inf_arr)
    )

    names = list(overall)
    est = np.array([overall[k][0] for k in names])
    psi = np.column_stack([overall[k][1] for k in names])
    se_overall = np.array([infer.se_and_crit(psi[:, [j]])[0][0] for j in range(len(names))])
    rows = [_rows(names, est, se_overall, alpha)]
    rows.append(
        _rows(
            [f"event{e:+d}" for e in e_values], e_att_arr, event_time["std_error"].to_numpy(), alpha
        )
    )
    rows.append(
        _rows(
            [f"group {labels[g]}" for g in cohorts],
            g_att_arr,
            by_group["std_error"].to_numpy(),
            alpha,
        )
    )
    return Aggregates(pl.concat(rows), group_time, event_time, by_group, by_calendar)


def _frame(keys: dict, estimate: np.ndarray, se: np.ndarray, crit: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            **keys,
            "estimate": estimate,
            "std_error": se,
            "band_low": estimate - crit * se,
            "band_high": estimate + crit * se,
        },
        strict=False,
    )


def _rows(terms: list[str], estimate: np.ndarray, se: np.ndarray, alpha: float) -> pl.DataFrame:
    z = float(stats.norm.ppf(1 - alpha / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(estimate / se))
    return pl.DataFrame(
        dict(
            zip(
                ESTIMATE_COLUMNS,
                [terms, estimate, se, estimate - z * se, estimate + z * se, p],
                strict=True,
            )
        ),
        schema={c: (pl.String if c == "term" else pl.Float64) for c in ESTIMATE_COLUMNS},
    )
