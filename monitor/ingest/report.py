"""The outcome of one ingest: counts, status, problems and warnings."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.errors import RowProblem
from schema.base import SubmissionStatus

REJECT_COLUMNS = ("file", "row", "column", "value", "reason", "severity")


@dataclass
class IngestReport:
    """What happened to one submitted batch.

    ``rows_accepted`` counts valid rows taken in (including ``rows_unchanged``: rows whose
    value was already stored, so no new row was written); ``rows_superseded`` counts stored
    rows that this batch corrected. ``problems`` are errors (rows not stored), ``warnings``
    are plausibility notes (cross-indicator rules, outliers) that never block a batch."""

    submission_id: int | None
    status: str
    file_name: str
    organisation_code: str
    shape: str
    checksum: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_superseded: int = 0
    rows_unchanged: int = 0
    seconds: float = 0.0
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    message: str = ""
    #: problems beyond those listed in ``problems`` (a file read in chunks lists the first
    #: :data:`monitor.ingest.chunked.LISTED`); all of them are in ``rejects_file``
    problems_more: int = 0
    rejects_file: Path | None = None

    @property
    def ok(self) -> bool:
        """True unless the batch was rejected."""
        return self.status != SubmissionStatus.REJECTED.value

    @property
    def rows_stored(self) -> int:
        """New rows written (accepted minus unchanged)."""
        return self.rows_accepted - self.rows_unchanged

    def rejects_csv(self, path: Path | str) -> Path:
        """Write problems and warnings (file,row,column,value,reason,severity) to ``path``.

        Values are as reported: a BSN only ever appears masked. The rejects file written
        while a big file was read in chunks is moved there (it is not left behind)."""
        path = Path(path)
        if self.rejects_file is not None:  # written while the file was read, in chunks
            shutil.move(self.rejects_file, path)
            self.rejects_file = None
            return path
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECT_COLUMNS)
            for problem in [*self.problems, *self.warnings]:
                writer.writerow(
                    [
                        problem.file,
                        "" if problem.row is None else problem.row,
                        problem.column or "",
                        "" if problem.value is None else problem.value,
                        problem.reason,
                        problem.severity,
                    ]
                )
        return path

    def discard_rejects(self) -> None:
        """Delete the rejects file written while a big file was read in chunks (channels
        that show the listed problems only: the web form, the API)."""
        if self.rejects_file is not None:
            self.rejects_file.unlink(missing_ok=True)
            self.rejects_file = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the API's answer to a submission)."""

        def problem(p: RowProblem) -> dict[str, Any]:
            return {
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "reason": p.reason,
                "severity": p.severity,
            }

        return {
            "submission_id": self.submission_id,
            "status": self.status,
            "file_name": self.file_name,
            "organisation": self.organisation_code,
            "shape": self.shape,
            "checksum": self.checksum,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "rows_superseded": self.rows_superseded,
            "rows_unchanged": self.rows_unchanged,
            "seconds": round(self.seconds, 3),
            "message": self.message,
            "problems": [problem(p) for p in self.problems],
            "warnings": [problem(p) for p in self.warnings],
        }

    def summary(self) -> str:
        """One line for logs and the CLI."""
        return (
            f"{self.file_name}: {self.status}; read {self.rows_read}, accepted "
            f"{self.rows_accepted}, rejected {self.rows_rejected}, superseded "
            f"{self.rows_superseded}, unchanged {self.rows_unchanged} in {self.seconds:.1f}s"
        )
