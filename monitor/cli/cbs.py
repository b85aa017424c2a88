"""``monitor cbs import``: CBS StatLine figures per municipality, from a download or the API."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.common import console, err_console, open_session, print_problems, require_file
from monitor.errors import MonitorError, ValidationFailed
from schema.base import SubmissionStatus

cbs_app = typer.Typer(help="CBS StatLine: published figures per municipality.")


@cbs_app.command("import")
def cbs_import(
    table: str = typer.Argument(..., help="StatLine table id, e.g. 82972NED or 85984NED."),
    org: str = typer.Option(..., "--org", help="Organisation recorded as the importer."),
    municipality: list[str] = typer.Option(
        None, "--municipality", help="Only this municipality (GMxxxx); repeatable."
    ),
    file: Path = typer.Option(
        None, "--file", help="A StatLine CSV download; without it CBS's OData API is asked."
    ),
) -> None:
    """Store a CBS table's figures through its mapping (monitor/ingest/cbs/tables), with
    CBS's status (voorlopig, nader voorlopig, definitief) kept as history."""
    import httpx  # here, with the CBS import: other commands need neither (peak RSS)

    from monitor.ingest.cbs import import_table

    if file is not None:
        require_file(file)
    with open_session() as session:
        try:
            result = import_table(
                session, table, importer=org, municipalities=municipality, file=file
            )
        except httpx.HTTPError as exc:
            raise MonitorError(f"CBS OData API did not answer for {table}: {exc}") from None
    report = result.report
    console.print(f"[bold]{table}[/]: {report.status}")
    console.print(
        f"  figures stored:   {report.rows_accepted}\n"
        f"  corrections:      {report.rows_superseded}\n"
        f"  unchanged:        {report.rows_unchanged}\n"
        f"  withheld by CBS:  {result.withheld} (cells '.': nothing stored)"
    )
    if result.unmapped_columns:
        console.print(f"  not in the mapping (not stored): {', '.join(result.unmapped_columns)}")
    if result.skipped_regions:
        shown = ", ".join(result.skipped_regions[:10])
        more = len(result.skipped_regions) - 10
        console.print(
            f"  municipalities not registered here (skipped): {shown}"
            + (f" and {more} more" if more > 0 else "")
        )
    if report.problems:
        err_console.print(f"[bold red]{len(report.problems)} problem(s):[/]")
        print_problems(report.problems, to=err_console)
    if report.status == SubmissionStatus.REJECTED.value:
        raise typer.Exit(ValidationFailed.exit_code)


def register(app: typer.Typer) -> None:
    """Add the ``cbs`` command group."""
    app.add_typer(cbs_app, name="cbs")
