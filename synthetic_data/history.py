"""Deliveries: the panel as the partners sent it, dated, so that a figure "as known on" an
earlier day differs from now.

The files in ``aggregate/`` and ``case/`` hold what is known at the end. This module cuts
them into the batches a partner would have sent over 2021-2025 and writes them to
``deliveries/`` with a manifest, ``deliveries.csv`` (``file, reporter, recorded_at, kind,
rows``), in the order they were received:

* ``regular``: a reporter's figures of the periods that closed on one day, sent 20-55 days
  after the period ends (case rows: per half-year of their date, 25-70 days after it);
* ``late``: the same, about one in eight batches, 100-240 days after the period ends;
* ``correction``: a figure first sent wrong and sent again with the value in ``aggregate/``,
  by the same reporter or, for a network's figure, by its municipality (see
  :data:`CORRECTIONS`; each is listed in ``truth.json`` under ``history.corrections``);
* ``resend``: figures sent again unchanged.

A care episode or participation still open when its half-year is sent goes without its end
date (and end reason) and is sent again, closed, with the half-year in which it ended.
Loading every batch at its ``recorded_at`` leaves exactly the rows of ``aggregate/`` and
``case/`` current.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl

MANIFEST = "deliveries.csv"
DELIVERY_DIR = "deliveries"


@dataclass(frozen=True)
class Correction:
    """A network figure first sent with ``first(value)`` and corrected ``after_days`` later
    by ``by`` (``network`` itself or its ``municipality``)."""

    indicator: str
    period: str
    category: str | None  # None: the period's largest category
    first: str  # how the first value was wrong: "plus40", "minus3", "plus5"
    by: str
    after_days: int


#: Per network: one correction by the network itself and two by its municipality, each of
#: a half-year that closes before a reflection session in the autumn and corrected after it.
CORRECTIONS = (
    Correction("NW_CHILDREN", "2022-H1", "", "plus40", "network", 150),
    Correction("NW_REF", "2023-H1", None, "minus3", "municipality", 160),
    Correction("NW_SIGNAL", "2024-H1", "", "plus5", "municipality", 140),
)
#: The municipality's own figure it corrects itself.
MUNICIPALITY_CORRECTION = Correction("MU_CARE", "2022-H2", None, "plus5", "municipality", 120)


def period_end(code: str) -> date:
    """Last day of a period code: ``2023``, ``2023-H1``, ``2023-Q2`` or ``2023-04``."""
    year = int(code[:4])
    if len(code) == 4:
        return date(year, 12, 31)
    part = code[5:]
    if part.startswith("H"):
        month = 6 * int(part[1:])
    elif part.startswith("Q"):
        month = 3 * int(part[1:])
    else:
        month = int(part)
    return date(year, month, calendar.monthrange(year, month)[1])


def _moment(day: date, rng: np.random.Generator) -> datetime:
    return datetime.combine(day, time(8 + int(rng.integers(0, 9)), 0), tzinfo=UTC)


def _wrong(value: float, how: str) -> float:
    if how == "plus40":
        return value + 40
    if how == "minus3":
        return value - 3 if value >= 3 else value + 3
    return value + 5


class _Deliveries:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.batches: list[tuple[datetime, str, str, pl.DataFrame, str]] = []

    def add(self, at: datetime, reporter: str, kind: str, frame: pl.DataFrame, ext: str) -> None:
        if frame.height:
            self.batches.append((at, reporter, kind, frame, ext))

    def write(self) -> list[dict]:
        folder = self.out / DELIVERY_DIR
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        ordered = sorted(self.batches, key=lambda b: (b[0], b[1], b[2], b[4]))
        for number, (at, reporter, kind, frame, ext) in enumerate(ordered, start=1):
            name = f"{DELIVERY_DIR}/{number:04d}_{reporter}.{ext}"
            if ext == "csv":
                frame.write_csv(self.out / name)
            else:
                frame.write_parquet(self.out / name)
            rows.append(
                {"file": name, "reporter": reporter, "recorded_at": at.isoformat(),
                 "kind": kind, "rows": frame.height}
            )  # fmt: skip
        pl.DataFrame(rows).write_csv(self.out / MANIFEST)
        return rows


def write_deliveries(out: Path, seed: int, municipality_of: dict[str, str]) -> dict:
    """Write ``deliveries/`` and ``deliveries.csv`` from the files in ``out``; returns the
    summary for ``truth.json`` (batches per kind, the corrections made)."""
    rng = np.random.default_rng([seed, 2013])
    batches = _Deliveries(out)
    corrections: list[dict] = []
    for path in sorted((out / "aggregate").glob("*.csv")):
        _aggregate_deliveries(path, rng, batches, corrections, municipality_of)
    for path in sorted((out / "case").glob("*.parquet")):
        _case_deliveries(path, rng, batches)
    rows = batches.write()
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    return {
        "manifest": MANIFEST,
        "batches": len(rows),
        "kinds": dict(sorted(kinds.items())),
        "corrections": sorted(corrections, key=lambda c: c["corrected_at"]),
    }


def _aggregate_deliveries(path, rng, batches, corrections, municipality_of) -> None:  # noqa: ANN001
    reporter = path.stem
    rows = pl.read_csv(path, infer_schema=False)
    ends = rows["period"].map_elements(period_end, return_dtype=pl.Date)
    rows = rows.with_columns(_end=ends).with_row_index("_row")
    planned = CORRECTIONS if reporter in municipality_of else (MUNICIPALITY_CORRECTION,)
    wrong: dict[int, tuple[Correction, dict]] = {}
    for plan in planned:
        part = rows.filter(
            (pl.col("indicator") == plan.indicator) & (pl.col("period") == plan.period)
        )
        if plan.category is None:
            part = part.filter(pl.col("category").is_not_null())
            part = part.sort(pl.col("value").cast(pl.Float64), descending=True).head(1)
        else:
            part = part.filter(pl.col("category").fill_null("") == plan.category)
        for row in part.iter_rows(named=True):
            wrong[row["_row"]] = (plan, row)
    fixed_periods = {c.period for c, _ in wrong.values()}
    columns = [c for c in rows.columns if c not in ("_row", "_end")]
    for (end,), part in rows.group_by(["_end"], maintain_order=True):
        late = rng.random() < 0.12 and not set(part["period"]) & fixed_periods
        delay = int(rng.integers(100, 241)) if late else int(rng.integers(20, 56))
        sent = _moment(end + timedelta(days=delay), rng)
        first = part
        for index, (plan, row) in wrong.items():
            wrong_value = pl.lit(f"{_wrong(float(row['value']), plan.first):g}")
            first = first.with_columns(
                pl.when(pl.col("_row") == index).then(wrong_value).otherwise("value").alias("value")
            )
        batches.add(sent, reporter, "late" if late else "regular", first.select(columns), "csv")
        for index, (plan, row) in wrong.items():
            if row["_end"] != end:
                continue
            by = (
                municipality_of[reporter]
                if plan.by == "municipality" and reporter in municipality_of
                else reporter
            )
            at = _moment(sent.date() + timedelta(days=plan.after_days), rng)
            batches.add(
                at, by, "correction", part.filter(pl.col("_row") == index).select(columns), "csv"
            )
            corrections.append(
                {
                    "organisation": row["organisation"], "indicator": row["indicator"],
                    "period": row["period"], "category": row["category"] or "",
                    "first_value": _wrong(float(row["value"]), plan.first),
                    "first_reporter": reporter, "first_recorded_at": sent.isoformat(),
                    "value": float(row["value"]), "corrected_by": by,
                    "corrected_at": at.isoformat(),
                }
            )  # fmt: skip
        if end == date(2021, 12, 31):  # the year-end batch sent again, unchanged
            again = _moment(sent.date() + timedelta(days=30), rng)
            batches.add(again, reporter, "resend", part.head(5).select(columns), "csv")


def _half_year_end_expr(day: pl.Expr) -> pl.Expr:
    """The last day of the half-year of ``day`` (null stays null)."""
    year = day.dt.year()
    return pl.when(day.dt.month() <= 6).then(pl.date(year, 6, 30)).otherwise(pl.date(year, 12, 31))


def _case_deliveries(path: Path, rng: np.random.Generator, batches: _Deliveries) -> None:
    reporter = path.stem
    rows = pl.read_parquet(path)
    columns = rows.columns
    first_end = date(2021, 6, 30)
    halves = pl.max_horizontal(_half_year_end_expr(pl.col("date").str.to_date()), pl.lit(first_end))
    closes = _half_year_end_expr(pl.col("end_date").str.to_date(strict=False))
    rows = rows.with_columns(_half=halves, _closes=closes)
    last = rows["_half"].max()
    sent: dict[date, datetime] = {}
    late: dict[date, bool] = {}
    for end in sorted(set(rows["_half"])):
        late[end] = rng.random() < 0.10
        delay = int(rng.integers(150, 301)) if late[end] else int(rng.integers(25, 71))
        sent[end] = _moment(end + timedelta(days=delay), rng)
    for (end,), part in rows.group_by(["_half"], maintain_order=True):
        still_open = pl.col("_closes").is_not_null() & (pl.col("_closes") > end) & (end != last)
        first = part.with_columns(
            pl.when(still_open).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("end_date", "end_reason")
        )
        # episodes of earlier half-years that closed in this one (or are still running at
        # the end), sent again with their end date, never before their first sending
        earlier = pl.col("_half") < end
        closing = (pl.col("_closes") == end) | ((pl.col("_closes") > end) & (end == last))
        closed = rows.filter(earlier & closing)
        moment = max([sent[end]] + [sent[o] + timedelta(days=1) for o in set(closed["_half"])])
        batch = pl.concat([first.select(columns), closed.select(columns)])
        batches.add(moment, reporter, "late" if late[end] else "regular", batch, "parquet")
