"""``/api/health``: is the app up and the database reachable (no login needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from monitor.api.deps import SessionDep
from monitor.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(session: SessionDep) -> Health | JSONResponse:
    """Liveness: 200 when the database answers, 503 otherwise."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        return JSONResponse(status_code=503, content={"status": "degraded", "database": "down"})
    return Health(status="ok", database="ok")
