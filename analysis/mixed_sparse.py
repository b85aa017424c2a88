"""The profiled two-level likelihood of :mod:`analysis.mixed` for wide, sparse designs.

With many fixed-effect columns that are mostly zero (an intercept and a time slope per
school: two hundred columns, six non-zero per row) the dense per-group blocks ``Z_i'[X_i y_i]``
cost ``groups x p`` memory and every evaluation ``groups x p²`` arithmetic, though a child
touches only the columns of the schools it attended. Here the blocks are kept as one sparse
matrix per random-effect column, all on the same pattern (group x column pairs that occur),
so each evaluation scales the pattern's values per group and forms the ``p x p``
cross-products from the pairs of non-zeros within each group (one gather and one
``bincount``): cost ``Σ_i nnz_i²`` instead of ``groups x p²``. The
algebra, the deviance and its gradient are those of :class:`analysis.mixed._Profile`
(same notation, same results to rounding).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.mixed import _inverse_logdet, profiled_deviance


class SparseProfile:
    """Sparse per-group sufficient statistics and the profiled deviance as a function of θ."""

    def __init__(self, y: np.ndarray, X: sp.csr_matrix, Z: np.ndarray, codes: np.ndarray):
        n, p = X.shape
        q = Z.shape[1]
        self.n, self.p, self.q = n, p, q
        self.n_groups = int(codes.max()) + 1
        W = sp.hstack([X, sp.csr_matrix(y[:, None])], format="coo")
        m = p + 1
        self.m = m
        self.WtW = (W.T @ W).toarray()
        # the pattern: every (group, column) pair with a non-zero W entry, in CSR order
        key = codes[W.row].astype(np.int64) * m + W.col
        pattern, where = np.unique(key, return_inverse=True)
        self.group_of = pattern // m
        self.indices = (pattern % m).astype(np.int32)
        self.indptr = np.concatenate(
            [[0], np.cumsum(np.bincount(self.group_of, minlength=self.n_groups))]
        )
        size = len(pattern)
        self.U = [
            np.bincount(where, weights=Z[W.row, j] * W.data, minlength=size) for j in range(q)
        ]
        indicator = sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(self.n_groups, n))
        zz = np.asarray(indicator @ (Z[:, :, None] * Z[:, None, :]).reshape(n, q * q))
        self.C = [[np.ascontiguousarray(zz[:, j * q + k]) for k in range(q)] for j in range(q)]
        # every ordered pair (j, k) of non-zeros of the same group, and its cell in m x m
        per_group = np.diff(self.indptr)
        reps = per_group[self.group_of]
        self.left = np.repeat(np.arange(size), reps)
        first = np.repeat(np.cumsum(reps) - reps, reps)
        self.right = self.indptr[self.group_of][self.left] + (np.arange(len(self.left)) - first)
        self.cell = self.indices[self.left].astype(np.int64) * m + self.indices[self.right]
        self.rows, self.cols = np.tril_indices(q)
        order = np.lexsort((self.rows, self.cols))  # column-major, as lme4's theta
        self.rows, self.cols = self.rows[order], self.cols[order]
        self.evaluations = 0

    def factor(self, theta: np.ndarray) -> np.ndarray:
        lam = np.zeros((self.q, self.q))
        lam[self.rows, self.cols] = theta
        return lam

    def _pairs(self, left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
        """Per within-group pair of non-zeros: ``Σ_i left_i[j] right_i[k]``."""
        return sum(a[self.left] * b[self.right] for a, b in zip(left, right, strict=True))

    def _cross(self, left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
        """``Σ_i L_i' R_i`` for value vectors on the pattern (groups x m each), dense m x m."""
        flat = np.bincount(self.cell, weights=self._pairs(left, right), minlength=self.m**2)
        return flat.reshape(self.m, self.m)

    def solve(self, theta: np.ndarray, *, reml: bool, gradient: bool = False) -> dict:
        """Deviance and every profiled quantity at θ, as :meth:`analysis.mixed._Profile.solve`."""
        self.evaluations += 1
        lam = self.factor(theta)
        q, p = self.q, self.p
        span = range(q)
        g = self.group_of
        CL = [[sum(self.C[a][k2] * lam[k2, k] for k2 in range(k, q)) for k in span] for a in span]
        M = [
            [sum(lam[j, i] * CL[j][k] for j in range(i, q)) + (i == k) for k in span] for i in span
        ]
        B = [sum(lam[j, i] * self.U[j] for j in range(i, q)) for i in span]
        Minv, logdet_m = _inverse_logdet(M)
        KU = [sum(Minv[i][k][g] * B[k] for k in span) for i in span]  # M_i⁻¹Λ'U_i
        S = self.WtW - self._cross(B, KU)
        S = (S + S.T) / 2
        out = profiled_deviance(S, logdet_m, n=self.n, p=p, reml=reml)
        A, beta, r2, dof = out["A"], out["beta"], out["r2"], out["dof"]
        if gradient:
            v = np.append(-beta, 1.0)
            Q = (dof / r2) * np.outer(v, v)
            if reml:
                Q[:p, :p] += np.linalg.inv(A)
            HU = [self.U[a] - sum(CL[a][k][g] * KU[k] for k in span) for a in span]
            q_pair = Q.ravel()[self.cell]
            grad = np.zeros((q, q))
            for a in span:
                for b in range(a + 1):
                    g_logdet = sum(float((CL[a][k] * Minv[k][b]).sum()) for k in span)
                    quad = float(np.dot(self._pairs([HU[a]], [KU[b]]), q_pair))
                    grad[a, b] = 2.0 * g_logdet - 2.0 * quad
            out["gradient"] = grad[self.rows, self.cols]
        return out
