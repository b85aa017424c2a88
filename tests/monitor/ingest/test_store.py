"""Atomic batches, corrections by supersession, as-of reading, duplicates, accept_valid."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import text
from sqlmodel import func, select

from monitor.ingest import current_filter, ingest_file, ingest_frame
from schema import (
    AggregateMeasurement,
    AuditEntry,
    CaseMeasurement,
    Child,
    Participation,
    Submission,
)
from tests.monitor.ingest.helpers import case_row, valid_bsns, write_aggregate, write_case

AS_OF_SQL = {
    "case_measurement": "SELECT value FROM case_measurement WHERE recorded_at <= :t "
    "AND (superseded_at IS NULL OR superseded_at > :t) ORDER BY observed_on",
    "aggregate_measurement": "SELECT value FROM aggregate_measurement WHERE recorded_at <= :t "
    "AND (superseded_at IS NULL OR superseded_at > :t) ORDER BY period_start",
}


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _as_of(session, table: str, moment: datetime) -> list[float]:
    table_obj = {
        "case_measurement": CaseMeasurement,
        "aggregate_measurement": AggregateMeasurement,
    }[table].__table__
    # the query layer's condition, written out, and the helper, must agree
    raw = [r[0] for r in session.execute(text(AS_OF_SQL[table]), {"t": moment})]
    helper = [
        r[0]
        for r in session.execute(
            select(table_obj.c.value)
            .where(current_filter(table_obj, moment))
            .order_by(table_obj.c.id)
        )
    ]
    assert sorted(raw) == sorted(helper)
    return raw


def _pause() -> datetime:
    time.sleep(0.01)
    moment = datetime.now(UTC)
    time.sleep(0.01)
    return moment


def test_correction_supersedes_and_as_of_reads_the_old_value(orgs, tmp_path):
    first = write_case(tmp_path / "a.csv", [case_row(value="4.5"), case_row(date="2024-04-30")])
    report = ingest_file(orgs, first, organisation_code="SCH-01")
    assert (report.status, report.rows_accepted) == ("accepted", 2)
    before = _pause()
    fixed = write_case(tmp_path / "b.csv", [case_row(value="6"), case_row(date="2024-04-30")])
    report = ingest_file(orgs, fixed, organisation_code="SCH-01")
    assert (report.status, report.rows_superseded, report.rows_unchanged) == ("accepted", 1, 1)
    assert report.rows_stored == 1
    rows = orgs.exec(select(CaseMeasurement).order_by(CaseMeasurement.id)).all()
    assert len(rows) == 3
    old, _, new = rows
    assert old.value == 4.5 and new.value == 6.0
    assert old.superseded_by_id == new.id and old.superseded_at is not None
    assert old.superseded_at == new.recorded_at and new.superseded_at is None
    assert _as_of(orgs, "case_measurement", before) == [4.5, 4.5]
    assert _as_of(orgs, "case_measurement", datetime.now(UTC)) == [6.0, 4.5]
    audit = orgs.exec(select(AuditEntry).where(AuditEntry.action == "correction")).one()
    assert json.loads(audit.detail)["rows_superseded"] == 1
    # a second correction chains on
    again = write_case(tmp_path / "c.csv", [case_row(value="7")])
    assert ingest_file(orgs, again, organisation_code="SCH-01").rows_superseded == 1
    assert _as_of(orgs, "case_measurement", before) == [4.5, 4.5]
    assert sorted(_as_of(orgs, "case_measurement", datetime.now(UTC))) == [4.5, 7.0]


def test_aggregate_correction_and_unchanged(orgs, tmp_path):
    row = {"organisation": "NW-OOST", "indicator": "NW_CHILDREN", "period": "2024-H1"}
    ingest_file(orgs, write_aggregate(tmp_path / "a.csv", [{**row, "value": "800"}]),
                organisation_code="NW-OOST")  # fmt: skip
    before = _pause()
    report = ingest_file(
        orgs, write_aggregate(tmp_path / "b.csv", [{**row, "value": "810"}]),
        organisation_code="NW-OOST",
    )  # fmt: skip
    assert report.rows_superseded == 1
    assert _as_of(orgs, "aggregate_measurement", before) == [800.0]
    assert _as_of(orgs, "aggregate_measurement", datetime.now(UTC)) == [810.0]
    same = write_aggregate(tmp_path / "c.csv", [{**row, "period": "2024HJ01", "value": "810"}])
    report = ingest_file(orgs, same, organisation_code="NW-OOST")
    assert (report.status, report.rows_unchanged, report.rows_superseded) == ("accepted", 1, 0)
    assert _count(orgs, AggregateMeasurement) == 2
    # a network's figure has one reporter: its municipality's re-send supersedes it
    report = ingest_file(orgs, write_aggregate(tmp_path / "d.csv", [{**row, "value": "805"}]),
                         organisation_code="GM0363")  # fmt: skip
    assert (report.rows_superseded, _count(orgs, AggregateMeasurement)) == (1, 3)
    assert _as_of(orgs, "aggregate_measurement", datetime.now(UTC)) == [805.0]


def test_participation_correction(orgs, tmp_path):
    part = case_row(indicator="CH_PART", value="4", programme="NW-OOST", date="2024-01-01")
    ingest_file(orgs, write_case(tmp_path / "a.csv", [part]), organisation_code="SCH-01")
    ended = {**part, "end_date": "2024-06-30"}
    report = ingest_file(orgs, write_case(tmp_path / "b.csv", [ended]), organisation_code="SCH-01")
    assert report.rows_superseded == 1
    rows = orgs.exec(select(Participation).order_by(Participation.id)).all()
    assert rows[0].superseded_by_id == rows[1].id and str(rows[1].valid_to) == "2024-06-30"


def test_identical_file_is_a_duplicate(orgs, tmp_path):
    path = write_case(tmp_path / "a.csv", [case_row()])
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "accepted"
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert report.status == "duplicate" and "nothing to do" in report.message
    assert _count(orgs, CaseMeasurement) == 1
    statuses = orgs.exec(select(Submission.status).order_by(Submission.id)).all()
    assert statuses == ["accepted", "duplicate"]
    # the same bytes from another organisation are not a duplicate
    assert ingest_file(orgs, path, organisation_code="JH-01").status == "accepted"


def test_rejected_file_may_be_sent_again(orgs, tmp_path):
    path = write_case(tmp_path / "a.csv", [case_row(value="x")])
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "rejected"
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "rejected"


def test_accept_valid_stores_only_good_rows(orgs, tmp_path):
    rows = [
        case_row(),
        case_row(date="2024-04-30", value="x"),
        case_row(date="2024-05-31"),
        case_row(child_ref="K-2", value="y"),  # K-2's only attribute row is bad ...
        case_row(child_ref="K-2", date="2024-04-30", sex="", birth_month="", municipality=""),
    ]
    report = ingest_file(orgs, write_case(tmp_path / "a.csv", rows), organisation_code="SCH-01",
                         accept_valid=True)  # fmt: skip
    assert report.status == "partial"
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (5, 2, 3)
    assert {p.row for p in report.problems} == {3, 5, 6}  # ... so row 6 cannot create K-2
    assert [p.column for p in report.problems if p.row == 6] == [
        "birth_month",
        "sex",
        "municipality",
    ]
    assert _count(orgs, CaseMeasurement) == 2 and _count(orgs, Child) == 1
    submission = orgs.exec(select(Submission)).one()
    assert (submission.status, submission.rows_accepted, submission.rows_rejected) == (
        "partial",
        2,
        3,
    )


def test_dry_run_stores_nothing(orgs, tmp_path):
    path = write_case(tmp_path / "a.csv", [case_row()])
    report = ingest_file(orgs, path, organisation_code="SCH-01", dry_run=True)
    assert (report.status, report.rows_accepted) == ("dry_run", 1)
    assert _count(orgs, CaseMeasurement) == 0 and _count(orgs, Child) == 0
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "accepted"


def test_submission_and_audit_recorded(orgs, tmp_path):
    calls: list[tuple[int, int]] = []
    path = write_case(tmp_path / "a.csv", [case_row(), case_row(date="2024-04-30")])
    report = ingest_file(
        orgs, path, organisation_code="SCH-01", progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (2, 2)
    submission = orgs.get(Submission, report.submission_id)
    assert (submission.status, submission.rows_read, submission.channel) == ("accepted", 2, "cli")
    assert len(submission.checksum) == 64 and submission.finished_at is not None
    audit = orgs.exec(select(AuditEntry)).one()
    assert audit.action == "submission" and json.loads(audit.detail)["status"] == "accepted"
    bad = write_case(tmp_path / "b.csv", [case_row(value="x")])
    report = ingest_file(orgs, bad, organisation_code="SCH-01")
    rejected = orgs.get(Submission, report.submission_id)
    assert rejected.status == "rejected" and "not a number" in rejected.message
    assert _count(orgs, AuditEntry) == 2


def test_one_bad_row_in_ten_thousand(orgs, tmp_path):
    bsns = valid_bsns(2_000)
    rows = [
        case_row(child_ref="", bsn=bsns[i % 2_000], date=f"2024-{1 + i // 2_000:02d}-15",
                 value=str(i % 90))
        for i in range(10_000)
    ]  # fmt: skip
    rows[7_321]["value"] = "101"
    path = write_case(tmp_path / "big.csv", rows)
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert report.status == "rejected" and report.rows_read == 10_000
    assert [(p.row, p.column, p.value) for p in report.problems] == [(7_323, "value", "101")]
    assert _count(orgs, CaseMeasurement) == 0 and _count(orgs, Child) == 0
    report = ingest_file(orgs, path, organisation_code="SCH-01", accept_valid=True)
    assert (report.status, report.rows_accepted, report.rows_rejected) == ("partial", 9_999, 1)
    assert _count(orgs, CaseMeasurement) == 9_999 and _count(orgs, Child) == 2_000
    # the same keys again, one value changed: bulk supersession finds exactly that row
    rows[7_321]["value"] = "55"
    rows[0]["value"] = "33"
    report = ingest_file(orgs, write_case(tmp_path / "fix.csv", rows), organisation_code="SCH-01")
    assert (report.rows_superseded, report.rows_unchanged) == (1, 9_998)
    assert _count(orgs, CaseMeasurement) == 10_001


def test_ingest_frame_for_api_posts(orgs):
    frame = pl.DataFrame([case_row(value="4.5")]).with_columns(pl.col("value").cast(pl.Float64))
    report = ingest_frame(orgs, frame, file_name="api-post", organisation_code="SCH-01")
    assert (report.status, report.rows_accepted) == ("accepted", 1)
    assert orgs.get(Submission, report.submission_id).channel == "api"
    again = ingest_frame(orgs, frame, file_name="api-post", organisation_code="SCH-01")
    assert again.status == "duplicate"
    data = report.as_dict()
    assert data["status"] == "accepted" and json.dumps(data)
