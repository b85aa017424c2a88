"""Write the files: case Parquet per reporting organisation, aggregate CSV per reporting
organisation, the organisation/membership/event/obligation CSVs and ``truth.json``.

Output is byte-identical for the same seed: rows are sorted on unique keys, Parquet is
written by pyarrow with fixed settings (no timestamps in its metadata), CSVs are all text.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from synthetic_data.aggregates import AGGREGATE_COLUMNS
from synthetic_data.errors import ErrorInjector
from synthetic_data.rows import CASE_COLUMNS, CHILD, ORG

_ARROW_TYPES = {pl.String: pa.string(), pl.Float64: pa.float64()}
TOP_LEVEL = ("organisations.csv", "memberships.csv", "events.csv", "obligations.csv", "truth.json")


def rows_by_reporter(frame: pl.DataFrame, reporters: list[str]) -> dict[str, pl.Series]:
    """Row indexes of ``frame`` per reporting organisation (``_org`` indexes ``reporters``).

    Taking each organisation's rows by index, one at a time, keeps memory low; splitting the
    whole frame at once (``partition_by``, ``filter``) copies every string column together."""
    codes = frame[ORG].to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(reporters) + 1))
    return {
        reporters[k]: pl.Series(order[bounds[k] : bounds[k + 1]])
        for k in range(len(reporters))
        if bounds[k + 1] > bounds[k]
    }


class Writer:
    """Writes files under ``out_dir`` and counts what it wrote."""

    def __init__(self, out_dir: Path, injector: ErrorInjector):
        self.out = out_dir
        self.injector = injector
        self.case_rows: dict[str, int] = {}
        self.aggregate_rows: dict[str, int] = {}
        for folder, pattern in (("case", "*.parquet"), ("aggregate", "*.csv")):
            (out_dir / folder).mkdir(parents=True, exist_ok=True)
            for stale in sorted((out_dir / folder).glob(pattern)):
                stale.unlink()
        for name in TOP_LEVEL:
            (out_dir / name).unlink(missing_ok=True)

    def case(self, org: str, part: pl.DataFrame) -> None:
        """Write the case rows reported by ``org``, sorted by indicator, date and child (a
        unique key, so the order is fully determined)."""
        part = part.sort(
            "indicator", "date", CHILD, "category", maintain_order=True, nulls_last=False
        )
        name = f"case/{org}.parquet"
        if name in self.case_rows:
            raise RuntimeError(f"{name} written twice")
        clean = part.select(CASE_COLUMNS)
        table = self.injector.inject(name, clean, "case").to_arrow()
        schema = pa.schema(
            [(c, _ARROW_TYPES[clean.schema[c]]) for c in CASE_COLUMNS]  # type: ignore[index]
        )
        pq.write_table(
            table.cast(schema),
            self.out / name,
            compression="zstd",
            compression_level=3,
            use_dictionary=True,
            write_statistics=True,
            row_group_size=1 << 20,
        )
        self.case_rows[name] = table.num_rows

    def aggregate(self, org: str, rows: list[dict]) -> None:
        """Write the aggregate rows reported by ``org``."""
        name = f"aggregate/{org}.csv"
        frame = _empty_as_null(
            pl.DataFrame(rows, schema=dict.fromkeys(AGGREGATE_COLUMNS, pl.String))
        )
        frame = frame.sort("organisation", "indicator", "period", "category", maintain_order=True)
        frame = self.injector.inject(name, frame, "aggregate")
        frame.write_csv(self.out / name)
        self.aggregate_rows[name] = frame.height

    def table(self, name: str, rows: list[dict], columns: tuple[str, ...]) -> None:
        """A small all-text CSV (organisations, memberships, events, obligations)."""
        text = [{c: None if r.get(c) is None else str(r[c]) for c in columns} for r in rows]
        frame = pl.DataFrame(text, schema=dict.fromkeys(columns, pl.String))
        _empty_as_null(frame).write_csv(self.out / name)

    def truth(self, truth: dict) -> None:
        with (self.out / "truth.json").open("w", encoding="utf-8") as handle:
            json.dump(truth, handle, indent=2, ensure_ascii=False, sort_keys=False)
            handle.write("\n")


def _empty_as_null(frame: pl.DataFrame) -> pl.DataFrame:
    """Empty text becomes a missing value, written as an empty field (not ``""``)."""
    return frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in frame.columns
    )
