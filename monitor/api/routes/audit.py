"""``/api/audit``: read the append-only audit trail (admin). There is no way to change it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from monitor import audit
from monitor.api.deps import AdminPrincipal, SessionDep
from monitor.api.models import ERRORS, AuditOut
from monitor.api.params import Moment

router = APIRouter(prefix="/audit", tags=["audit"], responses=ERRORS)


@router.get("", response_model=list[AuditOut])
def list_entries(
    session: SessionDep,
    _admin: AdminPrincipal,
    action: str | None = None,
    since: Moment = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[AuditOut]:
    """Newest-first audit entries (admin)."""
    rows = audit.entries(session, action=action, since=since, limit=limit)
    return [AuditOut.model_validate(r, from_attributes=True) for r in rows]
