"""``monitor report SESSION_ID``: the printable report of a reflection session (A4 PDF,
optionally a PNG per page), for a user who may see that session."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.common import cli_principal, console, open_session
from monitor.errors import MonitorError
from monitor.periods import parse_period


def report(
    session_id: int = typer.Argument(..., help="Id of the reflection session."),
    out: Path = typer.Option(..., "--out", help="The PDF to write, e.g. rapport.pdf."),
    png_dir: Path = typer.Option(None, "--png-dir", help="Also write a PNG per page here."),
    period: str = typer.Option(
        None, help="Period of scorecard and pathway (default: the newest known then)."
    ),
    indicator: str = typer.Option(None, help="Indicator of the trend chart (page default)."),
    lang: str = typer.Option("nl", "--lang", help="Language of the report: nl or en."),
    user: str = typer.Option(None, help="Your username (password is prompted)."),
    token: str = typer.Option(None, help="Your API token (or MONITOR_TOKEN)."),
) -> None:
    """Write the report of one reflection session: header, scorecard, charts, then/now
    with corrections, notes and actions, sources; figures as known on the session day."""
    if lang not in ("nl", "en"):
        raise MonitorError(f"--lang {lang}: use nl or en")
    if period:
        try:
            parse_period(period)
        except ValueError as exc:
            raise MonitorError(f"--period {period}: {exc}") from None
    if out.suffix.lower() != ".pdf":
        raise MonitorError(f"{out}: the report is a PDF; name the file …/name.pdf")
    if png_dir is not None and png_dir.exists() and not png_dir.is_dir():
        raise MonitorError(f"{png_dir} is a file; --png-dir needs a folder")
    from dashboards.report import file_stem, in_language, make_report

    with open_session() as session:
        principal = cli_principal(session, username=user, token=token)
        with in_language(lang):
            printed = make_report(
                session, principal, session_id=session_id, period_code=period,
                indicator_code=indicator, with_pngs=png_dir is not None,
            )  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(printed.pdf)
    console.print(f"report written to {out} ({printed.page_count} pages)")
    if png_dir is not None:
        png_dir.mkdir(parents=True, exist_ok=True)
        word = "pagina" if lang == "nl" else "page"
        for number, image in enumerate(printed.pngs, start=1):
            (png_dir / f"{file_stem(printed.content)}-{word}-{number}.png").write_bytes(image)
        console.print(f"{len(printed.pngs)} page image(s) written to {png_dir}")


def register(app: typer.Typer) -> None:
    """Add ``monitor report``."""
    app.command("report")(report)
