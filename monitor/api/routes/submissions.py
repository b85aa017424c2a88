"""``/api/submissions``: send a file or JSON rows for an organisation, and follow up on it.

Only callers allowed to *submit* for the organisation may send or read its submissions. A
batch is all or nothing (unless ``accept_valid``): 201 when rows were stored, 200 for a
dry run or an identical resubmission, 422 with every problem when it was rejected.
"""

from __future__ import annotations

import pathlib
import re
import tempfile
from typing import Annotated, Any, Literal

import polars as pl
from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

from monitor import organisations as orgs
from monitor.api.deps import CurrentPrincipal, SessionDep
from monitor.api.errors import problem_dict, scrub
from monitor.api.language import in_language
from monitor.api.models import ERRORS, ErrorBody, SubmissionOut
from monitor.api.uploads import refuse_formulas
from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.ingest import IngestReport, ingest_file, ingest_frame
from monitor.ingest.submissions import recent_submissions
from monitor.policy import Action, Principal
from schema import Organisation, Submission, id_of

router = APIRouter(prefix="/submissions", tags=["submissions"], responses=ERRORS)

Shape = Literal["case", "aggregate", "dhis2"]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
OUTCOMES: dict[int | str, dict[str, Any]] = {
    201: {"model": SubmissionOut, "description": "Rows stored (accepted or partial)"},
    422: {"model": SubmissionOut | ErrorBody, "description": "Rejected: nothing stored"},
}
MAX_JSON_ROWS = 100_000


class RowsIn(BaseModel):
    """Rows sent as JSON: one object per row, keys are the file format's column names."""

    organisation: str
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_JSON_ROWS)
    shape: Shape | None = None
    file_name: str = Field(default="api-rows.json", max_length=200)
    accept_valid: bool = False
    dry_run: bool = False


def submitter(session: Session, principal: Principal, code: str) -> Organisation:
    org = orgs.get_organisation(session, code)
    principal.require(Action.SUBMIT, org.id, f"for {code}")
    return org


def answer(report: IngestReport) -> JSONResponse:
    report.discard_rejects()  # the answer lists the first problems; the message counts all
    data = report.as_dict()
    problems = [problem_dict(_problem(p)) for p in data["problems"][:1000]]
    body = SubmissionOut(
        submission_id=data["submission_id"],
        organisation_code=data["organisation"],
        status=data["status"],
        file_name=data["file_name"],
        shape=data["shape"],
        rows_read=data["rows_read"],
        rows_accepted=data["rows_accepted"],
        rows_rejected=data["rows_rejected"],
        rows_superseded=data["rows_superseded"],
        rows_unchanged=data["rows_unchanged"],
        seconds=data["seconds"],
        message=in_language(scrub(data["message"])),
        problems=problems,
        problem_count=len(data["problems"]),
        warnings=[problem_dict(_problem(p)) for p in data["warnings"][:1000]],
    )
    status = {"accepted": 201, "partial": 201, "rejected": 422}.get(report.status, 200)
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


def _problem(p: dict[str, Any]) -> RowProblem:
    return RowProblem(p["file"], p["row"], p["column"], p["value"], p["reason"], p["severity"])


def saved_upload(file: UploadFile, path: pathlib.Path) -> pathlib.Path:
    """Write an uploaded file to ``path`` a megabyte at a time; returns ``path``."""
    with path.open("wb") as out:
        while chunk := file.file.read(1024 * 1024):
            out.write(chunk)
    return path


def safe_name(name: str | None) -> str:
    base = pathlib.Path(name or "").name
    cleaned = _SAFE_NAME.sub("_", base).strip("._")[:120]
    return cleaned or "upload"


@router.post("", response_model=SubmissionOut, responses=OUTCOMES)
def submit_file(
    session: SessionDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="CSV, XLSX, Parquet or DHIS2 JSON")],
    organisation: Annotated[str, Form(description="Code of the submitting organisation")],
    shape: Annotated[Shape | None, Form()] = None,
    accept_valid: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = False,
) -> JSONResponse:
    """Submit a file for an organisation (needs the right to submit for it)."""
    submitter(session, principal, organisation)
    name = safe_name(file.filename)
    with tempfile.TemporaryDirectory(prefix="cm-upload-") as folder:
        path = saved_upload(file, pathlib.Path(folder) / name)
        refuse_formulas(path, name)
        report = ingest_file(
            session,
            path,
            organisation_code=organisation,
            user_id=principal.user_id,
            channel="api",
            shape=shape,
            accept_valid=accept_valid,
            dry_run=dry_run,
        )
    return answer(report)


@router.post("/rows", response_model=SubmissionOut, responses=OUTCOMES)
def submit_rows(body: RowsIn, session: SessionDep, principal: CurrentPrincipal) -> JSONResponse:
    """Submit rows as JSON for an organisation (needs the right to submit for it)."""
    submitter(session, principal, body.organisation)
    columns = _columns(body)
    frame = pl.DataFrame(
        {c: [_text(r.get(c)) for r in body.rows] for c in columns},
        schema={c: pl.String for c in columns},
    )
    report = ingest_frame(
        session,
        frame,
        file_name=safe_name(body.file_name),
        organisation_code=body.organisation,
        user_id=principal.user_id,
        channel="api",
        shape=body.shape,
        accept_valid=body.accept_valid,
        dry_run=body.dry_run,
    )
    return answer(report)


def _columns(body: RowsIn) -> list[str]:
    """The keys used in the rows, in order; names must be distinct once trimmed."""
    columns: list[str] = []
    for row in body.rows:
        columns.extend(k for k in row if k not in columns)
    problems = []
    seen: dict[str, str] = {}
    for column in columns:
        name = column.strip()
        if not name:
            problems.append(RowProblem(body.file_name, 1, repr(column), None, "empty column name"))
        elif name in seen:
            problems.append(
                RowProblem(body.file_name, 1, name, None, f"same column as {seen[name]!r}")
            )
        seen.setdefault(name, column)
    if not columns:
        problems.append(RowProblem(body.file_name, None, None, None, "the rows have no columns"))
    if problems:
        raise ValidationFailed(problems=problems, summary="the rows' column names are not usable")
    return columns


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _out(row: Submission, code: str) -> SubmissionOut:
    return SubmissionOut(
        submission_id=row.id,
        organisation_code=code,
        status=row.status,
        file_name=row.file_name,
        shape=row.shape,
        rows_read=row.rows_read,
        rows_accepted=row.rows_accepted,
        rows_rejected=row.rows_rejected,
        rows_superseded=row.rows_superseded,
        rows_unchanged=row.rows_unchanged,
        received_at=row.received_at,
        message=scrub(row.message),
    )


@router.get("", response_model=list[SubmissionOut])
def list_submissions(
    session: SessionDep,
    principal: CurrentPrincipal,
    organisation: Annotated[str, Query(description="Organisation code")],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[SubmissionOut]:
    """Recent submissions of an organisation, newest first."""
    org = submitter(session, principal, organisation)
    rows = recent_submissions(session, organisation_id=id_of(org), limit=limit)
    return [_out(r, org.code) for r in rows]


@router.get("/{submission_id}", response_model=SubmissionOut)
def get_submission(
    submission_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SubmissionOut:
    """Status and counts of one submission. Another organisation's submission answers 404
    exactly like one that does not exist: ids reveal nothing."""
    row = session.get(Submission, submission_id)
    if row is None or not principal.allows(Action.SUBMIT, row.organisation_id):
        raise NotFoundError(f"submission {submission_id} does not exist")
    org = session.get_one(Organisation, row.organisation_id)
    return _out(row, org.code)
