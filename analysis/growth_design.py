"""The fixed-effect design of the fast growth fit: the formula's columns, the per-school
intercepts and slopes of ``school_effects``, and the rank check."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.base import safe_name
from analysis.mixed import is_wide_and_sparse, unit_columns


def design(formula: str, pdf: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcome and fixed-effect design through statsmodels' own formula machinery (0.15+:
    patsy or formulaic, as configured; 0.14: patsy), so term names match MixedLM's."""
    try:
        from statsmodels.formula._manager import FormulaManager
    except ImportError:  # statsmodels 0.14
        import patsy

        return patsy.dmatrices(formula, pdf, return_type="dataframe")
    return FormulaManager().get_matrices(formula, pdf)


def with_school_terms(
    exog: pd.DataFrame, pdf: pd.DataFrame, *, school: str, time: str
) -> tuple[sp.csr_matrix, list[str]]:
    """``exog`` with the columns of ``C(school) + C(school):time`` appended, as a sparse
    matrix, and the column names as the formula machinery gives them (``C(s)[T.level]``,
    ``C(s)[T.level]:time``; the first level in sorted order is the reference). Built
    directly: the formula machinery takes seconds, and a dense matrix hundreds of megabytes,
    for a hundred schools on a hundred thousand rows."""
    levels, codes = np.unique(pdf[school].to_numpy(), return_inverse=True)
    codes = codes.ravel()
    rows = np.flatnonzero(codes > 0)
    shape = (len(pdf), len(levels) - 1)
    dummies = sp.csr_matrix((np.ones(len(rows)), (rows, codes[rows] - 1)), shape=shape)
    times = pdf[time].to_numpy(dtype=float)
    slopes = sp.csr_matrix((times[rows], (rows, codes[rows] - 1)), shape=shape)
    label, slope = f"C({safe_name(school)})", safe_name(time)
    names = [f"{label}[T.{level}]" for level in levels[1:]]
    X = sp.hstack([sp.csr_matrix(exog.to_numpy(dtype=float)), dummies, slopes], format="csr")
    return X, [str(c) for c in exog.columns] + names + [f"{n}:{slope}" for n in names]


def column_ranks(X: np.ndarray | sp.spmatrix) -> Callable[[int], int]:
    """``rank(k)``: the rank of the first ``k`` columns of ``X``. Wide sparse designs (a
    term per school) use the cross-product of the unit-scaled columns, a p x p matrix,
    instead of the SVD of the n x p design (seconds at 100,000 rows x 200 columns)."""
    if not is_wide_and_sparse(X):
        return lambda k: int(np.linalg.matrix_rank(X[:, :k]))
    scaled, _ = unit_columns(X)
    gram = (scaled.T @ scaled).toarray()
    # the cross-product's entries carry rounding of order n·eps (sums over n rows), so the
    # tolerance is numpy's for X itself, max(n, p)·eps, taken relative to its largest
    # eigenvalue: columns whose relative singular value is below ~sqrt(n·eps) count as
    # combinations of the others
    n, p = X.shape
    tol = float(np.linalg.eigvalsh(gram).max()) * max(n, p) * np.finfo(float).eps
    return lambda k: int(np.linalg.matrix_rank(gram[:k, :k], tol=tol, hermitian=True))
