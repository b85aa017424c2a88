"""Pseudonymisation at the door: keyed HMAC-SHA256 of a BSN or of a partner's own child id.

The message hashed is ``bsn:<bsn>`` for a BSN and ``org:<REPORTING_ORG_CODE>:<child_ref>``
for a partner's own id, with ``settings.pseudonym_key`` as the key; the pseudonym is the
hex digest. A raw BSN never leaves this module's callers: show it only through
:func:`mask_bsn`.

The BSN check is the *elfproef* (11-test): with the nine digits d1..d9,
``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` must be divisible by 11 (and not be all zeros).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

import polars as pl

from monitor.redact import mask, redact
from monitor.settings import production_checked

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def _key(key: bytes | str | None) -> bytes:
    if key is None:
        key = production_checked().pseudonym_key.get_secret_value()
    return key.encode() if isinstance(key, str) else key


def is_valid_bsn(bsn: str) -> bool:
    """True when ``bsn`` is nine digits that pass the elfproef."""
    if len(bsn) != 9 or not bsn.isdigit() or bsn == "000000000":
        return False
    return sum(w * int(d) for w, d in zip(_WEIGHTS, bsn, strict=True)) % 11 == 0


def bsn_valid_expr(column: str) -> pl.Expr:
    """Polars expression: the column holds a valid BSN (vectorised elfproef)."""
    col = pl.col(column)
    number = col.cast(pl.Int64, strict=False)
    total = pl.lit(0, dtype=pl.Int64)
    for index, weight in enumerate(_WEIGHTS):
        total = total + (number // 10 ** (8 - index)) % 10 * weight
    return (
        col.str.contains(r"^\d{9}$").fill_null(False)
        & (number > 0).fill_null(False)
        & ((total % 11) == 0).fill_null(False)
    )


def mask_bsn(bsn: str | None) -> str:
    """Show at most the last two characters: ``*******82``."""
    return mask(str(bsn)) if bsn else ""


def scrub(text: str) -> str:
    """Mask every BSN-shaped number in a message (a parser may quote a line); the rule is
    :func:`monitor.redact.redact`."""
    return redact(text)


def mask_expr(column: str) -> pl.Expr:
    """Polars expression masking a column like :func:`mask_bsn`."""
    col = pl.col(column).cast(pl.String)
    length = col.str.len_chars()
    return (
        pl.when(length > 2)
        .then(pl.lit("*").repeat_by(length - 2).list.join("") + col.str.slice(-2, 2))
        .otherwise(pl.lit("*").repeat_by(length).list.join(""))
        .alias(column)
    )


def pseudonym_for_bsn(bsn: str, *, key: bytes | str | None = None) -> str:
    """Pseudonym of a child identified by BSN."""
    return hmac.new(_key(key), f"bsn:{bsn}".encode(), hashlib.sha256).hexdigest()


def pseudonym_for_ref(org_code: str, child_ref: str, *, key: bytes | str | None = None) -> str:
    """Pseudonym of a child identified by the reporting organisation's own id."""
    message = f"org:{org_code}:{child_ref}".encode()
    return hmac.new(_key(key), message, hashlib.sha256).hexdigest()


def pseudonymise_many(messages: Iterable[str], *, key: bytes | str | None = None) -> list[str]:
    """HMAC-SHA256 hex digests of many messages (``bsn:...`` / ``org:...:...``), fast.

    The keyed inner/outer state is computed once and copied per message."""
    base = hmac.new(_key(key), digestmod=hashlib.sha256)
    result: list[str] = []
    append = result.append
    for message in messages:
        mac = base.copy()
        mac.update(message.encode())
        append(mac.hexdigest())
    return result


def pseudonym_series(
    frame: pl.DataFrame, *, bsn: str, child_ref: str, org_code: str, key: bytes | str | None = None
) -> pl.DataFrame:
    """Pseudonym per row of ``frame`` (null where neither id is usable), plus ``child_key``:
    a small integer per distinct child, for grouping without long string keys.

    Hashes each distinct identifier once, then maps back with one join."""
    messages = frame.select(
        pl.when(pl.col(bsn).is_not_null())
        .then(pl.lit("bsn:") + pl.col(bsn))
        .when(pl.col(child_ref).is_not_null())
        .then(pl.lit(f"org:{org_code}:") + pl.col(child_ref))
        .alias("message")
    )
    unique = messages["message"].drop_nulls().unique()
    lookup = pl.DataFrame(
        {
            "message": unique,
            "pseudonym": pseudonymise_many(unique.to_list(), key=key),
            "child_key": pl.int_range(unique.len(), dtype=pl.Int64, eager=True),
        },
        schema={"message": pl.String, "pseudonym": pl.String, "child_key": pl.Int64},
    )
    joined = messages.join(lookup, on="message", how="left", maintain_order="left")
    return joined.select("pseudonym", "child_key")
