"""PostgreSQL: a correction batch stamps and links each replaced row in one UPDATE, before
its successors exist, so it defers the successor check of ``schema.partitions`` to its
own set-based verification (``supersede.verify_successors``). Checked here: every replaced
row names the stored current row of its key (a naive query), the verification refuses and
rolls back the whole batch when a successor is missing, and the deferral is the ingest's
alone: a plain UPDATE naming a missing row is refused, before and after an ingest in the
same transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError, InternalError
from sqlmodel import Session

from monitor.ingest import ingest_file, store, supersede
from schema import CaseMeasurement, table_of
from tests.monitor.ingest.helpers import NEW_CHILD, current_case_rows, valid_bsns, write_case

CASE = table_of(CaseMeasurement)
MISSING = 999_999_999
BATCH_COLUMNS = [c for c in store.CASE.columns if c != "recorded_at"]


@pytest.fixture
def pg(orgs: Session) -> Session:
    if orgs.get_bind().dialect.name != "postgresql":
        pytest.skip("the deferred successor check is PostgreSQL's (SQLite has a foreign key)")
    return orgs


def _rows(value: str) -> list[dict[str, str]]:
    """Three children, two indicators, three months: 18 rows."""
    return [
        {"bsn": bsn, "indicator": code, "date": f"2024-{m:02d}-10", "value": value, **NEW_CHILD}
        for bsn in valid_bsns(3, start=40_000_000)
        for code in ("CH_ABS", "CH_ABS_UNAUTH")
        for m in (1, 2, 3)
    ]


def _load(session: Session, tmp_path, name: str, value: str):  # noqa: ANN001, ANN202
    return ingest_file(
        session, write_case(tmp_path / name, _rows(value)), organisation_code="SCH-01"
    )


def _naive_links(session: Session) -> list[tuple]:
    """(old value, successor value, successor current?, same key?, stamps agree?) per row
    that is superseded, by a plain self-join."""
    return session.execute(
        text(
            """SELECT o.value, n.value, n.superseded_at IS NULL,
       (o.child_id, o.reporting_org_id, o.indicator_id, o.category, o.observed_on,
        o.source_kind) = (n.child_id, n.reporting_org_id, n.indicator_id, n.category,
        n.observed_on, n.source_kind),
       o.superseded_at = n.recorded_at
FROM case_measurement o LEFT JOIN case_measurement n ON n.id = o.superseded_by_id
WHERE o.superseded_at IS NOT NULL ORDER BY o.id"""
        )
    ).all()


def _counts(session: Session) -> tuple[int, int, int]:
    return session.execute(
        text(
            "SELECT count(*), count(superseded_at), (SELECT count(*) FROM submission) "
            "FROM case_measurement"
        )
    ).one()


def test_a_correction_links_every_replaced_row_to_its_successor(pg, tmp_path):
    assert _load(pg, tmp_path, "a.csv", "3").status == "accepted"
    report = _load(pg, tmp_path, "b.csv", "5")
    assert (report.status, report.rows_superseded) == ("accepted", 18)
    assert _naive_links(pg) == [(3.0, 5.0, True, True, True)] * 18
    # the deferral ended with the batch's transaction
    assert pg.execute(text("SELECT current_setting('monitor.successor_check', true)")).scalar() in (
        None,
        "",
    )


def test_the_ingest_refuses_and_rolls_back_a_missing_successor(pg, tmp_path, monkeypatch):
    assert _load(pg, tmp_path, "a.csv", "3").status == "accepted"
    before = _counts(pg)

    def skipping_one(connection, spec, stage):  # noqa: ANN001, ANN202
        """The insert, but the staged successor with the highest id is never stored."""
        columns = ", ".join(("id", *spec.columns))
        return connection.execute(
            text(
                f"INSERT INTO case_measurement ({columns}) SELECT {columns} FROM {stage} "
                f"WHERE (_old_id IS NULL OR NOT _same) AND id < (SELECT max(id) FROM {stage})"
            )
        ).rowcount

    monkeypatch.setattr(supersede, "insert_new", skipping_one)
    with pytest.raises(supersede.DanglingSuccessor, match="1 replaced case_measurement rows"):
        _load(pg, tmp_path, "b.csv", "5")
    pg.rollback()
    assert _counts(pg) == before  # nothing stamped, nothing inserted, no submission
    assert before[1] == 0


def _refused(session: Session, row: int) -> None:
    dangling = (
        update(CASE)
        .where(CASE.c.id == row)
        .values(superseded_at=datetime(2025, 1, 1, tzinfo=UTC), superseded_by_id=MISSING)
    )
    with pytest.raises((IntegrityError, InternalError), match="superseded_by_id names no"):
        session.execute(dangling)
    session.rollback()


def test_a_plain_update_naming_a_missing_row_is_still_refused(pg, tmp_path):
    assert _load(pg, tmp_path, "a.csv", "3").status == "accepted"
    _refused(pg, pg.execute(text("SELECT min(id) FROM case_measurement")).scalar())
    # after a correction stored in the same transaction, the check is back
    corrected = current_case_rows(pg, BATCH_COLUMNS).with_columns(value=pl.col("value") + 1)
    counts = store.store_table(pg, store.CASE, corrected, now=datetime(2025, 2, 1, tzinfo=UTC))
    assert counts.superseded == 18
    # the ingest's deferral ended with its verification
    deferral = "SELECT coalesce(current_setting('monitor.successor_check', true), '')"
    assert pg.execute(text(deferral)).scalar() != "deferred"
    current = "SELECT min(id) FROM case_measurement WHERE superseded_at IS NULL"
    _refused(pg, pg.execute(text(current)).scalar())
    assert pg.execute(text("SELECT count(superseded_at) FROM case_measurement")).scalar() == 0
