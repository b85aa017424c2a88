"""Request body limit: a submission larger than the configured maximum is refused with 413
before it is read (by its ``Content-Length``) or as soon as the streamed body passes the
limit (when the length is not declared or is a lie).

The maximum is the ``max_upload_mb`` setting (``MAX_UPLOAD_MB``), the same cap that
:func:`monitor.ingest.ingest_file` applies to files from every channel."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.settings import Settings, get_settings

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = Settings.model_fields["max_upload_mb"].default * MB


def max_upload_bytes() -> int:
    """The configured maximum body size in bytes (``MAX_UPLOAD_MB``, validated by settings)."""
    return get_settings().max_upload_mb * MB


def too_large_message(limit: int) -> str:
    """The 413 message, naming the limit in MB."""
    return (
        f"the request body is larger than the maximum of {limit / 1024 / 1024:.1f} MB; "
        "split the file into smaller submissions"
    )


class BodyLimitMiddleware:
    """Pure ASGI middleware enforcing ``max_bytes`` on every HTTP request body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0 or length > self.max_bytes:
                await self._refuse(send, length)
                return
        seen = 0
        limit = self.max_bytes

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(status_code=413, detail=too_large_message(limit))
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, send: Send, length: int) -> None:
        status = 413 if length >= 0 else 400
        detail = too_large_message(self.max_bytes) if length >= 0 else "invalid Content-Length"
        body = json.dumps({"detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
