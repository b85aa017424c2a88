"""Supersession is set-based: a correction batch costs a fixed number of statements.

Statements are counted with SQLAlchemy's ``before_cursor_execute``; an executemany counts
once as a call and once per parameter set as executed statements, so one UPDATE per
corrected row (the old ``superseded_by_id`` loop) would show up in the executed count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from monitor.ingest import ingest_file, store
from schema import AggregateMeasurement, CaseMeasurement
from tests.monitor.ingest.helpers import NEW_CHILD, valid_bsns, write_aggregate, write_case

STORE_TABLE = store.store_table
#: statements that update stored rows per correction batch, whatever its size
UPDATES = {"postgresql": 1, "sqlite": 2}
STORED_UPDATE = re.compile(r'UPDATE\s+"?(case|aggregate)_measurement\b', re.IGNORECASE)


@dataclass
class Statements:
    calls: list[str] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)

    def updates(self) -> int:
        """Executed statements that update stored measurement rows (not a staging table;
        a ``WITH ... UPDATE`` counts once)."""
        return sum(bool(STORED_UPDATE.search(s)) for s in self.executed)


@contextmanager
def counted_store(session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[Statements]:
    """Count the statements issued inside :func:`store.store_table` only."""
    seen = Statements()

    def listener(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.calls.append(statement)
        many = executemany and isinstance(parameters, list | tuple)
        seen.executed.extend([statement] * (len(parameters) if many else 1))

    def counting(session: Session, *args, **kwargs):  # noqa: ANN002, ANN003
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", listener)
        try:
            return STORE_TABLE(session, *args, **kwargs)
        finally:
            event.remove(engine, "before_cursor_execute", listener)

    with monkeypatch.context() as patch:
        patch.setattr(store, "store_table", counting)
        yield seen


def _case_rows(children: int, value: str) -> list[dict[str, str]]:
    """Ten CH_ABS rows (months 2024-01..10) per child; each size its own children."""
    return [
        {
            "bsn": bsn,
            "indicator": "CH_ABS",
            "date": f"2024-{m:02d}-15",
            "value": value,
            **NEW_CHILD,
        }  # fmt: skip
        for bsn in valid_bsns(children, start=10_000_000 + 100_000 * children)
        for m in range(1, 11)
    ]


def _correct_cases(orgs: Session, tmp_path, monkeypatch, children: int) -> Statements:  # noqa: ANN001
    tag = f"{children}"
    ingest_file(orgs, write_case(tmp_path / f"a{tag}.csv", _case_rows(children, "3")),
                organisation_code="SCH-01")  # fmt: skip
    with counted_store(orgs, monkeypatch) as seen:
        report = ingest_file(
            orgs, write_case(tmp_path / f"b{tag}.csv", _case_rows(children, "5")),
            organisation_code="SCH-01",
        )  # fmt: skip
    rows = children * 10
    assert (report.status, report.rows_superseded, report.rows_stored) == ("accepted", rows, rows)
    return seen


def test_case_correction_statements_do_not_grow_with_the_batch(orgs, tmp_path, monkeypatch):
    small = _correct_cases(orgs, tmp_path, monkeypatch, 1)  # 10 corrected rows
    large = _correct_cases(orgs, tmp_path, monkeypatch, 100)  # 1,000 corrected rows
    assert len(large.calls) <= 10, large.calls
    assert len(large.calls) == len(small.calls)
    # one UPDATE stamps superseded_at, one links each old row to its successor once the
    # successors exist (the successor check runs per statement): for 1,000 rows as for 10
    assert large.updates() == small.updates() == UPDATES[orgs.get_bind().dialect.name]
    # and the guarantees hold: every replaced row points at the current row of its key
    old = orgs.exec(select(CaseMeasurement).where(CaseMeasurement.superseded_at.is_not(None))).all()
    assert len(old) == 1_010
    current = {
        r.id: r
        for r in orgs.exec(select(CaseMeasurement).where(CaseMeasurement.superseded_at.is_(None)))
    }
    assert len(current) == 1_010
    for row in old:
        new = current[row.superseded_by_id]
        key = ("child_id", "reporting_org_id", "indicator_id", "category", "observed_on")
        assert [getattr(new, k) for k in key] == [getattr(row, k) for k in key]
        assert (row.value, new.value, row.superseded_at) == (3.0, 5.0, new.recorded_at)


REFERRERS = [
    "gemeentelijke_toegang",
    "huisarts",
    "jeugdarts",
    "gecertificeerde_instelling",
    "medisch_specialist",
    "geen_verwijzer",
    "rechter_ovj",
    "school_swv",
    "onbekend",
]
HALVES = [f"{y}-H{h}" for y in (2023, 2024) for h in (1, 2)]
#: 4 rows (children per half-year), then 36 rows (referrals by referrer per half-year)
BATCHES = (
    [{"indicator": "NW_CHILDREN", "period": p} for p in HALVES],
    [{"indicator": "NW_REF", "period": p, "category": c} for p in HALVES for c in REFERRERS],
)


def _aggregates(keys: list[dict[str, str]], value: str) -> list[dict[str, str]]:
    return [{"organisation": "NW-OOST", **k, "value": value} for k in keys]


def test_aggregate_correction_statements_do_not_grow_with_the_batch(orgs, tmp_path, monkeypatch):
    counts = []
    for number, periods in enumerate(BATCHES):
        ingest_file(orgs, write_aggregate(tmp_path / f"a{number}.csv",
                                          _aggregates(periods, "800")),
                    organisation_code="NW-OOST")  # fmt: skip
        with counted_store(orgs, monkeypatch) as seen:
            report = ingest_file(
                orgs, write_aggregate(tmp_path / f"b{number}.csv", _aggregates(periods, "810")),
                organisation_code="NW-OOST",
            )  # fmt: skip
        assert (report.status, report.rows_superseded) == ("accepted", len(periods)), [
            p.as_text() for p in report.problems[:3]
        ]
        counts.append((len(seen.calls), seen.updates()))
    updates = UPDATES[orgs.get_bind().dialect.name]
    assert counts[0] == counts[1] and counts[1][0] <= 10 and counts[1][1] == updates
    old = orgs.exec(
        select(AggregateMeasurement).where(AggregateMeasurement.superseded_at.is_not(None))
    ).all()
    assert len(old) == 40 and {r.value for r in old} == {800.0}
    assert all(orgs.get(AggregateMeasurement, r.superseded_by_id).value == 810.0 for r in old)
