"""``monitor generate`` and ``monitor demo``: synthetic data, and the whole product on a
fresh machine in one command (migrate, catalogue, organisations, the synthetic panel through
the real ingest path, demo users, then the web app)."""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import Session

from monitor import auth, users
from monitor import organisations as orgs
from monitor.catalogue import load_catalogue
from monitor.cli.common import console
from monitor.db import get_engine, safe_url, session_scope, upgrade
from monitor.errors import MonitorError
from schema import Role
from schema.base import recorded_at

DEMO_PASSWORD = "demo-wachtwoord"


@dataclass(frozen=True)
class DemoLogin:
    """A demo account and what it is for."""

    username: str
    role: str
    organisation: str | None
    purpose: str


def generate(
    size: str = typer.Option(
        "demo",
        help="demo (~5,000 children), municipality (~50,000) "
        "or national (~1,000,000; chunked, Parquet).",
    ),
    seed: int = typer.Option(42, help="Random seed: the same seed gives identical files."),
    out: Path = typer.Option(Path("synthetic"), help="Directory to write the files to."),
    with_errors: bool = typer.Option(
        False, "--with-errors", help="Add realistic mess for ingest to catch."
    ),
) -> None:
    """Generate a synthetic network/child panel with known effects (and truth.json)."""
    from synthetic_data import generate as generate_panel

    started = time.perf_counter()
    summary = generate_panel(size, seed, out, with_errors=with_errors, progress=_print_progress)
    console.print(f"generated {size} panel in {time.perf_counter() - started:.1f} s: {summary}")


def _print_progress(*args: object) -> None:
    console.print("  " + " ".join(str(a) for a in args))


def demo_logins(truth: dict, data_dir: Path) -> list[DemoLogin]:
    """The demo accounts, scoped to one story in the generated panel: the largest network
    that started the programme (so fewer cells fall under the disclosure threshold), its
    municipality and one of its member schools."""
    import polars as pl

    organisations = pl.read_csv(data_dir / "organisations.csv", infer_schema=False)
    memberships = pl.read_csv(data_dir / "memberships.csv", infer_schema=False)
    starts = truth.get("programme_starts") or {}
    networks = organisations.filter(pl.col("kind") == "network")
    treated = networks.filter(pl.col("code").is_in(sorted(starts))) if starts else networks
    sizes = treated.with_columns(pl.col("population_0_17").cast(pl.Int64, strict=False))
    network = sizes.sort(["population_0_17", "code"], descending=[True, False])["code"][0]
    municipality = organisations.filter(pl.col("code") == network)["municipality"][0]
    members = set(memberships.filter(pl.col("network") == network)["member"])
    schools = organisations.filter(
        (pl.col("kind") == "school") & pl.col("code").is_in(sorted(members))
    )["code"]
    school = (
        schools[0] if len(schools) else organisations.filter(pl.col("kind") == "school")["code"][0]
    )
    return [
        DemoLogin("beheerder", "admin", None, "beheer: gebruikers, rollen, catalogus, audit"),
        DemoLogin("gemeente", "municipality_officer", municipality, "data-officer gemeente"),
        DemoLogin("netwerk", "network_viewer", network, "netwerkcoördinator (reflectie)"),
        DemoLogin("school", "partner_entry", school, "partner: gegevens aanleveren"),
        DemoLogin("onderzoeker", "researcher", municipality, "onderzoeker: extracten en modellen"),
    ]


def partner_batches(data_dir: Path) -> list[tuple[Path, str, datetime | None]]:
    """The files to ingest, in order: each batch of ``deliveries.csv`` with its reporter and
    the moment it was received, or (a panel without deliveries) every file at once, now."""
    import polars as pl

    from synthetic_data.history import MANIFEST  # here: `monitor ingest` needs none of it

    manifest = data_dir / MANIFEST
    if manifest.exists():
        rows = pl.read_csv(manifest, infer_schema=False).iter_rows(named=True)
        return [
            (data_dir / r["file"], r["reporter"], datetime.fromisoformat(r["recorded_at"]))
            for r in rows
        ]
    files = sorted((data_dir / "aggregate").glob("*.csv"))
    files += sorted((data_dir / "case").glob("*.parquet"))
    return [(path, path.stem, None) for path in files]


def build_demo(engine, data_dir: Path, *, seed: int = 42) -> list[DemoLogin]:  # noqa: ANN001
    """Create a complete demo database on ``engine``; returns the demo logins."""
    from monitor.cli._demo_sessions import network_of, seed_reflection
    from monitor.ingest import ingest_file
    from synthetic_data import generate as generate_panel

    steps = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with steps:
        task = steps.add_task("schema and catalogue", total=1)
        upgrade(engine)
        with session_scope(engine) as session:
            load_catalogue(session)
        steps.advance(task)

        task = steps.add_task(f"synthetic panel (seed {seed})", total=1)
        generate_panel("demo", seed, data_dir)
        steps.advance(task)
        truth = json.loads((data_dir / "truth.json").read_text())

        batches = partner_batches(data_dir)
        task = steps.add_task("organisations, networks, events", total=4)
        # entered before the first batch arrived: the networks' figures as known then count
        # their members (memberships are dated by entry, monitor.asof.membership_known_at)
        moments = [moment for _, _, moment in batches if moment]
        setup = recorded_at(min(moments)) if moments else nullcontext()
        with setup, session_scope(engine) as session:
            orgs.import_organisations(session, data_dir / "organisations.csv")
            steps.advance(task)
            orgs.import_memberships(session, data_dir / "memberships.csv")
            steps.advance(task)
            orgs.import_events(session, data_dir / "events.csv")
            steps.advance(task)
            if (data_dir / "obligations.csv").exists():
                orgs.import_obligations(session, data_dir / "obligations.csv")
            steps.advance(task)

        task = steps.add_task("ingest partner files, as sent 2021-2025", total=len(batches))
        for path, reporter, moment in batches:
            clock = recorded_at(moment) if moment else nullcontext()
            with clock, Session(engine, expire_on_commit=False) as session:
                report = ingest_file(session, path, organisation_code=reporter, channel="cli")
            if report.rows_rejected:
                raise MonitorError(f"demo data {path.name} was rejected: {report.problems[:3]}")
            steps.advance(task)

        logins = demo_logins(truth, data_dir)
        task = steps.add_task("reflection sessions", total=1)
        with session_scope(engine) as session:
            seed_reflection(session, network_of(logins))
        steps.advance(task)
        _load_cbs_demo(engine, steps, logins)
        task = steps.add_task("demo users", total=len(logins))
        with session_scope(engine) as session:
            for login in logins:
                user = users.find_user(session, username=login.username)
                if user is None:
                    user = auth.create_user(
                        session,
                        username=login.username,
                        password=DEMO_PASSWORD,
                        full_name=login.purpose,
                    )
                research = login.role == Role.RESEARCHER
                auth.grant_role(
                    session,
                    user,
                    login.role,
                    login.organisation,
                    purpose="demo: synthetic data, effect of the programme" if research else None,
                    expires_on=date.today() + timedelta(days=365) if research else None,
                )
                steps.advance(task)
    return logins


def _load_cbs_demo(engine, steps: Progress, logins: list[DemoLogin]) -> None:  # noqa: ANN001
    """CBS StatLine figures for the demo municipalities (invented, in CBS's API layout), so
    that the trend page compares a municipality with the Netherlands and its size class."""
    from monitor.ingest.cbs import load_demo_tables

    importer = next(
        login.organisation
        for login in logins
        if login.role == "municipality_officer" and login.organisation is not None
    )
    task = steps.add_task("CBS StatLine (demo tables)", total=1)
    with Session(engine, expire_on_commit=False) as session:
        for result in load_demo_tables(session, importer):
            if result.report.rows_rejected or result.report.status == "rejected":
                raise MonitorError(f"demo CBS table was rejected: {result.report.problems[:3]}")
    steps.advance(task)


def demo(
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the web app afterwards."),
    fresh: bool = typer.Option(False, "--fresh", help="Throw away an existing demo database."),
    data_dir: Path = typer.Option(Path("demo_data"), help="Where the synthetic files go."),
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8050, help="Port to serve on."),
) -> None:
    """Set up the demo on the embedded database (SQLite by default) and start the web app."""
    engine = get_engine()
    started = time.perf_counter()
    sqlite_file = engine.url.get_backend_name() == "sqlite" and bool(engine.url.database)
    if fresh and sqlite_file:
        _remove_sqlite(engine)
    upgrade(engine)  # an existing demo database from an older release is migrated first
    logins = _existing_demo(engine, data_dir)
    if logins is None and _holds_organisations(engine):
        # an earlier run stopped half-way (or the database holds other data)
        if not sqlite_file:
            raise MonitorError(
                f"{safe_url(str(engine.url))} already holds organisations but no complete "
                "demo; the demo needs an empty database (set DATABASE_URL to a new one)"
            )
        console.print("an unfinished demo database was found (an earlier run stopped): "
                      "starting over")  # fmt: skip
        _remove_sqlite(engine)
        upgrade(engine)
    if logins is None:
        console.print(f"setting up the demo in {safe_url(str(engine.url))}")
        logins = build_demo(engine, data_dir)
        console.print(f"demo set up in {time.perf_counter() - started:.1f} s")
    else:
        console.print("the demo database is already set up (use --fresh to rebuild it)")
    console.print(f"\ndemo logins (password for all: [bold]{DEMO_PASSWORD}[/]):")
    for login in logins:
        scope = f" for {login.organisation}" if login.organisation else ""
        console.print(f"  {login.username:<12} {login.role}{scope} — {login.purpose}")
    if serve:
        from monitor.cli.serve import serve as serve_web_app

        serve_web_app(host=host, port=port)


def _remove_sqlite(engine) -> None:  # noqa: ANN001
    """Delete the engine's SQLite file (and its journal files)."""
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(engine.url.database + suffix).unlink(missing_ok=True)


def _holds_organisations(engine) -> bool:  # noqa: ANN001
    """Whether the database holds any organisation (a demo set-up's first rows)."""
    with Session(engine) as session:
        return bool(orgs.list_organisations(session))


def _existing_demo(engine, data_dir: Path) -> list[DemoLogin] | None:  # noqa: ANN001
    """The demo logins if the database already holds a demo, else None."""
    from sqlalchemy import inspect

    from monitor.query.cases import has_case_measurements

    if "case_measurement" not in inspect(engine).get_table_names():
        return None
    with Session(engine) as session:
        if not has_case_measurements(session):
            return None
        if users.find_user(session, username="beheerder") is None:
            return None
    truth_path = data_dir / "truth.json"
    if not truth_path.exists():
        return [DemoLogin("beheerder", "admin", None, "beheer")]
    return demo_logins(json.loads(truth_path.read_text()), data_dir)


def register(app: typer.Typer) -> None:
    """Add ``generate`` and ``demo``."""
    app.command("generate")(generate)
    app.command("demo")(demo)
