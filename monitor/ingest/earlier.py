"""Cross-chunk state of a case file checked chunk by chunk (:mod:`monitor.ingest.chunked`).

Two checks of a case file look beyond a row: a duplicate key names the key's first row,
and a child's first row needs its attributes unless an earlier row had them. Both only
look *back*, so a file read in chunks can be checked exactly like a whole file if each
chunk knows what the earlier chunks saw: :class:`Earlier`, kept in hashes (two 64-bit
hashes per key, 128 bits) so that it costs a few dozen bytes a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from monitor.ingest.read import ROW
from schema.base import Sex

COMPLETE = (
    pl.col("_birth_month").is_not_null()
    & pl.col("_sex").is_in([s.value for s in Sex])
    & pl.col("_municipality_id").is_not_null()
)


def hashes(expr: pl.Expr, prefix: str) -> list[pl.Expr]:
    """Two independent hashes of ``expr``, 64 and 32 bits: 96 bits stand for a key in memory
    (two of ten million keys share them with a chance of about 1 in 10^15)."""
    return [
        expr.hash(1).alias(f"{prefix}1"),
        (expr.hash(2) % (1 << 32)).cast(pl.UInt32).alias(f"{prefix}2"),
    ]


def seen(rows: pl.DataFrame, state: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """The rows of ``rows`` (a chunk) whose hashes ``on`` are in ``state`` (all earlier
    chunks), with the state's columns. An inner join, which hashes the smaller side: a left
    join would hash the whole state for every chunk (hundreds of MB at millions of keys)."""
    return rows.select([c for c in rows.columns if c in (ROW, *on)]).join(state, on=on)


KEY_HASHES = ["_k1", "_k2"]
CHILD_HASHES = ["_c1", "_c2"]


@dataclass
class Earlier:
    """What the earlier chunks of the same file saw, so that a file checked chunk by chunk
    gets exactly the problems of a file checked whole: per row key (hashed) its first row,
    per child (hashed pseudonym) its first complete row, and its first complete *valid* row
    (for ``accept_valid``). A few dozen bytes a row, whatever the width of
    the file: 16 bytes a key, 16 a child."""

    keys: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"_k1": pl.UInt64, "_k2": pl.UInt32, "_first_before": pl.UInt32}
        )
    )
    complete: dict[str, pl.DataFrame] = field(default_factory=dict)

    def first_complete(self, which: str) -> pl.DataFrame:
        """Per hashed child, its first complete row so far (``which``: all or valid rows)."""
        empty = {"_c1": pl.UInt64, "_c2": pl.UInt32, "_complete_before": pl.UInt32}
        return self.complete.get(which, pl.DataFrame(schema=empty))

    def remember_keys(self, frame: pl.DataFrame) -> None:
        """Add the first row of each key of ``frame`` not seen before."""
        new = (
            frame.filter(pl.col("_keyed"))
            .group_by(KEY_HASHES)
            .agg(_first_before=pl.col(ROW).min().cast(pl.UInt32))
        )
        new = new.join(seen(new, self.keys, KEY_HASHES), on=KEY_HASHES, how="anti")
        self.keys = pl.concat([self.keys, new], rechunk=False)

    def remember_complete(self, which: str, frame: pl.DataFrame) -> None:
        """Add the children of ``frame`` whose first complete row it holds."""
        known = self.first_complete(which)
        new = (
            frame.filter(COMPLETE & pl.col("_pseudonym").is_not_null())
            .with_columns(hashes(pl.col("_pseudonym"), "_c"))
            .group_by(CHILD_HASHES)
            .agg(_complete_before=pl.col(ROW).min().cast(pl.UInt32))
        )
        new = new.join(seen(new, known, CHILD_HASHES), on=CHILD_HASHES, how="anti")
        self.complete[which] = pl.concat([known, new], rechunk=False)
