"""API documentation pages served from local files: Swagger UI at ``/api/docs`` and ReDoc
at ``/api/redoc``, their scripts and styles taken from the ``fastapi-offline`` wheel
(installed with the package), so the pages work without internet and load nothing from
another host."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

#: Swagger UI and ReDoc bundles shipped inside the fastapi-offline wheel.
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
#: The one remote image ReDoc's bundle shows (its own logo, in the menu's credit line).
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def _redoc_script(logo_url: str) -> bytes:
    """ReDoc's bundle with its credit logo pointing at a local image."""
    script = (ASSETS_DIR / "redoc.standalone.js").read_text(encoding="utf-8")
    return script.replace(REDOC_LOGO, logo_url).encode("utf-8")


def install_docs(app: FastAPI, prefix: str) -> None:
    """Mount the assets under ``{prefix}/docs-assets`` and add the two documentation pages
    (the app must be created with ``docs_url=None`` and ``redoc_url=None``)."""
    missing = [name for name in ASSETS_FILES if not (ASSETS_DIR / name).is_file()]
    if missing:  # a broken install, not a user's mistake: fail at start, not blank pages
        raise RuntimeError(f"API documentation assets missing in {ASSETS_DIR}: {missing}")
    assets = f"{prefix}/docs-assets"

    @app.get(f"{assets}/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:
        return Response(_redoc_script(f"{assets}/favicon.png"), media_type="text/javascript")

    app.mount(assets, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or f"{prefix}/openapi.json"
    redirect_url = f"{prefix}/docs/oauth2-redirect"

    @app.get(f"{prefix}/docs", include_in_schema=False)
    def swagger_page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} – Swagger UI",
            oauth2_redirect_url=root + redirect_url,
            swagger_js_url=f"{root}{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets}/favicon.png",
        )

    @app.get(redirect_url, include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(f"{prefix}/redoc", include_in_schema=False)
    def redoc_page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} – ReDoc",
            redoc_js_url=f"{root}{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{assets}/favicon.png",
            with_google_fonts=False,
        )
