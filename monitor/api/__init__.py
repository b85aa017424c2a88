"""The REST API: ``create_api()`` builds the FastAPI app, every route under ``/api``.

Authentication is a bearer token (``POST /api/token`` or ``monitor user token``); what a
caller may see or do is decided by :mod:`monitor.policy`, the figures come from
:mod:`monitor.query`, submissions go through :mod:`monitor.ingest`. Errors are JSON with a
clear message (:mod:`monitor.api.errors`), never a traceback.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from monitor.api import errors, limits
from monitor.api.docs import install_docs
from monitor.api.headers import SecurityHeadersMiddleware
from monitor.api.language import LanguageMiddleware
from monitor.api.limits import BodyLimitMiddleware
from monitor.api.routes import ROUTERS
from monitor.settings import production_checked

API_PREFIX = "/api"


def max_upload_bytes_from_env() -> int:
    """``MAX_UPLOAD_MB`` (the ``max_upload_mb`` setting, default 50 MB) in bytes."""
    return limits.max_upload_bytes()


def create_api(*, engine: Engine | None = None, max_upload_bytes: int | None = None) -> FastAPI:
    """The API app. ``engine`` defaults to the configured database (``DATABASE_URL``);
    request bodies over ``max_upload_bytes`` (default ``MAX_UPLOAD_MB``) get 413. Raises
    :class:`~monitor.errors.SettingsError` in production mode with demo or weak secrets."""
    production_checked()
    app = FastAPI(
        title="Common Monitor API",
        summary="Shared indicators, submissions and figures of networks around children.",
        version="0.1.0",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from local assets (monitor.api.docs)
        redoc_url=None,
    )
    app.state.engine = engine
    install_docs(app, API_PREFIX)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    errors.install(app)
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=max_upload_bytes or max_upload_bytes_from_env()
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(LanguageMiddleware)
    return app
