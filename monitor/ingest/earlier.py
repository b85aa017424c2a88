"""Cross-chunk state of a case file checked chunk by chunk (:mod:`monitor.ingest.chunked`).

Two checks of a case file look beyond a row: a duplicate key names the key's first row,
and a child's first row needs its attributes unless an earlier row had them. Both only
look *back*, so a file read in chunks can be checked exactly like a whole file if each
chunk knows what the earlier chunks saw: :class:`Earlier`, kept in hashes (a 64- and a
32-bit hash per key) so that it costs 16 bytes a key, whatever the width of the file.
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
#: Rows of one run of :class:`HashRuns` at most: merging two runs copies them, so this
#: bounds the copy (16 MiB), and 10 M keys are held in about a dozen runs.
RUN_ROWS = 1 << 20


def hashes(expr: pl.Expr, prefix: str) -> list[pl.Expr]:
    """Two independent hashes of ``expr``, 64 and 32 bits: 96 bits stand for a key in memory
    (two of ten million keys share them with a chance of about 1 in 10^15)."""
    return [
        expr.hash(1).alias(f"{prefix}1"),
        (expr.hash(2) % (1 << 32)).cast(pl.UInt32).alias(f"{prefix}2"),
    ]


@dataclass
class HashRuns:
    """Hashed keys (``{prefix}1`` 64 bits, ``{prefix}2`` 32 bits) with a row number
    (``value``), in runs of at most :data:`RUN_ROWS` rows, each key in one run only.

    Looked up by a join on the 64-bit hash alone (then the 32-bit one compared): a join on
    both columns row-encodes the whole state for every chunk, which grew to ~800 MiB and
    minutes at 10 M keys; a single integer key costs a probe of each run, nothing more."""

    prefix: str
    value: str
    runs: list[pl.DataFrame] = field(default_factory=list)

    @property
    def on(self) -> list[str]:
        """The two hash columns."""
        return [f"{self.prefix}1", f"{self.prefix}2"]

    @property
    def height(self) -> int:
        """Keys held."""
        return sum(run.height for run in self.runs)

    def seen(self, rows: pl.DataFrame) -> pl.DataFrame:
        """``ROW`` and the stored row number (``value``) of the rows of ``rows`` (which
        have the hash columns) whose key is held."""
        first, second = self.on
        probe = rows.select(ROW, first, second)
        found = [
            probe.join(run, on=first, suffix="_held")
            .filter(pl.col(second) == pl.col(f"{second}_held"))
            .select(ROW, self.value)
            for run in self.runs
        ]
        empty = pl.DataFrame(schema={ROW: pl.Int64, self.value: pl.UInt32})
        return pl.concat(found) if found else empty

    def add(self, new: pl.DataFrame) -> None:
        """Hold ``new`` (the hash columns and ``value``; keys not held yet). Runs of equal
        size are merged, like the digits of a binary counter, up to :data:`RUN_ROWS`."""
        self.runs.append(new.select(*self.on, self.value))
        while (
            len(self.runs) > 1
            and self.runs[-2].height <= self.runs[-1].height
            and self.runs[-2].height + self.runs[-1].height <= RUN_ROWS
        ):
            last = self.runs.pop()
            self.runs[-1] = pl.concat([self.runs[-1], last])

    def remember_first(self, frame: pl.DataFrame, row: pl.Expr) -> None:
        """Hold the first ``row`` of each key of ``frame`` not held before."""
        new = (
            frame.group_by(self.on)
            .agg(row.min().cast(pl.UInt32).alias(self.value))
            .with_row_index(ROW)
            .with_columns(pl.col(ROW).cast(pl.Int64))
        )
        new = new.join(self.seen(new).select(ROW), on=ROW, how="anti").drop(ROW)
        self.add(new)


KEY_HASHES = ["_k1", "_k2"]
CHILD_HASHES = ["_c1", "_c2"]


def _key_runs() -> HashRuns:
    return HashRuns("_k", "_first_before")


@dataclass
class Earlier:
    """What the earlier chunks of the same file saw, so that a file checked chunk by chunk
    gets exactly the problems of a file checked whole: per row key (hashed) its first row,
    per child (hashed pseudonym) its first complete row, and its first complete *valid* row
    (for ``accept_valid``). 16 bytes a key and 16 a child, whatever the width of the file."""

    keys: HashRuns = field(default_factory=_key_runs)
    complete: dict[str, HashRuns] = field(default_factory=dict)

    def first_complete(self, which: str) -> HashRuns:
        """Per hashed child, its first complete row so far (``which``: all or valid rows)."""
        return self.complete.setdefault(which, HashRuns("_c", "_complete_before"))

    def remember_keys(self, frame: pl.DataFrame) -> None:
        """Add the first row of each key of ``frame`` not seen before."""
        self.keys.remember_first(frame.filter(pl.col("_keyed")), pl.col(ROW))

    def remember_complete(self, which: str, frame: pl.DataFrame) -> None:
        """Add the children of ``frame`` whose first complete row it holds."""
        complete = frame.filter(COMPLETE & pl.col("_pseudonym").is_not_null())
        rows = complete.select(ROW, *hashes(pl.col("_pseudonym"), "_c"))
        self.first_complete(which).remember_first(rows, pl.col(ROW))
