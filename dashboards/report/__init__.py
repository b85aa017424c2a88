"""The printable report of one reflection session: A4 pages (PDF, and a PNG per page)
with the header, scorecard, key charts, then/now with corrections, notes and actions,
the disclosure note and the source of every figure.

Data flows query layer → report: :mod:`~dashboards.report.content` gathers the figures
from :mod:`monitor.views` and the dashboards' chart builders, :mod:`~.html` lays them out,
:mod:`~.printing` draws the charts (kaleido) and prints the pages (Chromium).

Used by the reflection page's export buttons and by ``monitor report SESSION_ID``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import flask
from sqlmodel import Session

from dashboards.report.content import ReportContent, gather
from dashboards.report.html import render_html
from dashboards.report.printing import (
    ReportUnavailableError,
    browser_path,
    draw_charts,
    page_count,
    page_images,
    print_pdf,
)
from dashboards.report.texts import t
from monitor import audit
from monitor.organisations import get_organisation
from monitor.policy import Principal

__all__ = [
    "PrintedReport",
    "ReportContent",
    "ReportUnavailableError",
    "file_stem",
    "in_language",
    "make_report",
    "pngs_as_zip",
    "t",
]


@dataclass(frozen=True)
class PrintedReport:
    """A report laid out: its HTML, the PDF and (if asked) a PNG per page."""

    content: ReportContent
    html: str
    pdf: bytes
    pngs: list[bytes]

    @property
    def page_count(self) -> int:
        """Number of A4 pages of the PDF."""
        return page_count(self.pdf)


def make_report(
    session: Session,
    principal: Principal,
    *,
    session_id: int,
    period_code: str | None = None,
    indicator_code: str | None = None,
    with_pngs: bool = False,
    for_web: bool = False,
    now: datetime | None = None,
) -> PrintedReport:
    """Gather, draw and print the report of a reflection session the principal may see.

    Access is checked first (before Chromium is looked for): a session of an organisation
    the principal may not view is refused whatever else is the matter. The export is
    written to the audit trail."""
    content = gather(
        session, principal, session_id=session_id, period_code=period_code,
        indicator_code=indicator_code, now=now,
    )  # fmt: skip
    browser = browser_path(for_web=for_web)
    draw_charts(content.charts, browser)
    html = render_html(content)
    pdf = print_pdf(html, browser)
    printed = PrintedReport(content, html, pdf, page_images(pdf) if with_pngs else [])
    audit.record(
        session, "reflection_report", user_id=principal.user_id, username=principal.username,
        organisation_id=get_organisation(session, content.organisation_code).id,
        target=str(content.session_id), detail={"png": with_pngs, "language": content.language},
    )  # fmt: skip
    return printed


def file_stem(content: ReportContent) -> str:
    """``dialooggesprek-NW-A-2024-02-01`` (``reflection-…`` in English)."""
    kind = "dialooggesprek" if content.language == "nl" else "reflection"
    return f"{kind}-{content.organisation_code}-{content.held_on.isoformat()}"


def pngs_as_zip(report: PrintedReport) -> bytes:
    """The page PNGs in one ZIP: ``<stem>-pagina-1.png`` …"""
    word = "pagina" if report.content.language == "nl" else "page"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for number, image in enumerate(report.pngs, start=1):
            archive.writestr(f"{file_stem(report.content)}-{word}-{number}.png", image)
    return buffer.getvalue()


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Texts in ``language`` outside a web request (the CLI): the dashboards read the
    language from the Flask session, so a request context of the app carries it."""
    app = flask.Flask("report")
    app.secret_key = "report-language-only"  # the session holds nothing but the language
    with app.test_request_context("/"):
        flask.session["lang"] = language
        yield
