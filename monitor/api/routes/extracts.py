"""``/api/extracts``: pseudonymised case-level extracts for researchers (audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from monitor import query
from monitor.api.deps import CurrentPrincipal, SessionDep
from monitor.api.models import ERRORS, ExtractOut, frame_rows
from monitor.api.params import AsOf

router = APIRouter(prefix="/extracts", tags=["extracts"], responses=ERRORS)


@router.get("/cases", response_model=ExtractOut)
def case_extract(
    session: SessionDep,
    principal: CurrentPrincipal,
    indicator: Annotated[list[str], Query(description="Indicator codes", min_length=1)],
    date_from: date | None = None,
    date_to: date | None = None,
    as_of: AsOf = None,
) -> ExtractOut:
    """Case rows in the researcher's scope, by pseudonym (researchers only)."""
    frame = query.case_extract(
        session,
        principal,
        indicator_codes=indicator,
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
    )
    session.commit()  # the audit entry
    return ExtractOut(row_count=frame.height, columns=frame.columns, rows=frame_rows(frame))


@router.get("/participation", response_model=ExtractOut)
def participation_extract(
    session: SessionDep, principal: CurrentPrincipal, as_of: AsOf = None
) -> ExtractOut:
    """Programme participation of the children in the researcher's scope (researchers only)."""
    frame = query.participation_extract(session, principal, as_of=as_of)
    session.commit()  # the audit entry
    return ExtractOut(row_count=frame.height, columns=frame.columns, rows=frame_rows(frame))
