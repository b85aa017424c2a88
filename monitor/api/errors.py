"""Turn every error into a clear JSON answer: MonitorError subclasses to 4xx, the rest to a
plain 500 with an error id. Never a stack trace, and never a BSN, password, token or key.

Body of every error answer: ``{"detail": "<message>", "problems": [...]}`` where
``problems`` lists file/row/column/value/reason for validation failures.
"""

from __future__ import annotations

import logging
import re
import traceback
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.api.language import in_language
from monitor.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConflictError,
    DatabaseUnavailableError,
    MonitorError,
    NotFoundError,
    RowProblem,
    ValidationFailed,
)
from monitor.redact import redact, redact_value

log = logging.getLogger("monitor.api")

#: MonitorError subclass -> HTTP status; anything else a user caused is 400.
STATUS = {
    AuthenticationError: 401,
    AccessDeniedError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    ValidationFailed: 422,
    DatabaseUnavailableError: 503,
}

#: Fields of a request that must never be echoed back or logged.
SECRET_FIELDS = {"password", "token", "access_token", "secret", "bsn", "authorization"}

_TOKEN = re.compile(r"cm_[A-Za-z0-9_\-]{20,}")


def _secrets(text: str) -> str:
    """``text`` without the pseudonym key, the session secret or an API token."""
    from monitor.settings import get_settings

    settings = get_settings()
    for secret in (
        settings.pseudonym_key.get_secret_value(),
        settings.session_secret.get_secret_value(),
    ):
        text = text.replace(secret, "***")
    return _TOKEN.sub("cm_***", text)


def scrub(text: str) -> str:
    """Mask secrets, API tokens and anything BSN-shaped (:func:`monitor.redact.redact`)."""
    return redact(_secrets(text))


def problem_dict(problem: RowProblem) -> dict:
    """A row problem as JSON. Its fields were redacted when it was made
    (:class:`~monitor.errors.RowProblem`); every text field is scrubbed once more here, the
    value by the value rule (masked whole only in an identifier column or where BSN-shaped,
    so ``0`` or ``100`` stay readable)."""
    value = None if problem.value is None else _secrets(str(problem.value))
    return {
        "file": scrub(str(problem.file)),
        "row": problem.row,
        "column": None if problem.column is None else scrub(str(problem.column)),
        "value": redact_value(problem.column, value),
        "reason": in_language(scrub(problem.reason)),
        "severity": problem.severity,
    }


def status_for(exc: MonitorError) -> int:
    """The HTTP status of a MonitorError (the nearest registered base class wins)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_response(exc: MonitorError) -> JSONResponse:
    """The JSON answer for a MonitorError."""
    status = status_for(exc)
    body: dict = {"detail": in_language(scrub(exc.message))}
    if isinstance(exc, ValidationFailed):
        body["detail"] = in_language(scrub(exc.summary))
        body["problems"] = [problem_dict(p) for p in exc.problems[:1000]]
        body["problem_count"] = len(exc.problems)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(status_code=status, content=body, headers=headers)


async def _monitor_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MonitorError)
    return error_response(exc)


async def _request_invalid(_request: Request, exc: Exception) -> JSONResponse:
    """422 listing each bad parameter, without echoing the submitted value."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where, column = (loc[0], ".".join(loc[1:])) if loc else ("request", "")
        problems.append(
            {
                "file": where,
                "row": None,
                "column": column or None,
                "value": None,
                "reason": str(err.get("msg", "invalid")),
                "severity": "error",
            }
        )
    return JSONResponse(
        status_code=422,
        content={
            "detail": in_language(
                "the request is not valid: "
                + "; ".join(f"{p['column'] or p['file']}: {p['reason']}" for p in problems[:10])
            ),
            "problems": problems,
            "problem_count": len(problems),
        },
    )


async def _data_error(_request: Request, _exc: Exception) -> JSONResponse:
    """The database refused a value (too long, out of range, a NUL character): 422."""
    return JSONResponse(
        status_code=422,
        content={
            "detail": in_language(
                "a value in the request cannot be stored: it is too long, out of range "
                "or contains a NUL character"
            )
        },
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse(
        status_code=exc.status_code,
        content={"detail": exc.detail},
        headers=getattr(exc, "headers", None),
    )


def log_unexpected(exc: BaseException, method: str, path: str) -> str:
    """Log an unexpected failure, scrubbed, under a new error id; returns the id."""
    error_id = uuid.uuid4().hex[:12]
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("error %s on %s %s:\n%s", error_id, method, path, scrub(text))
    return error_id


def internal_error_body(error_id: str) -> dict:
    """The 500 answer: only the error id, never the exception."""
    return {
        "detail": in_language(
            f"internal error; the administrator can find it in the log as {error_id}"
        )
    }


class CatchAllMiddleware:
    """Pure ASGI middleware turning any unexpected exception into a plain 500 answer.

    Starlette's own handler for ``Exception`` re-raises after answering, so uvicorn would
    log the raw exception (with whatever its message holds); here it stops, scrubbed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # noqa: BLE001 - the boundary: nothing escapes unscrubbed
            error_id = log_unexpected(exc, scope.get("method", ""), scope.get("path", ""))
            if started:
                return
            response = JSONResponse(status_code=500, content=internal_error_body(error_id))
            await response(scope, receive, send)


class ScrubFilter(logging.Filter):
    """Mask BSN-like numbers, tokens and secrets in log records (e.g. uvicorn's access log
    line holds the request path and query string, which a caller controls)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        return True


#: Loggers whose records may carry request data.
SCRUBBED_LOGGERS = ("uvicorn.access", "uvicorn.error", "monitor.api")


def install_log_scrubbing() -> None:
    """Add :class:`ScrubFilter` to the request loggers (once)."""
    for name in SCRUBBED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubFilter) for f in logger.filters):
            logger.addFilter(ScrubFilter())


def install(app: FastAPI) -> None:
    """Register the handlers on ``app`` (add other middleware after this call)."""
    app.add_exception_handler(MonitorError, _monitor_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_middleware(CatchAllMiddleware)
    install_log_scrubbing()
