"""``monitor dhis2 export``: an organisation's figures of a period as a DHIS2 file."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.common import console, open_session
from monitor.ingest.dhis2 import load_mapping
from monitor.ingest.dhis2.export import FORMATS, export_values
from monitor.policy import system_principal

dhis2_app = typer.Typer(help="DHIS2: export figures as dataValueSets or ADX.")


@dhis2_app.command("export")
def dhis2_export(
    org: str = typer.Option(..., "--org", help="Network or municipality whose figures."),
    period: str = typer.Option(..., "--period", help="Period, e.g. 2024-H1 or 2024."),
    fmt: str = typer.Option("json", "--format", help=f"One of {', '.join(FORMATS)}."),
    out: Path = typer.Option(..., "--out", help="File to write."),
    dhis2_map: Path = typer.Option(
        None, "--dhis2-map", help="DHIS2 mapping YAML (default: the shipped mapping)."
    ),
) -> None:
    """Write the published figures (withheld cells left out) as DHIS2 dataValueSets JSON or
    CSV, or ADX XML; the file goes back through ``monitor ingest --shape dhis2`` unchanged."""
    with open_session() as session:
        export = export_values(
            session, system_principal(), organisation_code=org, period_code=period,
            mapping=load_mapping(dhis2_map), fmt=fmt,
        )  # fmt: skip
    out.write_text(export.text, encoding="utf-8")
    console.print(
        f"written {out}: {export.values} value(s); {export.withheld} withheld cell(s) left out"
    )


def register(app: typer.Typer) -> None:
    """Add the ``dhis2`` command group."""
    app.add_typer(dhis2_app, name="dhis2")
