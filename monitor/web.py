"""The one ASGI app behind ``monitor serve``: the REST API under ``/api`` and the Dash
dashboards at ``/`` (their Flask server mounted through a2wsgi's WSGI bridge).

The dashboards package is imported only here, lazily: the core of ``monitor`` never
imports it (the import contracts in ``pyproject.toml`` check this).
"""

from __future__ import annotations

import logging

from a2wsgi import WSGIMiddleware
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from monitor.api import API_PREFIX, create_api
from monitor.api.language import in_language
from monitor.db import get_engine
from monitor.settings import production_checked

log = logging.getLogger("monitor.web")


def create_web_app(*, engine: Engine | None = None, dashboards: bool = True) -> FastAPI:
    """API plus dashboards on one engine (default: the one ``DATABASE_URL`` names).

    Raises :class:`~monitor.errors.SettingsError` in production mode with the demo key or
    session secret, before anything is served."""
    production_checked()
    engine = engine if engine is not None else get_engine()
    app = create_api(engine=engine)

    @app.api_route(
        API_PREFIX + "/{rest:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    def unknown_api_path(rest: str) -> JSONResponse:
        """Unknown API paths answer JSON 404, not a dashboard page."""
        detail = in_language(f"no API route /api/{rest}")
        return JSONResponse(status_code=404, content={"detail": detail})

    if dashboards:
        from dashboards.app import create_dash_app

        dash_app = create_dash_app(requests_pathname_prefix="/", engine=engine)
        # a2wsgi types its ASGI callables with its own Scope/Receive/Send, not Starlette's
        app.mount("/", WSGIMiddleware(dash_app.server))  # type: ignore[arg-type]
    return app
