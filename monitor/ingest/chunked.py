"""Case files (CSV, Parquet) ingested chunk by chunk, in bounded memory, still all or nothing.

The file is never held whole: polars scans it in chunks of :data:`CHUNK_ROWS` rows; each
chunk is prepared, validated and pseudonymised like a whole file (:class:`Earlier` carries
what the checks that look back need: first rows of keys, children's first complete rows),
and its valid rows are stored at once, inside the batch's one transaction. A problem
anywhere (without ``accept_valid``) stops the storing, the rest of the file is still
checked so that every problem is reported, and the transaction is rolled back: nothing is
stored. The report lists the first :data:`LISTED` problems; all of them, with the
warnings, are written to a rejects file while the chunks go by (:class:`Sink`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlmodel import Session

from monitor.errors import RowProblem, ValidationFailed
from monitor.ingest import bounds
from monitor.ingest.earlier import Earlier
from monitor.ingest.formats import english_headers
from monitor.ingest.read import (
    MB,
    ROW,
    _check_text,
    _unreadable,
    parquet_as_text,
    prepare,
    too_large,
)
from monitor.ingest.report import REJECT_COLUMNS, IngestReport
from monitor.ingest.store import StoreCounts, lookup_children
from monitor.ingest.submissions import Batch, Listed, audit, fill, new_submission, record, reject
from monitor.ingest.validate_case import new_child_problems, validate_case
from monitor.ingest.write import write_batch
from schema import utcnow
from schema.base import SubmissionStatus

CHUNK_ROWS = 50_000
LISTED = 10_000
SUFFIXES = (".csv", ".txt", ".parquet")
ProgressCallback = Callable[[int, int], None]
_log = logging.getLogger(__name__)


@dataclass
class Source:
    """A submitted file that can be read in chunks: its header, checksum and row count."""

    path: Path
    name: str
    checksum: str
    columns: list[str]
    rows: int
    separator: str = ","

    def _scan(self) -> pl.LazyFrame:
        if self.path.suffix.lower() == ".parquet":
            return pl.scan_parquet(self.path)
        return pl.scan_csv(self.path, infer_schema=False, separator=self.separator)

    def chunks(self) -> Iterator[pl.DataFrame]:
        """The prepared chunks (text columns, ``_row`` counted on from chunk to chunk).

        Each chunk is its own bounded scan (``slice``), not a stream of batches: a reader
        running ahead of a slower consumer would queue up the whole file."""
        kind = "Parquet" if self.path.suffix.lower() == ".parquet" else "CSV"
        offset = 0
        while True:
            try:
                raw = self._scan().slice(offset, CHUNK_ROWS).collect()
            except pl.exceptions.PolarsError as exc:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                message = (
                    f"not a readable Parquet file: {reason}"
                    if kind == "Parquet"
                    else f"not a readable CSV file: {reason}"
                )  # each as its own template, so that both have their Dutch form
                raise _unreadable(self.name, message) from None
            if raw.height == 0:
                return
            if kind == "Parquet":
                raw = parquet_as_text(raw, self.name)
            yield prepare(raw, self.name, first_row=offset + 2)
            offset += raw.height


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(MB):
            digest.update(block)
    return digest.hexdigest()


def open_source(path: Path, max_bytes: int, work: Path) -> Source | None:
    """The file as a :class:`Source`, after the checks :func:`~monitor.ingest.read.read_file`
    makes; None when it is not a CSV or Parquet file with data rows (read it whole).
    A Windows-1252 CSV is converted into ``work`` first."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES or not path.is_file():
        return None
    size = path.stat().st_size
    if size > max_bytes:
        raise too_large(path.name, size, max_bytes)
    if size == 0:
        return None
    if suffix == ".parquet":
        return _parquet_source(path)
    data = path.read_bytes()  # at most the upload cap; freed before the first chunk
    _check_text(data, path.name, "a UTF-8 CSV (Excel: Save As > CSV UTF-8)")
    checksum = hashlib.sha256(data).hexdigest()
    scanned = path
    try:
        _check_utf8(data)
    except UnicodeDecodeError:
        try:
            data = data.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError:
            return None  # the whole-file reader names the problem
        scanned = work / "converted.csv"
        scanned.write_bytes(data)
    end = data.find(b"\n")  # the first line, without a copy of the rest
    first_line = (data if end < 0 else data[:end]).removeprefix(b"\xef\xbb\xbf")
    separator = ";" if first_line.count(b";") > first_line.count(b",") else ","
    bounds.check_text_cells(data, path.name, separator.encode())
    del data
    source = Source(scanned, path.name, checksum, [], 0, separator)
    try:
        lazy = source._scan()
        source.columns = lazy.collect_schema().names()
        source.rows = int(lazy.select(pl.len()).collect(engine="streaming").item())
    except pl.exceptions.PolarsError:
        return None  # the whole-file reader names the problem
    return source if source.rows else None


def _check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError unless ``data`` is UTF-8, decoding a MB at a time (decoding
    it whole would hold a copy of the file as text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), MB):
        decoder.decode(view[start : start + MB])
    decoder.decode(b"", final=True)


def _parquet_source(path: Path) -> Source | None:
    import pyarrow.parquet as pq

    bounds.check_parquet(path, path.name)
    try:
        meta = pq.ParquetFile(path).metadata
        columns = pl.read_parquet_schema(path)
    except Exception:  # noqa: BLE001 - the whole-file reader names the problem
        return None
    if meta.num_rows == 0 or any(dtype.is_nested() for dtype in columns.values()):
        return None
    return Source(path, path.name, _checksum(path), list(columns), meta.num_rows)


@dataclass
class Sink:
    """Problems or warnings of a file read in chunks: the first :data:`LISTED` kept, all
    written to a rejects file as they come."""

    path: Path
    listed: list[RowProblem] = field(default_factory=list)
    total: int = 0
    bad_rows: int = 0

    def add(self, problems: list[RowProblem], bad_rows: int = 0) -> None:
        """Take the problems of one chunk (``bad_rows``: how many rows they concern)."""
        self.total += len(problems)
        self.bad_rows += bad_rows
        self.listed.extend(problems[: max(LISTED - len(self.listed), 0)])
        with self.path.open("a", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(
                [p.file, "" if p.row is None else p.row, p.column or "",
                 "" if p.value is None else p.value, p.reason, p.severity]
                for p in problems
            )  # fmt: skip


def _rejects_file(work: Path, problems: Sink, warnings: Sink) -> Path | None:
    """One rejects CSV (header, problems, warnings), kept only when the report lists less."""
    if problems.total <= LISTED and warnings.total <= LISTED:
        return None
    target = Path(tempfile.mkstemp(prefix="rejects-", suffix=".csv")[1])
    with target.open("wb") as out:
        out.write((",".join(REJECT_COLUMNS) + "\r\n").encode())
        for part in (problems.path, warnings.path):
            if part.exists():
                with part.open("rb") as handle:
                    while block := handle.read(MB):
                        out.write(block)
    return target


def run(
    session: Session,
    batch: Batch,
    source: Source,
    report: IngestReport,
    *,
    accept_valid: bool,
    dry_run: bool,
    progress: ProgressCallback | None,
) -> IngestReport:
    """Validate and store ``source`` chunk by chunk in one transaction (one attempt)."""
    with tempfile.TemporaryDirectory(prefix="ingest-") as work:
        problems = Sink(Path(work) / "problems.csv")
        warnings = Sink(Path(work) / "warnings.csv")
        earlier, counts, now = Earlier(), StoreCounts(), utcnow()
        rows_read = accepted = 0
        file_level: list[RowProblem] = []
        submission = None
        name, ctx = batch.file_name, batch.ctx
        lookup = lambda p: lookup_children(session, p)  # noqa: E731
        try:
            for chunk in source.chunks():
                rows_read += chunk.height
                frame = chunk.rename(english_headers(chunk.columns))
                validated = validate_case(frame, ctx, name, lookup, earlier)
                found = validated.problems
                file_level = file_level or found.file_level
                valid = validated.frame.filter(~pl.col(ROW).is_in(found.bad_rows().to_list()))
                if accept_valid:
                    second = new_child_problems(valid, name, earlier.first_complete("valid"))
                    found.extend(second)
                    valid = valid.filter(~pl.col(ROW).is_in(second.bad_rows().to_list()))
                    earlier.remember_complete("valid", valid)
                row_problems = found.to_list()[len(found.file_level) :]
                problems.add(row_problems, validated.frame.height - valid.height)
                warnings.add(validated.warnings)
                _log.debug("%s: %d rows read, peak RSS %s", name, rows_read, _peak_rss())
                accepted += valid.height
                refused = bool(file_level) or (problems.total > 0 and not accept_valid)
                if dry_run or refused or valid.height == 0:
                    continue
                if submission is None:
                    submission = new_submission(batch, report)
                    session.add(submission)
                    session.flush()
                    report.submission_id = submission.id
                assert report.submission_id is not None  # flushed: the id is drawn
                stored = write_batch(
                    session, valid, shape="case", org_id=ctx.org_id,
                    submission_id=report.submission_id, now=now,
                    progress=_offset(progress, counts.inserted + counts.unchanged, source.rows),
                )  # fmt: skip
                counts.inserted += stored.inserted
                counts.superseded += stored.superseded
                counts.unchanged += stored.unchanged
        except ValidationFailed as exc:
            session.rollback()
            return reject(session, batch, 0, exc.problems)
        listed = [*file_level, *problems.listed][: max(LISTED, len(file_level))]
        rejects = _rejects_file(Path(work), problems, warnings)
        if file_level or (problems.total and not accept_valid) or accepted == 0:
            session.rollback()
            total = problems.total + len(file_level)
            return reject(session, batch, rows_read, listed, warnings.listed,
                          listed=Listed(total, problems.bad_rows, rejects))  # fmt: skip
        status = SubmissionStatus.PARTIAL if problems.total else SubmissionStatus.ACCEPTED
        report.status = status.value
        report.rows_read, report.rows_accepted = rows_read, accepted
        report.rows_rejected = rows_read - accepted
        report.problems, report.warnings = listed, warnings.listed
        report.problems_more, report.rejects_file = problems.total - len(problems.listed), rejects
        if dry_run:
            report.status = SubmissionStatus.DRY_RUN.value
            report.message = f"validated only; {accepted} row(s) would be stored"
            return record(session, batch, report)
        assert submission is not None  # accepted > 0 and storing: a chunk was stored
        report.rows_superseded, report.rows_unchanged = counts.superseded, counts.unchanged
        report.seconds = time.perf_counter() - batch.started
        fill(submission, report)
        session.add(submission)
        audit(session, batch, report)
        session.commit()
        return report


def _peak_rss() -> str:
    """This process's peak resident memory so far (debug log of each chunk)."""
    try:
        import resource

        return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB"
    except ImportError:  # not on Linux or macOS
        return "unknown"


def _offset(progress: ProgressCallback | None, done: int, total: int) -> ProgressCallback | None:
    if progress is None:
        return None
    return lambda rows, _: progress(done + rows, max(total, done + rows))
