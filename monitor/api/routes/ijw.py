"""``/api/submissions/ijw``: iJw 3.2 youth-care messages (JW315, JW301, JW305, JW307) sent
to the municipality, uploaded as one XML message or a zip of them.

As on the command line (``monitor ijw import``) and the data-entry page
(:func:`monitor.views.import_ijw`): checked against the iJw 3.2 XSDs, every BSN
pseudonymised at the door, all or nothing; only a caller allowed to *submit* for the
municipality may send its messages. 201 when product lines were stored, 200 for a dry run
or a file sent before, 422 with every problem (file, line, element, reason) otherwise."""

from __future__ import annotations

import pathlib
import tempfile
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse

from monitor.api.deps import CurrentPrincipal, SessionDep
from monitor.api.models import ERRORS, SubmissionOut
from monitor.api.routes.submissions import OUTCOMES, answer, safe_name, saved_upload
from monitor.errors import RowProblem, ValidationFailed
from monitor.views.entry import IJW_SUFFIXES, import_ijw

router = APIRouter(prefix="/submissions", tags=["submissions"], responses=ERRORS)


@router.post("/ijw", response_model=SubmissionOut, responses=OUTCOMES)
def submit_ijw(
    session: SessionDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="One iJw message (.xml) or a zip of them")],
    municipality: Annotated[str, Form(description="Code of the municipality (GM0363)")],
    dry_run: Annotated[bool, Form()] = False,
) -> JSONResponse:
    """Import iJw messages for a municipality (needs the right to submit for it)."""
    name = safe_name(file.filename)
    if not name.lower().endswith(IJW_SUFFIXES):
        raise ValidationFailed(
            problems=[RowProblem(name, None, None, None,
                                 "send one iJw message (.xml) or a zip of messages (.zip)")],
            summary=f"{name}: not an iJw message or zip",
        )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="cm-ijw-") as folder:
        path = saved_upload(file, pathlib.Path(folder) / name)
        report = import_ijw(
            session, principal, path, municipality_code=municipality, dry_run=dry_run,
            channel="api",
        )  # fmt: skip
    return answer(report)
