"""Synthetic identifiers: BSNs that pass the elfproef, BRIN codes, partner-own child ids.

BSNs are unique across a whole run: municipality ``m`` draws from its own block of the
8-digit prefix space (``m * 250,000 + j``), scrambled by an affine permutation modulo 10^8
that depends on the seed, so blocks never overlap and chunks can be generated
independently. A prefix whose check digit would be 10 is skipped.
"""

from __future__ import annotations

import numpy as np

BLOCK = 250_000
_SPACE = 100_000_000
_MULTIPLIER = 483_483  # odd and not a multiple of 5: a bijection modulo 10^8
_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def elfproef(bsn: str) -> bool:
    """True when ``bsn`` is 9 digits and d1*9 + ... + d8*2 - d9 is divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits[:8], _WEIGHTS.tolist(), strict=True)) - digits[8]
    return total % 11 == 0


def _digits(prefix: np.ndarray) -> np.ndarray:
    powers = 10 ** np.arange(7, -1, -1, dtype=np.int64)
    return (prefix[:, None] // powers) % 10


def bsn_block(municipality_index: int, count: int, seed: int) -> np.ndarray:
    """``count`` distinct valid BSNs (as strings) for the municipality with this index."""
    if count > BLOCK * 10 // 11 - 1000:
        raise ValueError(f"too many children ({count}) in one municipality for the BSN block")
    offset = (seed * 7919 + 12345) % _SPACE
    need = int(count * 1.15) + 64
    found: list[np.ndarray] = []
    start = 0
    total = 0
    while total < count:
        local = np.arange(start, min(start + need, BLOCK), dtype=np.int64)
        prefix = (_MULTIPLIER * (municipality_index * BLOCK + local) + offset) % _SPACE
        check = (_digits(prefix) * _WEIGHTS).sum(axis=1) % 11
        valid = check < 10
        found.append(prefix[valid] * 10 + check[valid])
        total += int(valid.sum())
        start += need
    numbers = np.concatenate(found)[:count]
    return np.char.zfill(numbers.astype(str), 9)


def break_bsn(bsn: str) -> str:
    """A 9-digit string that differs from ``bsn`` only in its check digit, so fails the test."""
    last = int(bsn[-1])
    return bsn[:-1] + str((last + 3) % 10)


def brin_codes(first_index: int, count: int) -> list[str]:
    """BRIN-like school codes (2 digits + 2 letters), unique for distinct indexes < 67,600."""
    index = np.arange(first_index, first_index + count, dtype=np.int64)
    if count and index[-1] >= 67_600:
        raise ValueError("more schools than BRIN codes")
    scrambled = (index * 7_919 + 1_301) % 67_600
    number, letters = scrambled // 676, scrambled % 676
    return [
        f"{n:02d}{_LETTERS[p // 26]}{_LETTERS[p % 26]}"
        for n, p in zip(number.tolist(), letters.tolist(), strict=True)
    ]
