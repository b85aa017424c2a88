"""``monitor ijw``: iJw 3.2 youth-care messages (JW315, JW301, JW305, JW307) for a
municipality, and the AGB codes of its providers."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from monitor import users
from monitor.cli.common import IngestWords, console, open_session, print_ingest_outcome
from monitor.errors import NotFoundError

_DUTCH = IngestWords(
    problems="[bold red]{n} probleem/problemen:[/]",
    warnings="[yellow]{n} waarschuwing(en):[/]",
    written="problemen en waarschuwingen staan in {target}",
)

ijw_app = typer.Typer(
    help="iJw 3.2 berichten (Jeugdwet): verzoek om toewijzing, toewijzing, start en stop zorg.",
    no_args_is_help=True,
)


@ijw_app.command("import")
def import_command(
    path: Path = typer.Argument(..., help="Een bericht (.xml), een map of een zip met berichten."),
    municipality: str = typer.Option(
        ..., "--municipality", help="Code van de gemeente wier berichten dit zijn (GM0363)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Alleen controleren; niets opslaan."),
    user: str = typer.Option(
        None, "--user", help="Gebruikersnaam die als inzender wordt vastgelegd."
    ),
    rejects: Path = typer.Option(
        None, "--rejects", help="Waar de problemen komen (standaard: PAD.rejects.csv)."
    ),
) -> None:
    """Lees JW315, JW301, JW305 en JW307 in: getoetst aan de iJw 3.2-XSD's, BSN direct
    gepseudonimiseerd, alles of niets. Afgeleid per kind: verwijzingen naar verwijzer
    (CH_REF), jeugdhulptrajecten met/zonder verblijf en reden beëindiging (CH_CARE), duur
    (CH_CARE_DAYS) en wachttijden (CH_WAIT_ALLOC, CH_WAIT).

    Exit codes: 0 opgeslagen (of goedgekeurd met --dry-run); 9 niets opgeslagen; 4 onbekende
    gemeente of gebruiker."""
    from monitor.ingest.ijw import import_messages  # here: lxml is for this command only

    if not path.exists():
        raise NotFoundError(f"{path} bestaat niet")
    with open_session() as session:
        user_id = users.user_id_of(session, user)
        report = import_messages(
            session, path, municipality_code=municipality, user_id=user_id, dry_run=dry_run
        )
    print_ingest_outcome(
        report,
        path,
        counts=(
            f"  productregels gelezen:      {report.rows_read}\n"
            f"  productregels opgeslagen:   {report.rows_accepted}\n"
            f"  metingen vervangen/ingetrokken: {report.rows_superseded}"
        ),
        rejects=rejects,
        words=_DUTCH,
    )


@ijw_app.command("provider")
def provider_command(
    agb_code: str = typer.Argument(..., help="AGB-code van de aanbieder (8 cijfers)."),
    org: str = typer.Option(..., "--org", help="Code van de organisatie (jeugdhulpaanbieder)."),
) -> None:
    """Koppel de AGB-code uit de berichten aan een organisatie van de monitor."""
    from monitor.ingest.ijw import link_provider

    with open_session() as session:
        link_provider(session, agb_code, org)
    console.print(f"AGB-code {agb_code} is gekoppeld aan {org}")


@ijw_app.command("providers")
def providers_command() -> None:
    """Toon de gekoppelde AGB-codes."""
    from monitor.ingest.ijw import providers

    with open_session() as session:
        rows = providers(session)
    table = Table("AGB-code", "organisatie")
    for agb, code in rows:
        table.add_row(agb, code)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``ijw`` command group."""
    app.add_typer(ijw_app, name="ijw")
