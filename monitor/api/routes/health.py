"""``/api/health``: is the app up and the database reachable (no login needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from monitor.api.deps import SessionDep
from monitor.api.models import Health
from monitor.db import database_answers

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(session: SessionDep) -> Health | JSONResponse:
    """Liveness: 200 when the database answers, 503 otherwise."""
    if not database_answers(session):
        return JSONResponse(status_code=503, content={"status": "degraded", "database": "down"})
    return Health(status="ok", database="ok")
