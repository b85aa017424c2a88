"""``monitor db`` and ``monitor catalogue``: bring a database to the newest schema and load
the shared indicator catalogue."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from monitor import catalogue as catalogue_core
from monitor import rollups
from monitor.cli.common import console, open_session
from monitor.db import (
    check_connection,
    current_revision,
    get_engine,
    head_revision,
    safe_url,
    upgrade,
)
from monitor.partitions import ensure_partitions

db_app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)
catalogue_app = typer.Typer(help="The shared indicator catalogue.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: str = typer.Argument("head", help="Target revision (default: the newest)."),
    through: int | None = typer.Option(
        None,
        "--partitions-through",
        help="PostgreSQL: have yearly partitions up to this year (default: this year + 2).",
    ),
) -> None:
    """Bring the database (DATABASE_URL) to the newest schema and (PostgreSQL) create the
    yearly partitions of the measurement history ahead; safe to run repeatedly."""
    engine = get_engine()
    reached = upgrade(engine, revision)
    console.print(f"database {safe_url(str(engine.url))} is at revision {reached}")
    report = ensure_partitions(engine, through)
    if report.years:
        console.print(
            f"yearly partitions {report.years.start}-{report.years.stop - 1}: "
            f"{len(report.added)} added"
        )
    for line in report.added:
        console.print(f"  {line}")
    for table, years in report.outside.items():
        counts = ", ".join(f"{year}: {count}" for year, count in years.items())
        console.print(
            f"  {table}_default holds rows outside the yearly partitions ({counts}); "
            "monitor db upgrade --partitions-through YEAR gives later years their own"
        )


@db_app.command("rebuild-rollups")
def db_rebuild_rollups() -> None:
    """Recompute the case rollups (case_pathway) from every current case row, in one
    transaction; ingest keeps them up to date, so this is for repairs and bulk loads."""
    engine = get_engine()
    with engine.begin() as connection:
        stored = rollups.rebuild(connection)
    console.print(f"case_pathway: {stored:,} paths from the current case rows")


@db_app.command("status")
def db_status() -> None:
    """Show the database URL, its schema revision and the newest revision."""
    engine = get_engine()
    check_connection(engine)
    current = current_revision(engine) or "empty"
    head = head_revision()
    state = "up to date" if current == head else "needs: monitor db upgrade"
    console.print(
        f"database: {safe_url(str(engine.url))}\nrevision: {current} (newest {head}): {state}"
    )


@catalogue_app.command("load")
def catalogue_load(
    path: Path = typer.Argument(None, help="Catalogue YAML (default: the shipped catalogue)."),
) -> None:
    """Validate the catalogue file and load it; loading the same file twice changes nothing."""
    with open_session() as session:
        report = catalogue_core.load_catalogue(session, path)
    console.print(f"catalogue {report.catalogue_version or '(unversioned)'} loaded:")
    console.print(f"  new indicators:  {len(report.indicators_added)}")
    console.print(f"  new versions:    {len(report.new_versions)} {' '.join(report.new_versions)}")
    console.print(f"  labels updated:  {len(report.labels_updated)}")
    console.print(f"  unchanged:       {report.unchanged}")
    console.print(f"  new categories:  {report.categories_added}")
    if not report.changed:
        console.print("nothing changed")


@catalogue_app.command("list")
def catalogue_list(
    level: str = typer.Option(None, help="Only this level: case, network or municipality."),
) -> None:
    """List the indicators in the database (all versions)."""
    with open_session() as session:
        rows = catalogue_core.indicator_versions(session)
    table = Table("code", "v", "level", "type", "direction", "period", "name (nl)", "valid")
    for row in rows:
        if level and row.level != level:
            continue
        valid = f"{row.valid_from}–{row.retired_on or ''}"
        table.add_row(
            row.code,
            str(row.version),
            row.level,
            row.value_type,
            row.direction,
            row.period_type,
            row.name_nl,
            valid,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``db`` and ``catalogue`` groups."""
    app.add_typer(db_app, name="db")
    app.add_typer(catalogue_app, name="catalogue")
