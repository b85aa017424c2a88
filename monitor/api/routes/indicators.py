"""``/api/indicators``: the shared indicator catalogue (read only; any logged-in user)."""

from __future__ import annotations

from fastapi import APIRouter

from monitor.api.deps import CurrentPrincipal, SessionDep
from monitor.api.models import ERRORS, IndicatorOut
from monitor.catalogue import get_indicator, indicator_versions

router = APIRouter(prefix="/indicators", tags=["indicators"], responses=ERRORS)


@router.get("", response_model=list[IndicatorOut])
def list_indicators(
    session: SessionDep, _principal: CurrentPrincipal, level: str | None = None
) -> list[IndicatorOut]:
    """The newest version of every indicator (optionally of one level)."""
    newest = {row.code: row for row in indicator_versions(session)}
    rows = [r for r in newest.values() if level is None or r.level == level]
    return [IndicatorOut.model_validate(r, from_attributes=True) for r in rows]


@router.get("/{code}", response_model=IndicatorOut)
def get_one(code: str, session: SessionDep, _principal: CurrentPrincipal) -> IndicatorOut:
    """One indicator (newest version)."""
    return IndicatorOut.model_validate(get_indicator(session, code), from_attributes=True)
