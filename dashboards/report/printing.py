"""Turning the report into pages: charts to SVG with kaleido, the HTML to an A4 PDF with
headless Chromium's print-to-PDF (offline: no network, no profile of the user), and each
PDF page to a PNG with PDFium.

Chromium is Debian's ``chromium`` (or ``BROWSER_PATH``); when it is missing the export
stops with a Dutch (or English) message saying how to install it, never a traceback."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from dashboards.report.content import Chart
from dashboards.report.texts import t
from monitor.errors import MonitorError

log = logging.getLogger(__name__)

#: Names under which Chromium is looked up on the PATH (Debian first).
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
#: Width of a chart image in CSS pixels; the page scales it to the text width.
CHART_WIDTH = 900
CHART_HEIGHT = 340
#: Switches that keep the printing browser offline and away from any user profile.
OFFLINE_SWITCHES = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)
#: Kaleido's browser takes no switches of ours; a proxy that leads nowhere keeps it offline.
NO_NETWORK_PROXY = "127.0.0.1:9"
PRINT_TIMEOUT_SECONDS = 120


class ReportUnavailableError(MonitorError):
    """The report cannot be laid out on this machine (Chromium missing or failing)."""

    exit_code = 11


def browser_path(*, for_web: bool = False) -> str:
    """Chromium's executable: ``BROWSER_PATH`` if set, else the first of
    :data:`BROWSER_NAMES` on the PATH; a clear message when there is none."""
    chosen = os.environ.get("BROWSER_PATH")
    found = (chosen if chosen and Path(chosen).is_file() else None) or next(
        (p for p in map(shutil.which, BROWSER_NAMES) if p), None
    )
    if found is None:
        key = "chromium_missing_web" if for_web else "chromium_missing_cli"
        raise ReportUnavailableError(t(key))
    return found


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to its end, also from code that already runs in an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def chart_height(figure: go.Figure) -> int:
    """Room for the plot plus one line per three legend entries."""
    entries = sum(
        1 for trace in figure.data if getattr(trace, "showlegend", None) is not False and trace.name
    )
    return CHART_HEIGHT + 24 * -(-entries // 3)


def for_print(figure: go.Figure) -> go.Figure:
    """The page's figure laid out for paper: tick labels get the room they need and the
    legend sits at the foot of the image (the data and traces are untouched)."""
    printed = go.Figure(figure)
    printed.update_xaxes(automargin=True)
    printed.update_layout(
        height=chart_height(printed),
        legend={"yref": "container", "y": 0, "yanchor": "bottom"},
        margin={"b": 10},
    )
    return printed


def draw_charts(charts: list[Chart], browser: str) -> None:
    """Fill each chart's ``svg`` with its figure drawn by kaleido (one browser for all;
    MathJax off, plotly.js from the installed plotly package and every request sent to a
    proxy that leads nowhere, so nothing is fetched)."""
    import kaleido

    printed = [for_print(chart.figure) for chart in charts]

    async def draw() -> list[bytes]:
        async with kaleido.Kaleido(
            mathjax=False, path=browser, timeout=90, enable_extensions=False,
            proxy_server=NO_NETWORK_PROXY,
        ) as painter:  # fmt: skip
            return [
                await painter.calc_fig(
                    figure,
                    opts={"format": "svg", "width": CHART_WIDTH, "height": figure.layout.height},
                )
                for figure in printed
            ]

    try:
        images = _run(draw())
    except Exception as exc:  # the browser died or refused: say so, in the user's words
        log.exception("kaleido could not draw the report's charts")
        raise ReportUnavailableError(t("chromium_failed", detail=type(exc).__name__)) from exc
    for chart, image in zip(charts, images, strict=True):
        chart.svg = image.decode("utf-8")


def print_pdf(html: str, browser: str) -> bytes:
    """The HTML printed to an A4 PDF by headless Chromium (page size and margins, page
    numbers from the document's ``@page`` rules)."""
    with tempfile.TemporaryDirectory(prefix="cm-report-") as folder:
        page = Path(folder) / "rapport.html"
        pdf = Path(folder) / "rapport.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser,
            *OFFLINE_SWITCHES,
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportUnavailableError(t("chromium_failed", detail=type(exc).__name__)) from exc
        if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            raise ReportUnavailableError(t("chromium_failed", detail=f"exit {done.returncode}"))
        return pdf.read_bytes()


def page_count(pdf: bytes) -> int:
    """How many pages the PDF has."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_images(pdf: bytes, *, dpi: int = 150) -> list[bytes]:
    """Each page of the PDF as a PNG (PDFium's rendering of the printed pages)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            bitmap = document[index].render(scale=dpi / 72)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG")
            images.append(buffer.getvalue())
        return images
    finally:
        document.close()
