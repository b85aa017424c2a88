"""``monitor extract`` and ``monitor analyse``: the researcher workflow."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from monitor.cli.common import cli_principal, console, iso_option, open_session
from monitor.errors import MonitorError


def extract(
    indicators: str = typer.Option(..., help="Comma-separated indicator codes, e.g. CH_ABS,CH_REF"),
    out: Path = typer.Option(..., help="Directory to write the extract to (new or empty)."),
    date_from: str = typer.Option(None, "--from", help="First observation date (YYYY-MM-DD)."),
    date_to: str = typer.Option(None, "--to", help="Last observation date (YYYY-MM-DD)."),
    as_of: str = typer.Option(None, help="Figures as known at this moment (ISO date/time)."),
    user: str = typer.Option(None, help="Researcher's username (password is prompted)."),
    token: str = typer.Option(None, help="Researcher's API token (or MONITOR_TOKEN)."),
) -> None:
    """Write a pseudonymised Parquet extract with codebook and manifest (researchers only;
    audited)."""
    from monitor.extract import write_extract

    if out.exists() and any(out.iterdir()):
        raise MonitorError(f"{out} is not empty; choose a new directory for the extract")
    codes = [c.strip() for c in indicators.split(",") if c.strip()]
    with open_session() as session:
        principal = cli_principal(session, username=user, token=token)
        manifest = write_extract(
            session,
            principal,
            indicator_codes=codes,
            out_dir=out,
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
            as_of=_moment(as_of),
        )
    console.print(
        f"extract written to {out}: {manifest.rows} measurement row(s) of {manifest.children} "
        f"child(ren), {manifest.participation_rows} participation row(s); see manifest.json"
    )


def _date(text: str | None, option: str) -> date | None:
    return iso_option(text, date.fromisoformat, option=option)


def _moment(text: str | None) -> datetime | None:
    return iso_option(text, datetime.fromisoformat, option="--as-of", expected="an ISO date/time")


def analyse(
    model: str = typer.Argument(
        ...,
        metavar="MODEL",
        help="growth, gee, rates, its, did, event_study, staggered, sun_abraham, survival (cox) "
        "or goals; overrides "
        "`model:` in the study file.",
    ),
    config: Path = typer.Option(
        ...,
        "--config",
        help="Study file (YAML): model parameters "
        "and a `data:` section saying how to build the frame.",
    ),
    extract_dir: Path = typer.Option(
        None, "--extract", help="Extract directory written by `monitor extract`."
    ),
    data: Path = typer.Option(
        None, "--data", help="An analysis-ready .parquet or .csv file (skips `data: prepare`)."
    ),
    out: Path = typer.Option(..., help="Directory for report.html and report.json."),
) -> None:
    """Run a longitudinal model on an extract (or an analysis-ready file) and write an HTML
    report with tables and charts plus a JSON of the results."""
    from analysis.report import write_report
    from analysis.study_run import run_study_file

    run = run_study_file(config, model=model, extract_dir=extract_dir, data=data)
    for note in run.notes:
        console.print(f"note: {note}")
    paths = write_report({run.title: run.result}, out, title=run.title)
    console.print(run.result.sentence)
    console.print(f"report written to {paths['html']} and {paths['json']}")


def register(app: typer.Typer) -> None:
    """Add ``extract`` and ``analyse``."""
    app.command("extract")(extract)
    app.command("analyse")(analyse)
