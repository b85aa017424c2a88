"""The API's language: English by default, Dutch for a caller that asks for it with
``?lang=nl`` or ``Accept-Language: nl`` (a ``lang`` parameter wins over the header).
Error details and the reasons of row problems are then in Dutch (:mod:`monitor.messages`);
codes (status, severity, column names) stay as they are."""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from monitor import messages

_LANGUAGE: ContextVar[str] = ContextVar("api_language", default="en")


def current_language() -> str:
    """The language of the request being answered."""
    return _LANGUAGE.get()


def in_language(text: str) -> str:
    """``text`` (a core message) in the request's language."""
    lang = current_language()
    return text if lang == "en" else messages.translate(text, lang)


class LanguageMiddleware:
    """Reads ``lang`` / ``Accept-Language`` of each HTTP request into a context variable."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        header = headers.get(b"accept-language", b"").decode("latin-1")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = (query.get("lang") or [None])[0]
        token = _LANGUAGE.set(messages.language_of(header, asked))
        try:
            await self.app(scope, receive, send)
        finally:
            _LANGUAGE.reset(token)
