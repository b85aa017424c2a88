"""Two-way fixed effects without dummy matrices: absorb unit and period effects.

Used by :mod:`analysis.did` and :mod:`analysis.event_study` so that a national panel (340
networks x 16 half-years) fits in a fraction of a second instead of building and
decomposing a 5,440 x 357 dummy matrix.

References
----------
Gaure, S. (2013). OLS with multiple high dimensional category variables. *Computational
Statistics & Data Analysis*, 66, 8-18.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm


def absorb(
    values: np.ndarray, codes: Sequence[np.ndarray], *, tol: float = 1e-10, maxiter: int = 1000
) -> np.ndarray:
    """Sweep out group means of several factors by alternating projections.

    After convergence each column is orthogonal to the dummies of every factor in ``codes``
    (integer group codes), which by the Frisch-Waugh-Lovell theorem gives the two-way
    fixed-effects coefficients without building the dummy matrix (Gaure, 2013, *Computational
    Statistics & Data Analysis* 66, 8-18). A balanced panel converges in one sweep.
    """
    x = np.array(values, dtype=float, copy=True)
    counts = [np.bincount(c) for c in codes]
    for _ in range(maxiter):
        change = 0.0
        for c, n in zip(codes, counts, strict=True):
            sums = np.stack(
                [np.bincount(c, weights=x[:, j], minlength=n.size) for j in range(x.shape[1])],
                axis=1,
            )
            step = (sums / n[:, None])[c]
            x -= step
            change = max(change, float(np.abs(step).max()))
        if change < tol:
            break
    return x


def fit_within(pdf, outcome: str, xcols: list[str], unit: str, period: str, cov_args: dict):
    """OLS of the unit- and period-demeaned outcome on the demeaned regressors.

    Coefficients equal those of OLS with unit and period dummies. The residual degrees of
    freedom are reduced by the absorbed fixed effects, so classical and HC1 standard errors
    equal the dummy-variable ones; the cluster-robust small-sample factor counts only the
    regressors shown (the convention of fixest/reghdfe for fixed effects nested in the
    clusters), so clustered SEs are smaller than those of dummy-variable OLS by the factor
    ``sqrt((N - K_dummies) / (N - K_shown))`` - about 3% for 340 networks x 16 periods.
    """
    codes = [pd.factorize(pdf[unit])[0], pd.factorize(pdf[period])[0]]
    z = absorb(pdf[[outcome, *xcols]].to_numpy(dtype=float), codes)
    exog = pd.DataFrame(z[:, 1:], columns=xcols, index=pdf.index)
    model = sm.OLS(pd.Series(z[:, 0], name=outcome, index=pdf.index), exog)
    absorbed = int(codes[0].max() + 1 + codes[1].max())  # unit levels + period levels - 1
    model.df_resid = model.df_resid - absorbed
    return model.fit(**cov_args)
