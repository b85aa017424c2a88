"""``monitor ingest`` and ``monitor template``: submit a partner's file; write a template."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from monitor import users
from monitor.cli.common import (
    console,
    err_console,
    open_session,
    print_ingest_outcome,
    require_file,
)
from monitor.ingest import ingest_file

#: Exit code when the valid rows were stored (or, with --dry-run, would be) but some rows
#: were rejected (--accept-valid): distinct from 0 (all stored) and 9 (nothing stored).
PARTIAL_EXIT_CODE = 10


def ingest(
    path: Path = typer.Argument(..., help="CSV, XLSX, Parquet or DHIS2 JSON file."),
    org: str = typer.Option(..., "--org", help="Code of the organisation sending the file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate only; store nothing."),
    accept_valid: bool = typer.Option(
        False,
        "--accept-valid",
        help="Store the valid rows even when some rows are rejected; the exit code is then "
        f"{PARTIAL_EXIT_CODE} (not 0) when any row was rejected.",
    ),
    shape: str = typer.Option(
        None, "--shape", help="case, aggregate or dhis2 (default: detected from the header)."
    ),
    rejects: Path = typer.Option(
        None, "--rejects", help="Where to write the problems (default: FILE.rejects.csv)."
    ),
    user: str = typer.Option(None, "--user", help="Username recorded as the submitter."),
    dhis2_map: Path = typer.Option(
        None, "--dhis2-map", help="DHIS2 mapping YAML (default: the shipped mapping)."
    ),
) -> None:
    """Validate and store a file; all or nothing unless --accept-valid. Every bad row is
    reported (row, column, value, reason) on screen and in a rejects CSV.

    Exit codes: 0 every row stored (or valid, with --dry-run); 9 nothing stored (rejected);
    10 the valid rows stored but some rejected (--accept-valid); 4 unknown organisation or
    user."""
    require_file(path)
    with open_session() as session:
        user_id = users.user_id_of(session, user)
        columns = [
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        with Progress(*columns, console=err_console, transient=True) as bar:
            task = bar.add_task(f"storing {path.name}", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = ingest_file(
                session,
                path,
                organisation_code=org,
                user_id=user_id,
                channel="cli",
                shape=shape,
                accept_valid=accept_valid,
                dry_run=dry_run,
                progress=progress,
                dhis2_map=dhis2_map,
            )
    print_ingest_outcome(
        report,
        path,
        counts=(
            f"  rows read:        {report.rows_read}\n"
            f"  rows accepted:    {report.rows_accepted}\n"
            f"  rows rejected:    {report.rows_rejected}\n"
            f"  rows superseded:  {report.rows_superseded}\n"
            f"  rows unchanged:   {report.rows_unchanged}\n"
            f"  time taken:       {report.seconds:.1f} s"
        ),
        rejects=rejects,
    )
    if report.rows_rejected or report.problems:
        err_console.print(
            f"[bold yellow]{report.rows_rejected} row(s) rejected[/]; exit code {PARTIAL_EXIT_CODE}"
        )
        raise typer.Exit(PARTIAL_EXIT_CODE)


def template(
    shape: str = typer.Argument(..., help="case or aggregate."),
    out: Path = typer.Option(..., "--out", help="FILE.xlsx or FILE.csv"),
) -> None:
    """Write a documented template: columns with an example row, the indicators and the
    category lists (XLSX: three sheets; CSV: FILE.csv plus FILE.indicators.csv and
    FILE.categories.csv)."""
    from monitor.ingest.templates import write_template  # here: xlsxwriter is for this only

    with open_session() as session:
        written = write_template(session, shape, out)
    for path in written:
        console.print(f"written {path}")


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` and ``template`` commands."""
    app.command("ingest")(ingest)
    app.command("template")(template)
