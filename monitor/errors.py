"""All error types of the platform, in one place.

Every error the user can cause is a :class:`MonitorError`: the CLI prints its message and
exits with a non-zero code, the API turns it into a 4xx answer. Row-level problems are
collected as :class:`RowProblem` records (file, row, column, value, reason) so that a whole
file is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.redact import redact, redact_value


class MonitorError(Exception):
    """Base class for errors a user can act on. ``exit_code`` is what the CLI returns.

    The message is redacted (:func:`monitor.redact.redact`): it never holds a BSN."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        message = redact(str(message))
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SettingsError(MonitorError):
    """A setting is malformed or unsafe."""

    exit_code = 2


class DatabaseUnavailableError(MonitorError):
    """The configured database cannot be reached or is not migrated."""

    exit_code = 3


class NotFoundError(MonitorError):
    """A referenced object (organisation, indicator, user...) does not exist."""

    exit_code = 4


class ConflictError(MonitorError):
    """The request would break a uniqueness or history rule."""

    exit_code = 5


class AccessDeniedError(MonitorError):
    """The user is not allowed to do this, or to see this organisation's data."""

    exit_code = 6


class AuthenticationError(MonitorError):
    """Login failed, the account is locked, or the token is unknown or expired."""

    exit_code = 7


class ModelFitError(MonitorError):
    """A statistical model cannot be fitted on the data given (names what is missing)."""

    exit_code = 8


@dataclass(frozen=True)
class RowProblem:
    """One problem in one input row: where (file, row, column), the value and the reason.

    ``row`` is the 1-based data row number as a user sees it in a spreadsheet, counting the
    header as row 1 (so the first data row is row 2). No field ever holds a BSN: file,
    column and reason are redacted and the value masked (:mod:`monitor.redact`) when the
    problem is made, whoever makes it.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str = "error"

    def __post_init__(self) -> None:
        value = self.value if self.value is None else str(self.value)
        object.__setattr__(self, "value", redact_value(self.column, value))
        object.__setattr__(self, "file", redact(str(self.file)))
        if self.column is not None:
            object.__setattr__(self, "column", redact(str(self.column)))
        object.__setattr__(self, "reason", redact(str(self.reason)))

    def as_text(self) -> str:
        """Format as one line: ``file:row column 'value': reason``."""
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column and self.row is not None:
            where += f" column {self.column!r}"
        elif self.column:
            where += f" at {self.column}"
        value = f" value {self.value!r}" if self.value not in (None, "") else ""
        return f"{where}{value}: {self.reason}"


@dataclass
class ValidationFailed(MonitorError):
    """Input did not pass validation; carries every problem found (not only the first)."""

    problems: list[RowProblem] = field(default_factory=list)
    summary: str = "input failed validation"

    def __post_init__(self) -> None:
        super().__init__(self.summary)
        self.summary = self.message

    exit_code = 9

    def __str__(self) -> str:
        shown = "\n".join("  " + p.as_text() for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  ... and {more} more" if more > 0 else ""
        return f"{self.summary} ({len(self.problems)} problem(s)):\n{shown}{tail}"
