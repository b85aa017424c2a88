"""``monitor serve``: the API and the dashboards in one web server (uvicorn)."""

from __future__ import annotations

import gc

import typer

from monitor.cli.common import console
from monitor.db import get_engine, require_migrated, safe_url
from monitor.settings import get_settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0: all)."),
    port: int = typer.Option(8050, min=1, max=65535, help="TCP port."),
) -> None:
    """Serve the API (/api, docs at /api/docs) and the dashboards (/)."""
    import uvicorn

    from monitor.web import create_web_app

    settings = get_settings()
    settings.check_production_secrets()  # refuses the demo key/secret in production
    engine = require_migrated(get_engine())
    app = create_web_app(engine=engine)
    from dashboards.warmup import warm_up  # the outer shell may wire in the dashboards

    warm_up()  # the first visitor does not pay for plotly's and statsmodels' first use
    # the app, the catalogue and the warmed-up libraries are ~350,000 objects that live as
    # long as the process: out of the cyclic collector's way, a full collection no longer
    # walks them all in the middle of a request (0.3-1 s each; benchmarks/pages.py, p95)
    gc.collect()
    gc.freeze()
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    console.print(f"Common Monitor on http://{shown}:{port}/ (API docs: /api/docs)")
    console.print(f"database {safe_url(str(engine.url))}, environment {settings.environment}")
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""
    app.command("serve")(serve)
