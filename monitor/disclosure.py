"""Disclosure control of every published count of children: the one place its rules live.

The design (README, "Disclosure control"), after the cell-key method CBS and the Australian
Bureau of Statistics use for tables people may combine freely:

* **Small counts withheld.** A count of children from 1 up to (not including) the
  threshold ``T`` (``DISCLOSURE_THRESHOLD``, default 10) is withheld (reason ``small``);
  zero is published (it identifies nobody). Anything computed from a withheld count (a
  rate, a mean over those children) is withheld with it.
* **Every other count carries bounded, consistent noise.** A published count ``n >= T``
  becomes ``max(T, n + d)`` with ``d`` in -3..3 drawn from :data:`NOISE_TABLE` by the
  cell's *key*, a number in [0, 1): for case-level cells the sum (mod 1) of the secret
  record keys of the children behind it, for a reported figure a keyed hash of the cell
  and its value, for a comparison group the same over the group. The same cell always gets
  the same noise, so asking again (or in another table, breakdown or moment) teaches
  nothing new; a difference of two published counts carries two noises nobody can
  separate, so subtracting tables no longer gives a withheld cell exactly.
* Optional rounding to multiples of ``DISCLOSURE_ROUNDING`` after the noise.
* Rates are computed from the published (noisy) numerator and denominator.

The keys are derived from ``PSEUDONYM_KEY``; without it the noise cannot be predicted.
``DISCLOSURE_NOISE=none`` switches the noise off (figures exact, small counts still
withheld): for tests against an independent computation, never for publication.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

import numpy as np
import polars as pl

from monitor.settings import get_settings

#: Noise d = -3..3 and its probabilities (mean 0, variance 1.02). Public by design: the
#: protection rests on the secret keys, not on hiding the table.
NOISE_TABLE: tuple[tuple[int, float], ...] = (
    (-3, 0.01),
    (-2, 0.06),
    (-1, 0.18),
    (0, 0.50),
    (1, 0.18),
    (2, 0.06),
    (3, 0.01),
)
MAX_NOISE = max(abs(d) for d, _ in NOISE_TABLE)
#: Decimals of published means and quantiles (a finer mean would give back sums).
MEAN_DECIMALS = 1

SMALL = "small"
_BOUNDS = np.cumsum([p for _, p in NOISE_TABLE])
_NOISE = np.array([d for d, _ in NOISE_TABLE], dtype=np.int64)


@lru_cache(maxsize=8)
def _secret(pseudonym_key: str) -> bytes:
    return hmac.new(pseudonym_key.encode(), b"common-monitor cell key v1", hashlib.sha256).digest()


def _key_secret() -> bytes:
    return _secret(get_settings().pseudonym_key.get_secret_value())


def figure_key(members: str, indicator_code: str, period_code: str, source_kind: str,
               category: str, value: float | None) -> float:  # fmt: skip
    """The key of a reported (or pooled) figure: a keyed hash of the cell, who it is about
    (one organisation code, or a group's sorted codes) and its true value, in [0, 1)."""
    text = "|".join(
        [members, indicator_code, period_code, source_kind, category, _value_text(value)]
    )
    digest = hmac.new(_key_secret(), text.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:7], "big") / 2**56


def _value_text(value: float | None) -> str:
    return "" if value is None else f"{round(float(value), 6):.6f}"


def record_keys(child_ids: pl.Series, *, rows: bool = False) -> pl.Series:
    """Each child's secret record key in [0, 1): a keyed 64-bit mix of its id (vectorised;
    the cell key of a case-level cell is the sum of its children's keys mod 1).

    ``rows``: the key its *rows* add to a count of rows, drawn from another part of the
    secret, so that a count of rows never carries the noise of the count of children beside
    it (their difference would be exact)."""
    part = _key_secret()[8:16] if rows else _key_secret()[:8]
    seed = np.uint64(int.from_bytes(part, "big"))
    x = child_ids.cast(pl.UInt64).to_numpy().astype(np.uint64) ^ seed
    with np.errstate(over="ignore"):  # splitmix64 finaliser: wraps modulo 2**64 by design
        x = (x + np.uint64(0x9E3779B97F4A7C15)).astype(np.uint64)
        x = ((x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)).astype(np.uint64)
        x = ((x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)).astype(np.uint64)
        x = x ^ (x >> np.uint64(31))
    return pl.Series(child_ids.name, (x >> np.uint64(11)).astype(np.float64) / 2.0**53)


def noise_for(keys: np.ndarray) -> np.ndarray:
    """The noise d of each cell key (``NOISE_TABLE`` looked up by the key)."""
    index = np.searchsorted(_BOUNDS, np.asarray(keys, dtype=np.float64), side="right")
    return _NOISE[np.minimum(index, len(_NOISE) - 1)]


def publish_count(counts: pl.Series, keys: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Published counts and whether each is withheld, for true ``counts`` of children and
    their cell ``keys``: 0 stays 0, 1..T-1 withheld (null), otherwise max(T, n + d),
    rounded to ``DISCLOSURE_ROUNDING``."""
    settings = get_settings()
    threshold, rounding = settings.disclosure_threshold, settings.disclosure_rounding
    n = counts.cast(pl.Float64).to_numpy()
    withheld = (n > 0) & (n < threshold)
    published = n.copy()
    if settings.disclosure_noise == "cell_key":
        k = keys.cast(pl.Float64).fill_null(0.0).to_numpy()
        big = n >= threshold
        published = np.where(big, np.maximum(threshold, n + noise_for(k)), n)
    if rounding > 1:
        published = np.floor(published / rounding + 0.5) * rounding
    published = np.where(withheld, np.nan, published)
    values = pl.Series(counts.name, published).fill_nan(None)
    return values, pl.Series("suppressed", withheld & ~np.isnan(n))


def display_value(
    value: float | None,
    suppressed: bool,
    *,
    decimals: int = 1,
    threshold: int | None = None,
    language: str = "nl",
) -> str:
    """Render a published value Dutch-style (``1.234,5``); withheld cells as ``< 10``."""
    if suppressed:
        limit = get_settings().disclosure_threshold if threshold is None else threshold
        return f"< {limit}"
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if language == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text
