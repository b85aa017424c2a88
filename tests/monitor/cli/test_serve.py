"""``monitor serve``: what it sets up before it hands the app to uvicorn."""

from __future__ import annotations

import gc

import pytest

from monitor.cli import serve as serve_command


def test_serve_freezes_the_warmed_up_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's ~350,000 long-lived objects are frozen out of the cyclic collector before
    the first request: a full collection walked them all in the middle of a request
    (0.25-0.3 CPU s each, `python benchmarks/callbacks.py DIR --no-freeze`)."""
    import uvicorn

    import dashboards.warmup
    import monitor.web

    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: started.append(app))
    monkeypatch.setattr(monitor.web, "create_web_app", lambda engine: "app")
    monkeypatch.setattr(dashboards.warmup, "warm_up", lambda: None)
    monkeypatch.setattr(serve_command, "require_migrated", lambda engine: engine)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        serve_command.serve(host="127.0.0.1", port=8099)
        assert started == ["app"]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
