"""Response bodies of the API (they become the OpenAPI schemas)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Annotated, Any

import polars as pl
from pydantic import AfterValidator, BaseModel, Field

from schema import Role


def as_utc(moment: datetime) -> datetime:
    """Stored moments are UTC; SQLite hands them back naive. Answer with an explicit zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


#: A moment in UTC, serialised with its zone (RFC 3339), whatever the database returned.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


class Problem(BaseModel):
    """One problem: where (file, row, column), the value and the reason."""

    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    reason: str
    severity: str = "error"


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer: a message, and for validation failures the problems."""

    detail: str
    problems: list[Problem] | None = None
    problem_count: int | None = None


#: Documented error answers, shared by the routers.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No, an invalid or an expired token"},
    403: {"model": ErrorBody, "description": "Not allowed for this caller or organisation"},
    404: {"model": ErrorBody, "description": "Unknown organisation, indicator, user, ..."},
    422: {"model": ErrorBody, "description": "Invalid request or input"},
}


class Token(BaseModel):
    """A bearer token (shown once)."""

    access_token: str
    token_type: str = "bearer"
    expires_in_days: int


class Health(BaseModel):
    """Liveness and database reachability."""

    status: str
    database: str


class OrganisationOut(BaseModel):
    """An organisation."""

    code: str
    name: str
    kind: str
    municipality: str | None = None
    brin: str | None = None
    subtype: str | None = None


class OrganisationIn(OrganisationOut):
    """A new organisation."""

    population_0_17: int | None = None


class EventOut(BaseModel):
    """Something a network did on a date."""

    organisation_code: str
    event_date: date
    kind: str
    title: str
    description: str


class IndicatorOut(BaseModel):
    """One indicator (newest version) of the shared catalogue."""

    code: str
    version: int
    name_nl: str
    name_en: str
    definition: str
    level: str
    domain: str
    value_type: str
    unit: str
    direction: str
    period_type: str
    source_kind: str
    min_value: float | None = None
    max_value: float | None = None
    category_set: str | None = None
    numerator_code: str | None = None
    denominator_code: str | None = None
    factor: float | None = None
    counts_children: bool
    valid_from: date
    retired_on: date | None = None


class SeriesRow(BaseModel):
    """One figure of an aggregate series (``value`` is null when suppressed)."""

    organisation_code: str
    organisation_name: str
    organisation_kind: str
    indicator_code: str
    indicator_version: int
    period_code: str
    period_start: date
    period_end: date
    category: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    source_kind: str
    recorded_at: UtcDateTime | None = None
    reported_by: str | None = Field(default=None, description="Who sent the figure (codes).")
    suppressed: bool
    reason: str | None = Field(default=None, description="Why withheld: 'small' (< threshold).")


class Series(BaseModel):
    """An indicator's figures, as the caller may see them."""

    indicator_code: str
    as_of: UtcDateTime | None = None
    rows: list[SeriesRow]


class RollupRow(BaseModel):
    """Case rows rolled up per period (and group); never one child."""

    period_code: str
    period_start: date
    category: str | None = None
    reporting_org_code: str | None = None
    sex: str | None = None
    age_group: str | None = None
    n_children: int | None = None
    n_rows: int | None = None
    mean: float | None = None
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    suppressed: bool
    reason: str | None = Field(default=None, description="Why withheld: 'small' (< threshold).")


class Rollup(BaseModel):
    """A case rollup of one organisation."""

    indicator_code: str
    organisation_code: str
    as_of: UtcDateTime | None = None
    rows: list[RollupRow]


class SubmissionOut(BaseModel):
    """A submission's outcome: counts, status and every problem found."""

    submission_id: int | None = None
    organisation_code: str
    status: str
    file_name: str = ""
    shape: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_superseded: int = 0
    rows_unchanged: int = 0
    seconds: float | None = None
    received_at: UtcDateTime | None = None
    message: str = ""
    problems: list[Problem] = []
    problem_count: int = 0
    warnings: list[Problem] = []


class ExtractOut(BaseModel):
    """A pseudonymised extract (researchers only; audited)."""

    row_count: int
    columns: list[str]
    rows: list[dict[str, Any]]


class AuditOut(BaseModel):
    """One entry of the append-only audit trail."""

    id: int
    at: UtcDateTime
    action: str
    username: str
    user_id: int | None = None
    organisation_id: int | None = None
    target: str
    detail: str


class RoleOut(BaseModel):
    """A role a user holds, with its organisation (none for admin)."""

    role: str
    organisation: str | None = None


class UserOut(BaseModel):
    """A user account (never its password hash)."""

    username: str
    full_name: str
    is_active: bool
    locked: bool
    last_login_at: UtcDateTime | None = None
    roles: list[RoleOut]


class RoleIn(BaseModel):
    """A role to grant or revoke."""

    role: Role
    organisation: str | None = None
    purpose: str | None = Field(
        default=None, max_length=500, description="Researcher roles: what the extracts are for."
    )
    expires_on: date | None = Field(
        default=None, description="Researcher roles: the last day the role holds."
    )


class RoleChange(BaseModel):
    """Outcome of a grant or revoke."""

    username: str
    role: str
    organisation: str | None = None
    changed: int


def frame_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A polars frame as JSON-safe dicts (NaN and infinities become null)."""
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
            elif isinstance(value, datetime):
                row[key] = as_utc(value)
    return rows
