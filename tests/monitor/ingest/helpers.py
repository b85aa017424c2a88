"""Helpers of the ingest tests: valid BSNs, file writers, stored rows as a batch."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import polars as pl
from sqlalchemy import text
from sqlmodel import Session

CASE_HEADER = [
    "bsn", "child_ref", "indicator", "date", "end_date", "value", "category", "end_reason",
    "programme", "source_kind", "birth_month", "sex", "municipality",
]  # fmt: skip
AGGREGATE_HEADER = [
    "organisation", "indicator", "period", "value", "numerator", "denominator", "category",
    "source_kind",
]  # fmt: skip
NEW_CHILD = {"birth_month": "2014-05", "sex": "f", "municipality": "GM0363"}


def valid_bsns(count: int, start: int = 10_000_000) -> list[str]:
    """``count`` distinct nine-digit numbers that pass the elfproef."""
    found: list[str] = []
    number = start
    while len(found) < count:
        digits = f"{number:08d}"
        check = sum(w * int(d) for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
        if check < 10:
            found.append(digits + str(check))
        number += 1
    return found


def _writer(header: list[str]) -> Callable[..., Path]:
    def write(path: Path, rows: list[dict[str, str]]) -> Path:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: row.get(k, "") for k in header})
        return path

    return write


write_case = _writer(CASE_HEADER)
write_aggregate = _writer(AGGREGATE_HEADER)


def case_row(**values: str) -> dict[str, str]:
    """A valid CH_ABS row for child K-1 (new child attributes included)."""
    row = {"child_ref": "K-1", "indicator": "CH_ABS", "date": "2024-03-31", "value": "4.5"}
    row.update(NEW_CHILD)
    row.update(values)
    return row


def current_case_rows(
    session: Session, columns: list[str], indicator: str | None = None
) -> pl.DataFrame:
    """The current case rows (of one ``indicator`` code, or all) as a batch of ``columns``
    for ``store_table``, in id order; dates as dates (SQLite hands them over as text)."""
    listed = ", ".join(f"c.{c}" for c in columns)
    where = " AND i.code = :code" if indicator else ""
    rows = session.execute(
        text(
            f"SELECT {listed} FROM case_measurement c JOIN indicator i ON i.id = c.indicator_id"
            f" WHERE c.superseded_at IS NULL{where} ORDER BY c.id"
        ),
        {"code": indicator} if indicator else {},
    ).all()
    frame = pl.DataFrame(
        [tuple(r) for r in rows], schema=columns, orient="row", infer_schema_length=None
    )
    return frame.with_columns(
        pl.col(c).cast(pl.String).str.to_date() for c in ("observed_on", "end_date")
    )
