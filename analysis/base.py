"""What every model in :mod:`analysis` shares: input checks, the result type, formatting.

Each fit function in this package takes a polars frame, checks it here (columns present,
enough clusters, variation in the outcome), converts it to pandas once, fits a statsmodels
model and returns a frozen :class:`ModelResult` (or a subclass with model-specific extras).
Problems a user can act on are raised as :class:`monitor.errors.ModelFitError` with a message
that names what is missing.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from monitor.errors import ModelFitError

Z95 = 1.959963984540054

ESTIMATE_COLUMNS = ("term", "estimate", "std_error", "ci_low", "ci_high", "p_value")


@dataclass(frozen=True)
class ModelResult:
    """The tidy outcome of one model fit.

    Attributes
    ----------
    method : str
        Short machine name of the model family (``growth``, ``gee``, ``rates``, ...).
    estimates : polars.DataFrame
        One row per model term: ``term, estimate, std_error, ci_low, ci_high, p_value`` and,
        for log/logit links, the exponentiated columns (``rate_ratio``, ``odds_ratio``,
        ``hazard_ratio`` with their ``*_ci_low``/``*_ci_high``).
    n_obs : int
        Rows used in the fit (after dropping rows with missing values).
    converged : bool
        Whether the optimiser reported convergence.
    sentence : str
        One plain-language English sentence describing the main effect.
    n_children, n_clusters, n_periods : int or None
        Sizes where relevant for the model. ``n_children`` counts the grouping units of
        repeated measurements, which are not always children (see ``group_unit``).
    group_unit : str
        What ``n_children`` counts, in words (``children``; ``Pig`` for a ``Pig`` column).
    description : str
        The model in words (formula, error structure), for the report.
    notes : tuple of str
        Warnings and choices made (rows dropped, dispersion, suggestions).
    fit : object
        The statsmodels results object (not serialised; used by :meth:`summary`).
    """

    method: str
    estimates: pl.DataFrame
    n_obs: int
    converged: bool
    sentence: str
    n_children: int | None = None
    group_unit: str = "children"
    n_clusters: int | None = None
    n_periods: int | None = None
    description: str = ""
    notes: tuple[str, ...] = ()
    fit: Any = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """The statsmodels summary of the underlying fit, as text."""
        if self.fit is None:
            return self.estimates.__repr__()
        return str(self.fit.summary())

    def term(self, name: str) -> dict[str, Any]:
        """The estimates row of one term as a dict (raises ``KeyError`` if absent)."""
        rows = self.estimates.filter(pl.col("term") == name).to_dicts()
        if not rows:
            raise KeyError(f"no term {name!r}; terms are {self.estimates['term'].to_list()}")
        return rows[0]

    def frames(self) -> dict[str, pl.DataFrame]:
        """Extra tables of this result (counterfactual line, event study...), by name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "estimates" and isinstance(getattr(self, f.name), pl.DataFrame)
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: scalars, the estimates and any extra frames as row lists."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "fit":
                continue
            value = getattr(self, f.name)
            if isinstance(value, pl.DataFrame):
                out[f.name] = [_jsonable_row(r) for r in value.to_dicts()]
            elif isinstance(value, tuple):
                out[f.name] = list(value)
            else:
                out[f.name] = _jsonable(value)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _jsonable_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in row.items()}


# --------------------------------------------------------------------------- input checks


def require_columns(data: pl.DataFrame, columns: Iterable[str | None], *, model: str) -> None:
    """Raise :class:`ModelFitError` naming every required column that is absent."""
    if not isinstance(data, pl.DataFrame):
        raise ModelFitError(f"{model}: expected a polars DataFrame, got {type(data).__name__}")
    wanted = [c for c in columns if c is not None]
    missing = [c for c in dict.fromkeys(wanted) if c not in data.columns]
    if missing:
        raise ModelFitError(
            f"{model}: missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"the data has {', '.join(repr(c) for c in data.columns) or 'no columns'}"
        )


def drop_missing(
    data: pl.DataFrame, columns: Sequence[str | None], *, model: str
) -> tuple[pl.DataFrame, list[str]]:
    """Keep rows complete in ``columns``; return the frame and a note naming the rows that
    were left out (the first few, 1-based) and the missing values per column."""
    cols = [c for c in dict.fromkeys(columns) if c is not None]
    selected = data.select(cols)
    missing = [pl.col(c).is_null() for c in cols]
    missing += [~pl.col(c).is_finite() for c in cols if selected.schema[c].is_float()]
    gone = selected.select(pl.any_horizontal(missing).fill_null(True).alias("_gone"))["_gone"]
    kept = selected.filter(~gone)
    notes = []
    dropped = int(gone.sum())
    if dropped:
        per_column = []
        for c in cols:
            bad = selected[c].is_null()
            if selected.schema[c].is_float():
                bad = bad | ~selected[c].is_finite().fill_null(False)
            if int(bad.sum()):
                per_column.append(f"{c} {int(bad.sum())}")
        rows = [str(i + 1) for i in gone.arg_true().to_list()[:8]]
        more = ", ..." if dropped > 8 else ""
        notes.append(
            f"{dropped} row(s) with missing values in the model columns were left out "
            f"(missing: {', '.join(per_column)}; rows {', '.join(rows)}{more})"
        )
    if kept.height == 0:
        raise ModelFitError(f"{model}: no complete rows in columns {', '.join(cols)}")
    return kept, notes


def require_variation(series: pl.Series, *, model: str, what: str = "outcome") -> None:
    """Raise when a column takes a single value (nothing to estimate)."""
    if series.n_unique() < 2:
        value = series[0] if series.len() else None
        raise ModelFitError(
            f"{model}: no variation in the {what} {series.name!r} (every row is {value!r}); "
            "the model cannot be fitted"
        )


def require_clusters(series: pl.Series, minimum: int, *, model: str, what: str) -> int:
    """Raise when fewer than ``minimum`` distinct clusters are present; return the count."""
    n = series.n_unique()
    if n < minimum:
        raise ModelFitError(
            f"{model}: too few clusters: {n} distinct {what} in {series.name!r}, "
            f"need at least {minimum}"
        )
    return n


def require_binary(series: pl.Series, *, model: str, what: str = "outcome") -> None:
    """Raise unless the column holds only 0/1 (or booleans)."""
    values = set(series.cast(pl.Float64).unique().to_list())
    if not values <= {0.0, 1.0}:
        shown = sorted(v for v in values if v not in (0.0, 1.0))[:5]
        raise ModelFitError(
            f"{model}: the {what} {series.name!r} must be 0/1 (yes/no); found {shown}"
        )


def period_index(values: pl.Series) -> tuple[pl.Series, list[Any]]:
    """Map ordered period labels (numbers, dates, '2024-H1' strings) to 0, 1, 2, ...

    Returns the index series and the sorted distinct labels (position = index).
    """
    labels = values.unique().sort().to_list()
    lookup = {v: i for i, v in enumerate(labels)}
    index = values.replace_strict(lookup, return_dtype=pl.Int64)
    return index.alias(values.name), labels


def to_pandas(data: pl.DataFrame) -> pd.DataFrame:
    """The one polars-to-pandas conversion of a fit (booleans become 0/1 integers)."""
    casts = [pl.col(c).cast(pl.Int64) for c, t in data.schema.items() if t == pl.Boolean]
    if casts:
        data = data.with_columns(casts)
    return data.to_pandas()


def safe_name(name: str) -> str:
    """Quote a column name for a model formula (``Q('...')`` when not an identifier)."""
    return f"Q('{name}')" if not name.isidentifier() else name


def unquote(term: str) -> str:
    """Undo :func:`safe_name` inside a term name, so estimates show the column names."""
    return re.sub(r"Q\('([^']*)'\)", r"\1", term)


# --------------------------------------------------------------------------- results


def estimates_frame(
    params: pd.Series,
    bse: pd.Series,
    pvalues: pd.Series,
    *,
    ci: pd.DataFrame | None = None,
    exp_name: str | None = None,
    rename: dict[str, str] | None = None,
    keep: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Build the tidy estimates frame from statsmodels ``params``/``bse``/``pvalues``.

    ``ci`` defaults to the Wald interval ``estimate ± 1.96·se``. With ``exp_name`` (e.g.
    ``"rate_ratio"``) the exponentiated estimate and interval are added.
    """
    params = pd.Series(params)
    bse = pd.Series(bse, index=params.index)
    pvalues = pd.Series(pvalues, index=params.index)
    if ci is None:
        low, high = params - Z95 * bse, params + Z95 * bse
    else:
        ci = pd.DataFrame(ci, index=params.index)
        low, high = ci.iloc[:, 0], ci.iloc[:, 1]
    names = [str(n) for n in params.index]
    if rename:
        names = [rename.get(n, n) for n in names]
    names = [unquote(n) for n in names]
    frame = pl.DataFrame(
        {
            "term": names,
            "estimate": np.asarray(params, dtype=float),
            "std_error": np.asarray(bse, dtype=float),
            "ci_low": np.asarray(low, dtype=float),
            "ci_high": np.asarray(high, dtype=float),
            "p_value": np.asarray(pvalues, dtype=float),
        }
    )
    if exp_name:
        frame = frame.with_columns(
            pl.col("estimate").exp().alias(exp_name),
            pl.col("ci_low").exp().alias(f"{exp_name}_ci_low"),
            pl.col("ci_high").exp().alias(f"{exp_name}_ci_high"),
        )
    if keep is not None:
        frame = frame.filter(pl.col("term").is_in(list(keep)))
    return frame


def fmt(value: float, digits: int = 2) -> str:
    """Format a number for a sentence (minus sign as '-', fixed decimals)."""
    return f"{value:.{digits}f}"


def ci_text(low: float, high: float, digits: int = 2) -> str:
    """'95% CI 0.70–0.85' with an en dash; negative bounds get 'to' to stay readable."""
    if low < 0 or high < 0:
        return f"95% CI {fmt(low, digits)} to {fmt(high, digits)}"
    return f"95% CI {fmt(low, digits)}–{fmt(high, digits)}"


def ratio_phrase(ratio: float, low: float, high: float, *, kind: str, noun: str) -> str:
    """'fell by 23% (rate ratio 0.77, 95% CI 0.70–0.85)' for a multiplicative effect."""
    change = (ratio - 1.0) * 100.0
    direction = "rose" if change > 0 else "fell"
    if abs(change) < 0.05:
        direction, amount = "did not change", ""
    else:
        amount = f" by {abs(change):.0f}%" if abs(change) >= 1 else f" by {abs(change):.1f}%"
    return f"{noun} {direction}{amount} ({kind} {ratio:.2f}, {ci_text(low, high)})"


def ratio_of(row: dict, ratio: str, *, noun: str) -> str:
    """:func:`ratio_phrase` for an estimates row, from its ``<ratio>``, ``<ratio>_ci_low`` and
    ``<ratio>_ci_high`` columns (``ratio`` is e.g. ``rate_ratio``; its words name the kind)."""
    return ratio_phrase(
        row[ratio], row[f"{ratio}_ci_low"], row[f"{ratio}_ci_high"],
        kind=ratio.replace("_", " "), noun=noun,
    )  # fmt: skip


def ratio_sentence(lead: str, row: dict, ratio: str, *, noun: str, tested: bool = True) -> str:
    """One result sentence: ``lead`` (e.g. "After the start of the programme, "), the ratio
    phrase of ``row`` and, when ``tested``, whether it is statistically significant."""
    text = lead + ratio_of(row, ratio, noun=noun)
    return text + (significance_note(row["p_value"]) if tested else "") + "."


def significance_note(p_value: float) -> str:
    """A short clause on statistical significance at the 5% level."""
    if not np.isfinite(p_value):
        return ""
    if p_value < 0.05:
        return f"; this is statistically significant (p = {p_value:.3g})"
    return f"; this could be chance (p = {p_value:.2f})"


def capture_warnings() -> warnings.catch_warnings:
    """Context manager recording statsmodels warnings so they can become result notes."""
    return warnings.catch_warnings(record=True)


def warning_notes(caught: list[warnings.WarningMessage] | None) -> list[str]:
    """Distinct warning messages (first line) from a :func:`capture_warnings` block."""
    if not caught:
        return []
    seen: dict[str, None] = {}
    for w in caught:
        seen[str(w.message).splitlines()[0][:200]] = None
    return list(seen)
