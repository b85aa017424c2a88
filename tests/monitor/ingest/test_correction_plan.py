"""PostgreSQL: a correction batch reads its stage and the stored rows a bounded number of
times, whatever plan the planner picks — a guard on the plan's shape that does not time
anything. The counters are PostgreSQL's own (``pg_stat_xact_all_tables``: tuples read by
sequential scans in this transaction). A nested loop that rescans the stage for each stored
row (the plan that once made the oracle's corrections take 10-47 s a statement) reads
batch x rows tuples; the set-based plans read each a few times."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from sqlalchemy import text
from sqlmodel import Session

from monitor.ingest import ingest_file, store
from tests.monitor.ingest.helpers import NEW_CHILD, current_case_rows, valid_bsns, write_case

CHILDREN = 400  # x 2 indicators x 3 months: 2,400 rows, a correction the oracle's size
SCANS = 8  # each table may be read this many times over, no more


@pytest.fixture
def pg(orgs: Session) -> Session:
    if orgs.get_bind().dialect.name != "postgresql":
        pytest.skip("the correction's statements are PostgreSQL's")
    return orgs


def _stored(session: Session, tmp_path) -> int:  # noqa: ANN001
    rows = [
        {"bsn": bsn, "indicator": code, "date": f"2024-{m:02d}-10", "value": "3", **NEW_CHILD}
        for bsn in valid_bsns(CHILDREN, start=41_000_000)
        for code in ("CH_ABS", "CH_ABS_UNAUTH")
        for m in (1, 2, 3)
    ]
    report = ingest_file(session, write_case(tmp_path / "a.csv", rows), organisation_code="SCH-01")
    assert report.status == "accepted"
    return len(rows)


def _corrected(session: Session) -> pl.DataFrame:
    columns = [c for c in store.CASE.columns if c != "recorded_at"]
    return current_case_rows(session, columns).with_columns(value=pl.col("value") + 1)


def _tuples_read(session: Session) -> dict[str, int]:
    """Tuples read by sequential scans in this transaction: the stage, the stored rows."""
    stage, stored = session.execute(
        text(
            "SELECT coalesce(sum(seq_tup_read) FILTER (WHERE relname LIKE :stage), 0), "
            "coalesce(sum(seq_tup_read) FILTER (WHERE relname LIKE :stored), 0) "
            "FROM pg_stat_xact_all_tables"
        ),
        {"stage": r"\_ingest\_stage\_%", "stored": r"case\_measurement%"},
    ).one()
    return {"stage": int(stage), "stored": int(stored)}


def _correct(session: Session) -> tuple[int, dict[str, int]]:
    batch = _corrected(session)
    before = _tuples_read(session)
    counts = store.store_table(session, store.CASE, batch, now=datetime(2025, 2, 1, tzinfo=UTC))
    after = _tuples_read(session)
    assert counts.superseded == batch.height
    return batch.height, {k: after[k] - before[k] for k in after}


def test_a_correction_reads_its_stage_and_the_stored_rows_a_few_times(pg, tmp_path):
    stored = _stored(pg, tmp_path)
    pg.commit()
    rows, read = _correct(pg)
    assert rows == stored
    assert read["stage"] <= SCANS * rows, read
    assert read["stored"] <= SCANS * 2 * stored, read  # the table holds both versions now


def test_the_guard_sees_a_plan_that_rescans_the_stage(pg, tmp_path):
    """The counters catch the plan this file guards against: with hash and merge joins
    switched off (what an earlier version did for the batch) the stage is rescanned."""
    _stored(pg, tmp_path)
    pg.commit()
    pg.execute(text("SET LOCAL enable_hashjoin = off"))
    pg.execute(text("SET LOCAL enable_mergejoin = off"))
    rows, read = _correct(pg)
    assert max(read["stage"], read["stored"]) > SCANS * 2 * rows, read
