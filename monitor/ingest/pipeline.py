"""The ingest of one batch: read, validate, pseudonymise, store atomically, record.

The batch is one transaction: either every (valid) row is stored together with its
Submission and AuditEntry, or nothing is. A rejected batch is still recorded (Submission
status ``rejected`` and an AuditEntry), in a transaction of its own after the rollback.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from monitor.errors import ConflictError, RowProblem, ValidationFailed
from monitor.ingest import chunked, dhis2, quality
from monitor.ingest.context import Context, load_context
from monitor.ingest.formats import detect_shape, english_headers, header_problems
from monitor.ingest.read import MB, ROW, checksum_frame, prepare, read_file
from monitor.ingest.report import IngestReport
from monitor.ingest.rules import Problems
from monitor.ingest.store import lookup_children
from monitor.ingest.submissions import (
    Batch,
    finish,
    new_submission,
    record,
    reject,
    safe,
    sent_by,
)
from monitor.ingest.validate_aggregate import validate_aggregate
from monitor.ingest.validate_case import Validated, new_child_problems, validate_case
from monitor.ingest.write import write_batch
from monitor.settings import get_settings
from schema import Submission, utcnow
from schema.base import SubmissionStatus

log = logging.getLogger("monitor.ingest")
ProgressCallback = Callable[[int, int], None]
SHAPES = ("case", "aggregate", "dhis2")


def ingest_file(
    session: Session,
    path: Path | str,
    *,
    organisation_code: str,
    user_id: int | None = None,
    channel: str = "cli",
    shape: str | None = None,
    accept_valid: bool = False,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    dhis2_map: Path | str | None = None,
) -> IngestReport:
    """Ingest a CSV, XLSX, Parquet or DHIS2 JSON file sent by ``organisation_code``.

    Returns the :class:`IngestReport`; commits itself (one transaction for the rows, the
    Submission and the AuditEntry). Unknown organisation: NotFoundError, nothing recorded.
    A file over ``MAX_UPLOAD_MB``, an empty or header-only file, a UTF-16/32 text file and
    an XLSX with formula cells are rejected (recorded, nothing stored) with a clear problem."""
    path = Path(path)
    _check_shape(shape, path.name)
    batch = Batch(load_context(session, organisation_code), path.name, "", user_id, channel)
    batch.shape = shape or "unknown"
    max_bytes = get_settings().max_upload_mb * MB
    if shape in (None, "case"):
        with tempfile.TemporaryDirectory(prefix="ingest-") as work:
            try:
                source = chunked.open_source(path, max_bytes, Path(work))
            except ValidationFailed as exc:
                return reject(session, batch, 0, exc.problems)
            if source is not None and _case_columns(source.columns, shape, path.name):
                batch.checksum = source.checksum
                return _ingest_chunks(session, batch, source, accept_valid, dry_run, progress)
    try:
        frame, batch.checksum = read_file(path, max_bytes)
    except ValidationFailed as exc:
        return reject(session, batch, 0, exc.problems)
    return _ingest(session, batch, frame, shape, accept_valid, dry_run, progress, dhis2_map)


def ingest_frame(
    session: Session,
    frame: pl.DataFrame,
    *,
    file_name: str,
    organisation_code: str,
    user_id: int | None = None,
    channel: str = "api",
    shape: str | None = None,
    accept_valid: bool = False,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    dhis2_map: Path | str | None = None,
) -> IngestReport:
    """Ingest rows already in a frame (API JSON posts, web forms); same rules as files.

    ``file_name`` names the batch in reports; the checksum is of the frame's CSV text."""
    _check_shape(shape, file_name)
    ctx = load_context(session, organisation_code)
    batch = Batch(ctx, file_name, checksum_frame(frame), user_id, channel)
    batch.shape = shape or "unknown"
    try:
        prepared = prepare(frame, file_name)
    except ValidationFailed as exc:
        return reject(session, batch, frame.height, exc.problems)
    return _ingest(session, batch, prepared, shape, accept_valid, dry_run, progress, dhis2_map)


def _case_columns(columns: list[str], shape: str | None, file_name: str) -> bool:
    """Whether a header names a case file (else, or when it is wrong, read it whole)."""
    columns = [c.strip() for c in columns if c.strip()]
    columns = [english_headers(columns).get(c, c) for c in columns]
    try:
        shape = shape or detect_shape(columns, file_name)
    except ValidationFailed:
        return False
    return shape == "case" and not header_problems(columns, shape, file_name)


def _ingest_chunks(
    session: Session,
    batch: Batch,
    source: chunked.Source,
    accept_valid: bool,
    dry_run: bool,
    progress: ProgressCallback | None,
) -> IngestReport:
    """A case CSV or Parquet file, in bounded memory (:mod:`monitor.ingest.chunked`)."""
    batch.shape = "case"
    previous = _duplicate_of(session, batch)
    if previous is not None:
        report = batch.report(
            SubmissionStatus.DUPLICATE,
            rows_read=source.rows,
            message=f"identical to submission {previous.id} of "
            f"{previous.received_at:%Y-%m-%d %H:%M}; nothing to do",
        )
        return record(session, batch, report)
    report = batch.report(SubmissionStatus.ACCEPTED, rows_read=source.rows)

    def once() -> IngestReport:
        return chunked.run(session, batch, source, report, accept_valid=accept_valid,
                           dry_run=dry_run, progress=progress)  # fmt: skip

    return _store(session, batch, report, once)


def _check_shape(shape: str | None, file_name: str) -> None:
    if shape is not None and shape not in SHAPES:
        raise ValidationFailed(
            problems=[RowProblem(file_name, None, "shape", shape, f"use one of {SHAPES}")],
            summary=f"unknown shape {shape!r}; use case, aggregate or dhis2",
        )


def _no_rows(file_name: str, columns: list[str]) -> RowProblem:
    if not columns:
        return RowProblem(
            file_name, None, None, None, "the file holds no data: no header and no data rows"
        )
    return RowProblem(
        file_name,
        None,
        None,
        None,
        "the file has a header but no data rows; put one measurement per row under the header",
    )


def _duplicate_of(session: Session, batch: Batch) -> Submission | None:
    """An accepted submission of the same file, for the same organisation, by the same
    sender: only their own, or "identical to submission N" would confirm what another
    partner sent for that organisation (a dry run as an oracle for a withheld figure)."""
    return session.exec(
        select(Submission).where(
            col(Submission.organisation_id) == batch.ctx.org_id,
            col(Submission.checksum) == batch.checksum,
            col(Submission.status) == SubmissionStatus.ACCEPTED.value,
            sent_by(batch.user_id),
        )
    ).first()


def _ingest(
    session: Session,
    batch: Batch,
    frame: pl.DataFrame,
    shape: str | None,
    accept_valid: bool,
    dry_run: bool,
    progress: ProgressCallback | None,
    dhis2_map: Path | str | None,
) -> IngestReport:
    frame = frame.rename(english_headers(frame.columns))
    columns = [c for c in frame.columns if c != ROW]
    if frame.height == 0:
        if shape is None and columns:
            # only to label the Submission; the problem is the missing rows
            with contextlib.suppress(ValidationFailed):
                batch.shape = detect_shape(columns, batch.file_name)
        return reject(session, batch, 0, [_no_rows(batch.file_name, columns)])
    try:
        batch.shape = shape or detect_shape(columns, batch.file_name)
    except ValidationFailed as exc:
        return reject(session, batch, frame.height, exc.problems)
    if batch.shape == "dhis2":
        frame = dhis2.normalise(frame)
        columns = [c for c in frame.columns if c != ROW]
    header = header_problems(columns, batch.shape, batch.file_name)
    if header:
        return reject(session, batch, frame.height, header)
    previous = _duplicate_of(session, batch)
    if previous is not None:
        report = batch.report(
            SubmissionStatus.DUPLICATE,
            rows_read=frame.height,
            message=f"identical to submission {previous.id} of "
            f"{previous.received_at:%Y-%m-%d %H:%M}; nothing to do",
        )
        return record(session, batch, report)

    validated, rename = _validate(session, batch, frame, dhis2_map)
    problems = validated.problems
    valid = validated.frame.filter(~pl.col(ROW).is_in(problems.bad_rows().to_list()))
    if accept_valid and batch.shape == "case":
        # a new child whose only row with birth_month/sex/municipality was rejected
        second = new_child_problems(valid, batch.file_name)
        if second:
            problems.extend(second)
            valid = valid.filter(~pl.col(ROW).is_in(second.bad_rows().to_list()))
    problem_list = [safe(rename(p)) for p in problems.to_list()]
    warnings = [safe(rename(p)) for p in validated.warnings]
    if problems.file_level or (problems and not accept_valid) or valid.height == 0:
        return reject(session, batch, frame.height, problem_list, warnings)
    if batch.shape != "case":
        found = quality.batch_warnings(
            session, valid, batch.file_name, reporter_id=batch.ctx.org_id, user_id=batch.user_id
        )
        warnings += [safe(rename(p)) for p in found]
    report = batch.report(
        SubmissionStatus.PARTIAL if problem_list else SubmissionStatus.ACCEPTED,
        rows_read=frame.height,
        rows_accepted=valid.height,
        rows_rejected=frame.height - valid.height,
        problems=problem_list,
        warnings=warnings,
    )
    if dry_run:
        report.status = SubmissionStatus.DRY_RUN.value
        report.message = f"validated only; {valid.height} row(s) would be stored"
        return record(session, batch, report)
    return _store(
        session, batch, report, lambda: _store_once(session, batch, report, valid, progress)
    )


def _validate(
    session: Session, batch: Batch, frame: pl.DataFrame, dhis2_map: Path | str | None
) -> tuple[Validated, Callable[[RowProblem], RowProblem]]:
    ctx, name = batch.ctx, batch.file_name
    if batch.shape == "case":
        return validate_case(frame, ctx, name, lambda p: lookup_children(session, p)), _same
    if batch.shape == "aggregate":
        return validate_aggregate(frame, ctx, name), _same
    converted, mapping_problems = _from_dhis2(ctx, frame, name, dhis2_map)
    validated = validate_aggregate(converted, ctx, name)
    validated.problems.drop_reported(mapping_problems)
    validated.problems.extend(mapping_problems)
    return validated, dhis2.rename_problem


def _same(problem: RowProblem) -> RowProblem:
    return problem


def _from_dhis2(
    ctx: Context, frame: pl.DataFrame, name: str, dhis2_map: Path | str | None
) -> tuple[pl.DataFrame, Problems]:
    return dhis2.to_aggregate(
        frame,
        dhis2.load_mapping(dhis2_map),
        indicator_codes=ctx.indicators["indicator"].unique().to_list(),
        organisation_codes=ctx.organisations["o_code"].to_list(),
        category_codes=ctx.categories["code"].unique().to_list(),
        file_name=name,
    )


#: A batch colliding with a concurrent one (a unique key both inserted) is tried this often.
STORE_ATTEMPTS = 3


def _store(
    session: Session, batch: Batch, report: IngestReport, once: Callable[[], IngestReport]
) -> IngestReport:
    """Rows, Submission and AuditEntry in one transaction; on any error nothing is kept.

    A unique-key collision with a concurrent batch (both stored the same row key; new
    children are inserted ``ON CONFLICT DO NOTHING`` and never collide) rolls back and
    tries the whole batch again, at most :data:`STORE_ATTEMPTS` times; the report's message
    says so. Any other refusal of the database is a ConflictError (409), recorded."""
    message = report.message
    for attempt in range(1, STORE_ATTEMPTS + 1):
        if attempt > 1:
            note = f"stored at attempt {attempt}: a concurrent batch held the same keys"
            report.message = f"{message}; {note}" if message else note
        try:
            stored = once()
        except IntegrityError as exc:
            session.rollback()
            if attempt == STORE_ATTEMPTS:
                _refused(session, batch, report, exc, retry=True)
            log.info("ingest %s: collided with a concurrent batch (attempt %d of %d)",
                     batch.file_name, attempt, STORE_ATTEMPTS)  # fmt: skip
            time.sleep(0.05 * attempt)
        except SQLAlchemyError as exc:
            session.rollback()
            _refused(session, batch, report, exc, retry=False)
        except BaseException:
            session.rollback()
            raise
        else:
            log.info("ingest %s", stored.summary())
            return stored
    raise AssertionError("unreachable")  # pragma: no cover


def _store_once(
    session: Session,
    batch: Batch,
    report: IngestReport,
    valid: pl.DataFrame,
    progress: ProgressCallback | None,
) -> IngestReport:
    submission = new_submission(batch, report)
    session.add(submission)
    session.flush()
    assert submission.id is not None
    report.submission_id = submission.id
    counts = write_batch(
        session,
        valid,
        shape=batch.shape,
        org_id=batch.ctx.org_id,
        submission_id=submission.id,
        now=utcnow(),
        progress=progress,
    )
    report.rows_superseded = counts.superseded
    report.rows_unchanged = counts.unchanged
    return finish(session, batch, submission, report)


def _refused(
    session: Session, batch: Batch, report: IngestReport, exc: SQLAlchemyError, *, retry: bool
) -> None:
    """Record the refused batch and raise ConflictError (409) naming the reason."""
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    if retry:
        reason = (
            f"a concurrent submission stored the same rows first ({STORE_ATTEMPTS} attempts); "
            f"send the file again in a moment ({reason})"
        )
    problem = RowProblem(
        batch.file_name, None, None, None, f"the database refused the batch: {reason}"
    )
    reject(session, batch, report.rows_read, [problem])
    raise ConflictError(f"{batch.file_name}: nothing stored; {problem.reason}") from None
