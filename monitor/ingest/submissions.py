"""Recording a batch: its Submission row and AuditEntry lines.

A batch that stores rows records them in the same transaction as the rows; a batch that
stores nothing (rejected, duplicate, dry run) is recorded on its own after a rollback.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypedDict, Unpack

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from monitor.errors import RowProblem
from monitor.ingest.context import Context
from monitor.ingest.report import IngestReport
from monitor.redact import redact
from schema import AuditEntry, Submission, User, utcnow
from schema.base import SubmissionStatus

log = logging.getLogger("monitor.ingest")


class ReportCounts(TypedDict, total=False):
    """What a batch's report may be started with (fields of :class:`IngestReport`)."""

    rows_read: int
    rows_accepted: int
    rows_rejected: int
    problems: list[RowProblem]
    warnings: list[RowProblem]
    message: str


@dataclass
class Batch:
    """Who sent what, when: everything about one submission except its rows."""

    ctx: Context
    file_name: str
    checksum: str
    user_id: int | None
    channel: str
    shape: str = "unknown"
    received_at: datetime = field(default_factory=utcnow)
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        # a file named after a child ("594479824.csv") is stored and echoed redacted
        self.file_name = redact(self.file_name)

    def report(self, status: SubmissionStatus, **counts: Unpack[ReportCounts]) -> IngestReport:
        """An empty report for this batch."""
        return IngestReport(
            None, status.value, self.file_name, self.ctx.org_code, self.shape, self.checksum,
            **counts,
        )  # fmt: skip


def safe(problem: RowProblem) -> RowProblem:
    """The problem as it may be shown and stored: as it is, since every :class:`RowProblem`
    redacts its file, column, value and reason when it is made (:mod:`monitor.redact`)."""
    return problem


def new_submission(batch: Batch, report: IngestReport) -> Submission:
    """The Submission row of a batch."""
    submission = Submission(
        organisation_id=batch.ctx.org_id,
        user_id=batch.user_id,
        channel=batch.channel,
        shape=batch.shape,
        file_name=batch.file_name[:255],
        checksum=batch.checksum,
        received_at=batch.received_at,
        status=report.status,
    )
    fill(submission, report)
    return submission


def fill(submission: Submission, report: IngestReport) -> None:
    """Copy the report's outcome onto the Submission row."""
    submission.rows_read = report.rows_read
    submission.rows_accepted = report.rows_accepted
    submission.rows_rejected = report.rows_rejected
    submission.rows_superseded = report.rows_superseded
    submission.rows_unchanged = report.rows_unchanged
    submission.status = report.status
    submission.finished_at = utcnow()
    shown = [p.as_text() for p in report.problems[:20]]
    more = len(report.problems) - len(shown) + report.problems_more
    tail = [f"... and {more} more problem(s)"] if more > 0 else []
    submission.message = "\n".join([report.message, *shown, *tail]).strip()


def audit(session: Session, batch: Batch, report: IngestReport) -> None:
    """Audit lines: ``submission`` always, ``correction`` when rows were superseded."""
    username = ""
    if batch.user_id is not None:
        user = session.get(User, batch.user_id)
        username = user.username if user else ""
    detail = {k: v for k, v in report.as_dict().items() if k not in ("problems", "warnings")}
    detail["problems"] = len(report.problems)
    detail["warnings"] = len(report.warnings)
    entries: list[tuple[str, dict[str, object]]] = [("submission", detail)]
    if report.rows_superseded:
        correction: dict[str, object] = {
            "submission_id": report.submission_id,
            "rows_superseded": report.rows_superseded,
        }
        entries.append(("correction", correction))
    for action, payload in entries:
        session.add(
            AuditEntry(
                user_id=batch.user_id,
                username=username,
                action=action,
                organisation_id=batch.ctx.org_id,
                target=f"submission {report.submission_id}: {batch.file_name}"[:255],
                detail=json.dumps(payload, sort_keys=True),
            )
        )


def finish(
    session: Session, batch: Batch, submission: Submission, report: IngestReport
) -> IngestReport:
    """Close a batch whose rows are stored: its time, the Submission row and the audit
    lines, in the same commit as the rows."""
    report.seconds = time.perf_counter() - batch.started
    fill(submission, report)
    session.add(submission)
    audit(session, batch, report)
    session.commit()
    return report


def record(session: Session, batch: Batch, report: IngestReport) -> IngestReport:
    """Record a batch that stores no rows (rolled back first), in a commit of its own."""
    session.rollback()
    report.seconds = time.perf_counter() - batch.started
    submission = new_submission(batch, report)
    session.add(submission)
    session.flush()
    report.submission_id = submission.id
    audit(session, batch, report)
    session.commit()
    log.info("ingest %s", report.summary())
    return report


def reject(
    session: Session,
    batch: Batch,
    rows_read: int,
    problems: list[RowProblem],
    warnings: list[RowProblem] | None = None,
    *,
    listed: Listed | None = None,
) -> IngestReport:
    """Record a rejected batch; ``rows_rejected`` counts the rows with problems (all rows
    when the problem concerns the whole file). ``listed``: ``problems`` are the first of
    more (a file read in chunks), with their totals and the file holding them all."""
    problems = [safe(p) for p in problems]
    bad_rows = {p.row for p in problems if p.row is not None and p.row > 1}
    file_level = any(p.row is None or p.row == 1 for p in problems)
    total, bad = (listed.total, listed.bad_rows) if listed else (len(problems), len(bad_rows))
    report = batch.report(
        SubmissionStatus.REJECTED,
        rows_read=rows_read,
        rows_rejected=rows_read if file_level else bad,
        problems=problems,
        warnings=warnings or [],
        message=f"nothing stored: {total} problem(s) in {bad} row(s)",
    )
    if listed:
        report.problems_more, report.rejects_file = total - len(problems), listed.rejects_file
    return record(session, batch, report)


@dataclass(frozen=True)
class Listed:
    """How many problems a report lists only the first of, and where all of them are."""

    total: int
    bad_rows: int
    rejects_file: Path | None


def recent_submissions(session: Session, *, organisation_id: int, limit: int) -> list[Submission]:
    """An organisation's latest ``limit`` submissions, newest first."""
    query = (
        select(Submission)
        .where(col(Submission.organisation_id) == organisation_id)
        .order_by(col(Submission.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def sent_by(user_id: int | None) -> ColumnElement[bool]:
    """SQL condition: submissions sent by ``user_id`` (by no user: the CLI or the system).
    What a sender is told about earlier submissions is about their own only: several
    partners may send for one organisation (a network's members, its municipality)."""
    column = col(Submission.user_id)
    return column.is_(None) if user_id is None else column == user_id
