"""Corrections against a naive oracle: three batches of random changes, replayed row by row
in plain Python (a dict of current values per key), must give the same counts, the same
version chains (values, successor links, stamps) and the same figures as of every moment."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

from sqlmodel import Session, select

from monitor.ingest import current_filter, ingest_file
from monitor.pseudonym import pseudonym_for_bsn
from schema import CaseMeasurement, Child, Indicator
from tests.monitor.ingest.helpers import NEW_CHILD, valid_bsns, write_case

BSNS = valid_bsns(30, start=20_000_000)
DATES = [f"2024-0{m}-10" for m in range(1, 5)]
INDICATORS = ["CH_ABS", "CH_ABS_UNAUTH"]


def _batch(rng: random.Random) -> list[dict[str, str]]:
    """About half of all keys, each with a value drawn from three (so some repeat)."""
    keys = [(b, i, d) for b in BSNS for i in INDICATORS for d in DATES]
    chosen = sorted(rng.sample(keys, len(keys) // 2))
    return [
        {"bsn": b, "indicator": i, "date": d, "value": str(rng.choice([1, 2, 3])), **NEW_CHILD}
        for b, i, d in chosen
    ]


def _oracle(batches: list[list[dict[str, str]]]) -> tuple[list[tuple[int, int, int]], dict]:
    """Row by row: per batch (inserted, superseded, unchanged); per key its value history."""
    history: dict[tuple[str, str, str], list[float]] = {}
    counts = []
    for rows in batches:
        inserted = superseded = unchanged = 0
        for row in rows:
            key, value = (row["bsn"], row["indicator"], row["date"]), float(row["value"])
            versions = history.setdefault(key, [])
            if versions and versions[-1] == value:
                unchanged += 1
                continue
            superseded += bool(versions)
            inserted += 1
            versions.append(value)
        counts.append((inserted, superseded, unchanged))
    return counts, history


def test_corrections_equal_a_row_by_row_oracle(orgs, tmp_path):
    rng = random.Random(17)
    batches = [_batch(rng) for _ in range(3)]
    expected_counts, history = _oracle(batches)
    moments, counts = [], []
    for number, rows in enumerate(batches):
        report = ingest_file(orgs, write_case(tmp_path / f"b{number}.csv", rows),
                             organisation_code="SCH-01")  # fmt: skip
        assert report.status == "accepted", [p.as_text() for p in report.problems[:3]]
        counts.append((report.rows_stored, report.rows_superseded, report.rows_unchanged))
        time.sleep(0.01)
        moments.append(datetime.now(UTC))
        time.sleep(0.01)
    assert counts == expected_counts
    assert sum(c[1] for c in counts) > 20 and sum(c[2] for c in counts) > 20  # both happen

    bsn_of = {pseudonym_for_bsn(b): b for b in BSNS}
    bsn_of_child = {c.id: bsn_of[c.pseudonym] for c in orgs.exec(select(Child))}
    codes = {i.id: i.code for i in _indicators(orgs)}
    rows = orgs.exec(select(CaseMeasurement).order_by(CaseMeasurement.id)).all()
    chains: dict[tuple[int, str, str], list[CaseMeasurement]] = {}
    for row in rows:
        key = (row.child_id, codes[row.indicator_id], row.observed_on.isoformat())
        chains.setdefault(key, []).append(row)
    # one chain per oracle key
    assert sorted(len(c) for c in chains.values()) == sorted(len(h) for h in history.values())
    for key, chain in chains.items():
        oracle = history[(bsn_of_child[key[0]], key[1], key[2])]
        assert [r.value for r in chain] == oracle
        for old, new in zip(chain, chain[1:], strict=False):
            assert (old.superseded_by_id, old.superseded_at) == (new.id, new.recorded_at)
        assert chain[-1].superseded_at is None and chain[-1].superseded_by_id is None
    # as of the moment after each batch, the figures are the oracle's values then
    table = CaseMeasurement.__table__
    for number, moment in enumerate(moments):
        _, then = _oracle(batches[: number + 1])
        seen = orgs.execute(select(table.c.value).where(current_filter(table, moment))).scalars()
        assert sorted(seen) == sorted(v[-1] for v in then.values())


def _indicators(session: Session) -> list[Indicator]:
    return list(session.exec(select(Indicator)))
