"""``monitor org`` and ``monitor event``: organisations, network membership and events."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from monitor import organisations as orgs
from monitor.cli.common import console, open_session, require_file

org_app = typer.Typer(help="Organisations and network membership.", no_args_is_help=True)
event_app = typer.Typer(
    help="Events of a network (drawn on charts, breaks in models).", no_args_is_help=True
)


@org_app.command("add")
def org_add(
    code: str = typer.Argument(..., help="Stable code; a municipality's is its CBS code GMxxxx."),
    name: str = typer.Argument(..., help="Display name."),
    kind: str = typer.Option(
        ...,
        help="municipality, network, samenwerkingsverband, school, "
        "childcare, youth_care_provider or jgz.",
    ),
    municipality: str = typer.Option(None, help="CBS code of the municipality it lies in."),
    brin: str = typer.Option(None, help="BRIN code (schools)."),
    subtype: str = typer.Option(None, help="For networks: wijkteam, ikc, pact, ..."),
) -> None:
    """Add one organisation."""
    spec = orgs.OrganisationSpec(
        code=code, name=name, kind=kind, municipality=municipality, brin=brin, subtype=subtype
    )
    with open_session() as session:
        row = orgs.add_organisation(session, spec)
    console.print(f"added {row.kind} {row.code} ({row.name})")


@org_app.command("list")
def org_list(kind: str = typer.Option(None, help="Only organisations of this kind.")) -> None:
    """List organisations."""
    with open_session() as session:
        rows = orgs.list_organisations(session, kind)
        by_id = {o.id: o.code for o in orgs.list_organisations(session)}
    table = Table("code", "kind", "name", "municipality", "BRIN")
    for row in rows:
        table.add_row(
            row.code, row.kind, row.name, by_id.get(row.municipality_id, ""), row.brin or ""
        )
    console.print(table)
    console.print(f"{len(rows)} organisation(s)")


@org_app.command("import")
def org_import(
    path: Path = typer.Argument(
        ..., help="CSV: code,name,kind[,municipality,brin,subtype,population_0_17]"
    ),
) -> None:
    """Import organisations from CSV; all or nothing, every bad row reported."""
    with open_session() as session:
        count = orgs.import_organisations(session, require_file(path))
    console.print(f"imported {count} organisation(s) from {path.name}")


@org_app.command("import-memberships")
def org_import_memberships(
    path: Path = typer.Argument(..., help="CSV: network,member,from[,to] (dates YYYY-MM-DD)"),
) -> None:
    """Import network memberships from CSV; all or nothing."""
    with open_session() as session:
        count = orgs.import_memberships(session, require_file(path))
    console.print(f"imported {count} membership(s) from {path.name}")


@org_app.command("import-obligations")
def org_import_obligations(
    path: Path = typer.Argument(
        ..., help="CSV: organisation,indicator,about,from[,to,due_days] (who reports what)"
    ),
) -> None:
    """Import reporting obligations (the basis of completeness figures); all or nothing."""
    with open_session() as session:
        count = orgs.import_obligations(session, require_file(path))
    console.print(f"imported {count} reporting obligation(s) from {path.name}")


@org_app.command("add-member")
def org_add_member(
    network: str = typer.Argument(..., help="Network code."),
    member: str = typer.Argument(..., help="Member organisation code."),
    valid_from: str = typer.Option(..., "--from", help="First day of membership (YYYY-MM-DD)."),
    valid_to: str = typer.Option(None, "--to", help="Day membership ended (YYYY-MM-DD)."),
) -> None:
    """Add an organisation to a network from a date."""
    start = _date(valid_from, "--from")
    end = _date(valid_to, "--to") if valid_to else None
    with open_session() as session:
        orgs.add_membership(session, network=network, member=member, valid_from=start, valid_to=end)
    console.print(f"{member} is a member of {network} from {start}" + (f" to {end}" if end else ""))


@org_app.command("members")
def org_members(
    network: str = typer.Argument(..., help="Network code."),
    on: str = typer.Option(None, help="Only members on this date (YYYY-MM-DD)."),
) -> None:
    """List the members of a network."""
    with open_session() as session:
        rows = orgs.members_of(session, network, _date(on, "--on") if on else None)
    for row in rows:
        console.print(f"{row.code}\t{row.kind}\t{row.name}")
    console.print(f"{len(rows)} member(s)")


@event_app.command("add")
def event_add(
    organisation: str = typer.Argument(..., help="Network (or municipality) code."),
    when: str = typer.Argument(..., help="Date (YYYY-MM-DD)."),
    title: str = typer.Argument(..., help="What happened."),
    kind: str = typer.Option("programme_start", help="programme_start, protocol, other ..."),
) -> None:
    """Record an event of a network."""
    with open_session() as session:
        orgs.add_event(
            session,
            organisation=organisation,
            event_date=_date(when, "date"),
            kind=kind,
            title=title,
        )
    console.print(f"event recorded for {organisation} on {when}")


@event_app.command("import")
def event_import(
    path: Path = typer.Argument(..., help="CSV: organisation,date,kind,title[,description]"),
) -> None:
    """Import events from CSV; all or nothing."""
    with open_session() as session:
        count = orgs.import_events(session, require_file(path))
    console.print(f"imported {count} event(s) from {path.name}")


@event_app.command("list")
def event_list(organisation: str = typer.Option(None, help="Only this organisation.")) -> None:
    """List events."""
    with open_session() as session:
        rows = orgs.list_events(session, organisation)
        codes = {o.id: o.code for o in orgs.list_organisations(session)}
    for row in rows:
        console.print(f"{row.event_date}\t{codes[row.organisation_id]}\t{row.kind}\t{row.title}")


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date; use YYYY-MM-DD", param_hint=option
        ) from None


def register(app: typer.Typer) -> None:
    """Add the ``org`` and ``event`` groups."""
    app.add_typer(org_app, name="org")
    app.add_typer(event_app, name="event")
