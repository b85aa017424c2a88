"""Security headers on every response of the web app: API, API docs and dashboards.

A pure ASGI middleware (it sees every response, also of the mounted Dash app and of
errors). A header the application set itself (the dashboards' CSP with the hashes of
Dash's inline scripts) is kept; HSTS only in production or over https.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.settings import get_settings

#: JSON answers: nothing to load, never framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: The API documentation pages (Swagger UI, ReDoc): bundles and styles from this server
#: only (:mod:`monitor.api.docs`), one inline start script; ReDoc runs a blob: worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)
DOCS_PATHS = ("/api/docs", "/api/redoc", "/docs")
HSTS = "max-age=31536000; includeSubDomains"
COMMON = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # the dashboards read the page from the referrer
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def dashboard_csp(script_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """The dashboards' policy: Dash's renderer needs 'unsafe-eval' and inline styles; its
    inline scripts are allowed by hash (``dash.Dash.csp_hashes()``)."""
    scripts = " ".join(["'self'", "'unsafe-eval'", *script_hashes])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )


def security_headers(path: str, *, https: bool, other_csp: str | None = None) -> dict[str, str]:
    """The headers for a response to ``path``."""
    if path.startswith(DOCS_PATHS):
        csp = DOCS_CSP
    elif path.startswith("/api"):
        csp = API_CSP
    else:
        csp = other_csp or dashboard_csp()
    headers = {**COMMON, "content-security-policy": csp}
    if path.startswith("/api") and not path.startswith(DOCS_PATHS):
        headers["cache-control"] = "no-store"
    if https or get_settings().environment == "production":
        headers["strict-transport-security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """Adds :func:`security_headers` to every HTTP response, keeping those already set."""

    def __init__(self, app: ASGIApp, other_csp: Callable[[], str] | None = None) -> None:
        self.app = app
        self.other_csp = other_csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("root_path", "") + scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                other = self.other_csp() if self.other_csp else None
                for name, value in security_headers(path, https=https, other_csp=other).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
