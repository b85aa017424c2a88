"""Two-level linear mixed models by a profiled likelihood on per-group sufficient statistics.

The model for group *i* (a child) is ``y_i = X_i β + Z_i b_i + e_i`` with
``b_i ~ N(0, σ² Λ Λ')`` and ``e_i ~ N(0, σ² I)``; Λ is the lower-triangular q×q relative
covariance factor (Bates et al., 2015). By the Woodbury identity every quantity the
likelihood needs is a sum over groups of small q×q and q×p blocks, so the data are reduced
once to ``Z_i'Z_i``, ``Z_i'X_i`` and ``Z_i'y_i`` (one sparse product, no loop over groups)
and each likelihood evaluation costs O(groups · q² · p) array arithmetic:

- ``M_i = I + Λ' Z_i'Z_i Λ`` with Cholesky factor ``L_i``; ``R_i = L_i⁻¹ Λ' Z_i'[X_i y_i]``
- ``X'V⁻¹X ∝ X'X − Σ R_iX' R_iX``, likewise ``X'V⁻¹y`` and ``y'V⁻¹y``
- β and σ² are profiled out; the deviance is a function of Λ only:

  ML:   ``Σ log|M_i| + n (1 + log(2π r²/n))``
  REML: ``Σ log|M_i| + log|X'Ṽ⁻¹X| + (n−p)(1 + log(2π r²/(n−p)))``

with ``r²`` the penalised residual sum of squares; these are lme4's ``deviance`` and
``REMLcrit``. The optimiser is L-BFGS-B over the entries of Λ (diagonal ≥ 0), on random-effect
columns scaled to unit mean square, with the analytic gradient of the deviance.

Reference
---------
Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models
using lme4. *Journal of Statistical Software*, 67(1), 1-48, sections 3.2-3.4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.stats import norm

if TYPE_CHECKING:  # the sparse profile imports this module's building blocks
    from analysis.mixed_sparse import SparseProfile

LOG_2PI = float(np.log(2 * np.pi))


def profiled_deviance(S: np.ndarray, logdet_m: float, *, n: int, p: int, reml: bool) -> dict:
    """The (RE)ML deviance profiled over the fixed effects and the residual variance, from
    the reduced cross-product ``S`` of [X y] and log|M| of the random-effect blocks:
    deviance, A (= X'V⁻¹X), beta, r2 (residual sum of squares) and the degrees of freedom."""
    A, c, yy = S[:p, :p], S[:p, p], S[p, p]
    chol_a = np.linalg.cholesky(A)
    beta = np.linalg.solve(A, c)
    r2 = float(yy - c @ beta)
    if not r2 > 0:
        raise np.linalg.LinAlgError("no residual variation left")
    dof = n - p if reml else n
    logdet_a = 2.0 * float(np.log(np.diag(chol_a)).sum())
    dev = logdet_m + dof * (1.0 + LOG_2PI + np.log(r2 / dof)) + (logdet_a if reml else 0.0)
    return {"deviance": float(dev), "A": A, "beta": beta, "r2": r2, "dof": dof}


@dataclass(frozen=True)
class MixedFit:
    """A fitted two-level model, with the attributes the platform reads from statsmodels.

    ``fe_params``/``bse_fe`` are the fixed effects and their standard errors
    (``σ² (X'Ṽ⁻¹X)⁻¹``), ``cov_re`` the random-effect covariance, ``scale`` the residual
    variance, ``llf`` the (restricted) log-likelihood, ``theta`` the relative covariance
    factor's lower triangle (column-major, as lme4's ``getME(fit, "theta")``).
    """

    fe_params: pd.Series
    bse_fe: pd.Series
    cov_fe: pd.DataFrame
    cov_re: pd.DataFrame
    scale: float
    llf: float
    reml: bool
    converged: bool
    nobs: int
    n_groups: int
    theta: np.ndarray = field(repr=False)
    evaluations: int = 0

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided Wald p-values of the fixed effects (normal reference, as statsmodels)."""
        z = self.fe_params / self.bse_fe
        return pd.Series(2 * norm.sf(np.abs(z)), index=self.fe_params.index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals of the fixed effects."""
        q = norm.ppf(1 - alpha / 2)
        low, high = self.fe_params - q * self.bse_fe, self.fe_params + q * self.bse_fe
        return pd.DataFrame({0: low, 1: high})

    def summary(self) -> str:
        """A plain-text table of fixed effects and variance components."""
        crit = "REML" if self.reml else "ML"
        lines = [
            f"Linear mixed model, {crit}; {self.nobs} observations in {self.n_groups} groups",
            f"log-likelihood {self.llf:.4f}; converged: {self.converged}",
            "",
            f"{'term':<30}{'estimate':>14}{'std.error':>14}{'z':>9} {'p':>9}",
        ]
        for name, est, se, p in zip(
            self.fe_params.index, self.fe_params, self.bse_fe, self.pvalues, strict=True
        ):
            lines.append(f"{name:<30}{est:>14.6g}{se:>14.6g}{est / se:>9.3f} {p:>9.3g}")
        lines += ["", "random-effect covariance:", self.cov_re.to_string()]
        lines.append(f"residual variance: {self.scale:.6g}")
        return "\n".join(lines)


class _Profile:
    """The reduced data and the profiled deviance (with its gradient) as a function of θ."""

    def __init__(self, y: np.ndarray, X: np.ndarray, Z: np.ndarray, codes: np.ndarray):
        n, p = X.shape
        q = Z.shape[1]
        self.n, self.p, self.q = n, p, q
        self.n_groups = int(codes.max()) + 1
        W = np.column_stack([X, y])
        self.WtW = W.T @ W
        indicator = sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(self.n_groups, n))
        products = np.concatenate(
            [
                (Z[:, :, None] * W[:, None, :]).reshape(n, q * (p + 1)),
                (Z[:, :, None] * Z[:, None, :]).reshape(n, q * q),
            ],
            axis=1,
        )
        sums = np.asarray(indicator @ products)
        # one contiguous array per block entry: U[j] = rows j of Z_i'W, (groups, p+1), and
        # C[j][k] = entries (j, k) of Z_i'Z_i, (groups,); the work per θ is then a handful
        # of vector operations and BLAS products per entry of Λ
        m = p + 1
        self.U = [np.ascontiguousarray(sums[:, j * m : (j + 1) * m]) for j in range(q)]
        zz = sums[:, q * m :]
        self.C = [[np.ascontiguousarray(zz[:, j * q + k]) for k in range(q)] for j in range(q)]
        self.rows, self.cols = np.tril_indices(q)
        order = np.lexsort((self.rows, self.cols))  # column-major, as lme4's theta
        self.rows, self.cols = self.rows[order], self.cols[order]
        self.evaluations = 0

    def factor(self, theta: np.ndarray) -> np.ndarray:
        lam = np.zeros((self.q, self.q))
        lam[self.rows, self.cols] = theta
        return lam

    def solve(self, theta: np.ndarray, *, reml: bool, gradient: bool = False) -> dict:
        """Deviance and every profiled quantity at θ (β, r², X'Ṽ⁻¹X; optionally ∂/∂θ).

        With ``P_i = Λ M_i⁻¹ Λ'`` the reduced cross-products are ``S = W'W − Σ U_i' P_i U_i``
        (``U_i = Z_i'W``). The gradient uses ``∂ log|M_i| = 2 tr(C_i Λ M_i⁻¹ ∂Λ')`` and
        ``∂S = −Σ [(H_i U_i)_a ⊗ (K_i U_i)_b + transpose]`` with ``K_i = M_i⁻¹Λ'``,
        ``H_i = I − C_i Λ K_i``; the deviance depends on S through ``tr(Q ∂S)``.
        """
        self.evaluations += 1
        lam = self.factor(theta)
        q, p = self.q, self.p
        span = range(q)
        # C_i Λ, M_i = I + Λ'C_iΛ and Λ'U_i, entry by entry (Λ is lower triangular)
        CL = [[sum(self.C[a][k2] * lam[k2, k] for k2 in range(k, q)) for k in span] for a in span]
        M = [
            [sum(lam[j, i] * CL[j][k] for j in range(i, q)) + (i == k) for k in span] for i in span
        ]
        B = [sum(lam[j, i] * self.U[j] for j in range(i, q)) for i in span]
        Minv, logdet_m = _inverse_logdet(M)
        KU = [sum(Minv[i][k][:, None] * B[k] for k in span) for i in span]  # M_i⁻¹Λ'U_i
        S = self.WtW - sum(np.dot(B[i].T, KU[i]) for i in span)
        out = profiled_deviance(S, logdet_m, n=self.n, p=p, reml=reml)
        A, beta, r2, dof = out["A"], out["beta"], out["r2"], out["dof"]
        if gradient:
            v = np.append(-beta, 1.0)
            Q = (dof / r2) * np.outer(v, v)
            if reml:
                Q[:p, :p] += np.linalg.inv(A)
            HU = [self.U[a] - sum(CL[a][k][:, None] * KU[k] for k in span) for a in span]
            grad = np.zeros((q, q))
            for a in span:
                HUQ = np.dot(HU[a], Q)
                for b in range(a + 1):
                    # (x * y).sum(), not np.dot: a 1-D BLAS dot stalls on a busy machine
                    g_logdet = sum(float((CL[a][k] * Minv[k][b]).sum()) for k in span)
                    grad[a, b] = 2.0 * g_logdet - 2.0 * float(np.sum(HUQ * KU[b]))
            out["gradient"] = grad[self.rows, self.cols]
        return out


def _inverse_logdet(M: list[list[np.ndarray]]) -> tuple[list[list[np.ndarray]], float]:
    """Entry-wise inverses of the per-group SPD q×q matrices and the sum of their
    log-determinants (closed forms for q ≤ 2, the platform's designs; LAPACK otherwise)."""
    q = len(M)
    if q == 1:
        m = M[0][0]
        if np.any(m <= 0):
            raise np.linalg.LinAlgError("not positive definite")
        return [[1.0 / m]], float(np.log(m).sum())
    if q == 2:
        a, b, d = M[0][0], M[0][1], M[1][1]
        det = a * d - b * b
        if np.any(a <= 0) or np.any(det <= 0):
            raise np.linalg.LinAlgError("not positive definite")
        off = -b / det
        return [[d / det, off], [off, a / det]], float(np.log(det).sum())
    stack = np.stack([np.stack(row, axis=-1) for row in M], axis=-2)
    chol = np.linalg.cholesky(stack)
    logdet = 2.0 * float(np.log(chol[:, np.arange(q), np.arange(q)]).sum())
    inv = np.linalg.inv(stack)
    return [[inv[:, i, k] for k in range(q)] for i in range(q)], logdet


def _flat(gradient: np.ndarray, deviance: float) -> bool:
    """Whether a gradient is at the deviance's rounding floor: below 2e-3, or below 1e-8 of
    the deviance (which grows with n; on the sparse path, without orthonormal columns, the
    deviance of ~100,000 rows carries ~1e-11 relative rounding and its finite-difference
    Hessian can stop the Newton steps at a gradient of a few 1e-3)."""
    return bool(np.max(np.abs(gradient)) < max(2e-3, 1e-8 * abs(deviance)))


def _newton_polish(
    prof: _Profile | SparseProfile,
    theta: np.ndarray,
    *,
    reml: bool,
    diagonal: np.ndarray,
    steps: int = 10,
) -> tuple[np.ndarray, bool]:
    """Newton steps from the quasi-Newton optimum, with a finite-difference Hessian of the
    analytic gradient; converged when the Newton step (lme4's "relative gradient") is tiny.

    L-BFGS-B stops on a line search at machine precision when the deviance is large (it
    grows with n); the Newton step is scale-free and settles the last digits.
    """
    theta = theta.copy()
    for _ in range(steps):
        s = prof.solve(theta, reml=reml, gradient=True)
        grad = s["gradient"]
        # a variance on its zero bound with the deviance rising inwards stays there
        free = ~(diagonal & (theta <= 0) & (grad >= 0))
        if not free.any():
            return theta, True
        idx = np.flatnonzero(free)
        hess = np.empty((idx.size, idx.size))
        for col, k in enumerate(idx):  # forward differences of the analytic gradient
            h = 1e-6 * max(1.0, abs(theta[k]))
            up = theta.copy()
            up[k] += h
            g_up = prof.solve(up, reml=reml, gradient=True)["gradient"]
            hess[:, col] = (g_up - grad)[idx] / h
        hess = (hess + hess.T) / 2
        try:
            np.linalg.cholesky(hess)
        except np.linalg.LinAlgError:
            return theta, _flat(grad[free], s["deviance"])
        step = np.linalg.solve(hess, grad[idx])
        if np.max(np.abs(step) / np.maximum(1.0, np.abs(theta[idx]))) < 1e-7:
            return theta, True
        for _half in range(20):
            trial = theta.copy()
            trial[idx] -= step
            trial = np.where(diagonal, np.maximum(trial, 0.0), trial)
            try:
                better = prof.solve(trial, reml=reml)["deviance"] <= s["deviance"]
            except np.linalg.LinAlgError:
                better = False
            if better:
                theta = trial
                break
            step = step / 2
        else:
            return theta, _flat(grad[free], s["deviance"])
    return theta, False


#: Designs with more fixed-effect columns than this, mostly zeros, take the sparse path.
SPARSE_MIN_COLUMNS = 40
SPARSE_MAX_DENSITY = 0.2


def is_wide_and_sparse(X: np.ndarray | sp.spmatrix) -> bool:
    """A scipy sparse matrix, or many columns with few non-zero per row (e.g. an intercept
    and a slope per school)."""
    if sp.issparse(X):
        return True
    return X.shape[1] > SPARSE_MIN_COLUMNS and np.count_nonzero(X) < SPARSE_MAX_DENSITY * X.size


def unit_columns(X: np.ndarray | sp.spmatrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """``X`` with unit mean-square columns, as CSR, and the scale of each column."""
    X = sp.csr_matrix(X, dtype=float)
    scale = np.sqrt(np.asarray(X.multiply(X).mean(axis=0)).ravel())
    scale[scale == 0] = 1.0
    return sp.csr_matrix(X @ sp.diags(1.0 / scale)), scale


def fit_two_level(
    y: np.ndarray,
    X: np.ndarray | sp.spmatrix,
    Z: np.ndarray,
    groups: np.ndarray,
    *,
    fe_names: list[str],
    re_names: list[str],
    reml: bool = True,
    maxiter: int = 500,
) -> MixedFit:
    """Fit ``y = Xβ + Zb + e`` with a q-dimensional random effect per group (any group sizes).

    ``groups`` holds one label per row (any hashable values); ``re_names`` name the columns
    of ``Z`` in the returned ``cov_re``. ``X`` may be a scipy sparse matrix (wide designs
    with a term per school); it is then fitted by :class:`analysis.mixed_sparse.SparseProfile`.
    """
    y = np.asarray(y, dtype=float)
    if not sp.issparse(X):
        X = np.asarray(X, dtype=float)
    Z = np.asarray(Z, dtype=float)
    if Z.ndim == 1:
        Z = Z[:, None]
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    codes = codes.ravel()
    # unit mean-square random-effect columns: same model, better-conditioned optimisation
    scaling = np.sqrt((Z**2).mean(axis=0))
    scaling[scaling == 0] = 1.0
    # orthonormal fixed-effect columns (X T = Q√n) and the OLS fit taken out of y: the same
    # model, but the cross-products no longer carry the outcome's mean, so the deviance keeps
    # ~14 digits instead of ~11 at n = 160,000 (enough for the Newton steps below)
    n = X.shape[0]
    prof: _Profile | SparseProfile
    if is_wide_and_sparse(X):
        from analysis.mixed_sparse import SparseProfile

        # unit mean-square columns (keeps the zeros) and the OLS fit taken out of y
        scaled, col_scale = unit_columns(X)
        gram = (scaled.T @ scaled).toarray()
        beta_ols = np.linalg.solve(gram, scaled.T @ y)
        to_beta = np.diag(1.0 / col_scale)
        prof = SparseProfile(y - scaled @ beta_ols, scaled, Z / scaling, codes)
    else:
        qx, rx = np.linalg.qr(X)
        to_beta = np.linalg.solve(rx, np.eye(X.shape[1])) * np.sqrt(n)
        ortho = qx * np.sqrt(n)
        beta_ols = ortho.T @ y / n
        prof = _Profile(y - ortho @ beta_ols, ortho, Z / scaling, codes)
    logdet_t = float(np.linalg.slogdet(to_beta)[1])
    diagonal = prof.rows == prof.cols
    start = np.where(diagonal, 1.0, 0.0)
    bounds = [(0.0, None) if d else (None, None) for d in diagonal]
    ref = abs(prof.solve(start, reml=reml)["deviance"]) or 1.0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        try:
            s = prof.solve(theta, reml=reml, gradient=True)
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(theta)
        return s["deviance"] / ref, s["gradient"] / ref

    opt = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": maxiter, "ftol": 1e-12, "gtol": 1e-7},
    )
    theta, converged = _newton_polish(prof, opt.x, reml=reml, diagonal=diagonal)
    s = prof.solve(theta, reml=reml)
    dof = prof.n - prof.p if reml else prof.n
    scale = s["r2"] / dof
    cov_fe = to_beta @ (scale * np.linalg.inv(s["A"])) @ to_beta.T
    beta = to_beta @ (beta_ols + s["beta"])
    lam = prof.factor(theta) / scaling[:, None]
    cov_re = scale * lam @ lam.T
    # log|X'Ṽ⁻¹X| = log|T⁻ᵀ A T⁻¹| = log|A| − 2 log|T| (REML only)
    llf = -0.5 * (s["deviance"] - (2.0 * logdet_t if reml else 0.0))
    return MixedFit(
        fe_params=pd.Series(beta, index=fe_names),
        bse_fe=pd.Series(np.sqrt(np.diag(cov_fe)), index=fe_names),
        cov_fe=pd.DataFrame(cov_fe, index=fe_names, columns=fe_names),
        cov_re=pd.DataFrame(cov_re, index=re_names, columns=re_names),
        scale=float(scale),
        llf=float(llf),
        reml=reml,
        converged=converged,
        nobs=prof.n,
        n_groups=prof.n_groups,
        theta=lam[prof.rows, prof.cols],
        evaluations=prof.evaluations,
    )
