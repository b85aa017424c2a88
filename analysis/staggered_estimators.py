"""The two-by-two estimators of one group-time cell of :mod:`analysis.staggered`.

Each takes the outcome change ``dy`` over the cell's two periods, the treatment indicator
``d`` (1 for the cohort, 0 for its comparison units) and the covariates ``cov`` (a column of
ones first) and returns the effect and its influence function, as R's ``DRDID`` package
does: outcome regression (``reg_did_panel``) and the doubly-robust estimator of Sant'Anna &
Zhao (2020, ``drdid_panel``).
"""

from __future__ import annotations

import numpy as np


def _ols(dy, cov, weights):
    xtx = (cov * weights[:, None]).T @ cov
    beta = np.linalg.solve(xtx, (cov * weights[:, None]).T @ dy)
    return beta, np.linalg.inv(xtx / len(dy))


def outcome_regression(dy: np.ndarray, d: np.ndarray, cov: np.ndarray) -> tuple[float, np.ndarray]:
    """Outcome-regression DiD for panel data and its influence function (DRDID reg_did_panel)."""
    c = 1 - d
    beta, xpx_inv = _ols(dy, cov, c)
    fitted = cov @ beta
    eta_t = np.mean(d * dy) / np.mean(d)
    eta_c = np.mean(d * fitted) / np.mean(d)
    lin_ols = (c * (dy - fitted))[:, None] * cov @ xpx_inv
    inf_treat = (d * dy - d * eta_t) / np.mean(d)
    inf_cont = (d * fitted - d * eta_c + lin_ols @ np.mean(d[:, None] * cov, axis=0)) / np.mean(d)
    return float(eta_t - eta_c), inf_treat - inf_cont


def _logit(d: np.ndarray, cov: np.ndarray) -> np.ndarray:
    beta = np.zeros(cov.shape[1])
    beta[0] = np.log(d.mean() / (1 - d.mean()))
    for _ in range(100):
        p = 1 / (1 + np.exp(-cov @ beta))
        step = np.linalg.solve((cov * (p * (1 - p))[:, None]).T @ cov, cov.T @ (d - p))
        beta += step
        if np.max(np.abs(step)) < 1e-12:
            break
    return beta


def doubly_robust(dy: np.ndarray, d: np.ndarray, cov: np.ndarray) -> tuple[float, np.ndarray]:
    """Doubly-robust DiD for panel data and its influence function (DRDID drdid_panel)."""
    n = len(dy)
    c = 1 - d
    ps = np.minimum(1 / (1 + np.exp(-cov @ _logit(d, cov))), 1 - 1e-6)
    trim = np.where(c == 1, ps < 0.995, True).astype(float)
    beta, xpx_inv = _ols(dy, cov, c)
    resid = dy - cov @ beta
    w_t = trim * d
    w_c = trim * ps * c / (1 - ps)
    eta_t = np.mean(w_t * resid) / np.mean(w_t)
    eta_c = np.mean(w_c * resid) / np.mean(w_c)
    lin_ols = (c * resid)[:, None] * cov @ xpx_inv
    hessian = np.linalg.inv((cov * (ps * (1 - ps))[:, None]).T @ cov) * n
    lin_ps = ((d - ps)[:, None] * cov) @ hessian
    inf_treat = (
        w_t * resid - w_t * eta_t - lin_ols @ np.mean(w_t[:, None] * cov, axis=0)
    ) / np.mean(w_t)
    m2 = np.mean((w_c * (resid - eta_c))[:, None] * cov, axis=0)
    m3 = np.mean(w_c[:, None] * cov, axis=0)
    inf_cont = (w_c * resid - w_c * eta_c + lin_ps @ m2 - lin_ols @ m3) / np.mean(w_c)
    return float(eta_t - eta_c), inf_treat - inf_cont
