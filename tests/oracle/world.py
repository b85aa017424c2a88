"""The oracle's world: the synthetic demo panel split into two submission waves (the
second with corrections written here), loaded through the real ingest path into a
database, plus an admin account with an API token.

Wave 1 holds every aggregate figure of periods ending before 1 July 2024 and every case
row dated before it, recorded on 20 February 2025. Wave 2 holds the rest, a few corrected
figures and case values and some identical resends, recorded on 10 June 2025. "As of"
the end of 31 March 2025 (``T1``) the platform knows wave 1 only."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session

RECORDED = {1: datetime(2025, 2, 20, 9, 0, tzinfo=UTC), 2: datetime(2025, 6, 10, 9, 0, tzinfo=UTC)}
T1_DAY = date(2025, 3, 31)
T1 = datetime(2025, 3, 31, 23, 59, 59, tzinfo=UTC)
SPLIT = date(2024, 7, 1)
WAVES = ["wave1", "wave2"]
SEED = 42

#: Corrections sent in wave 2: (organisation, indicator, period, category) -> new value.
AGGREGATE_CORRECTIONS = {
    ("NW-GM0448-01", "NW_CHILDREN", "2023-H2", ""): lambda v: v + 40,
    ("NW-GM0448-01", "NW_REF", "2023-H1", "huisarts"): lambda v: v + 5,
    ("NW-GM0093-01", "NW_CARE", "2022-H2", "wijkteam"): lambda v: 4,
    ("NW-GM0096-01", "NW_SIGNAL", "2024-H1", ""): lambda v: 3,
    ("GM0448", "MU_CARE", "2023-H2", "pleegzorg"): lambda v: v + 3,
    ("GM0448", "MU_YOUTH", "2022-H1", ""): lambda v: v - 20,
    ("GM0060", "MU_REF", "2023-H2", "onbekend"): lambda v: v + 12,
    ("GM0093", "MU_PUPILS", "2023", ""): lambda v: v + 7,
    ("NW-GM0060-01", "PR_CSAT", "2023-H1", ""): lambda v: 3.9,
    ("NW-GM0096-01", "NW_COND", "2022", "mandaat"): lambda v: 4.2,
}


@dataclass
class World:
    backend: str
    url: str
    engine: Engine
    base: Path  # organisations.csv ..., wave1/, wave2/
    admin_id: int
    token: str


def _period_end(code: str) -> date:
    from tests.oracle.oracle import period_bounds

    return period_bounds(code)[1]


def write_waves(base: Path) -> None:
    """Generate the demo panel into ``base/raw`` and write ``base/wave1``, ``base/wave2``."""
    from synthetic_data import generate

    raw = base / "raw"
    generate("demo", SEED, raw)
    for name in (
        "organisations.csv",
        "memberships.csv",
        "events.csv",
        "obligations.csv",
        "truth.json",
    ):
        shutil.copy(raw / name, base / name)
    for wave in WAVES:
        (base / wave / "aggregate").mkdir(parents=True)
        (base / wave / "case").mkdir(parents=True)
    found = set()
    for path in sorted((raw / "aggregate").glob("*.csv")):
        rows = pl.read_csv(path, infer_schema=False)
        ends = rows["period"].map_elements(_period_end, return_dtype=pl.Date)
        first = rows.filter(ends < SPLIT)
        second = rows.filter(ends >= SPLIT)
        corrected = []
        for row in first.iter_rows(named=True):
            key = (row["organisation"], row["indicator"], row["period"], row["category"] or "")
            if key in AGGREGATE_CORRECTIONS:
                found.add(key)
                value = AGGREGATE_CORRECTIONS[key](float(row["value"]))
                corrected.append({**row, "value": f"{value:g}"})
        resent = first.head(3)  # identical resends: unchanged
        parts = [second, resent]
        if corrected:
            parts.append(pl.DataFrame(corrected, schema=rows.schema))
        first.write_csv(base / "wave1" / "aggregate" / path.name)
        pl.concat(parts).write_csv(base / "wave2" / "aggregate" / path.name)
    assert found == set(AGGREGATE_CORRECTIONS), set(AGGREGATE_CORRECTIONS) - found
    for path in sorted((raw / "case").glob("*.parquet")):
        rows = pl.read_parquet(path)
        day = pl.col("date").str.to_date()
        first = rows.filter(day < SPLIT)
        second = rows.filter(day >= SPLIT)
        # corrections: a few absence and wellbeing values changed (same child, date, ...)
        fix = first.filter(pl.col("indicator").is_in(["CH_ABS", "CH_SEM"])).head(25)
        fix = fix.with_columns(
            pl.when(pl.col("value") >= 50)
            .then(pl.col("value") - 7.5)
            .otherwise(pl.col("value") + 7.5)
            .alias("value")
        )
        first.write_parquet(base / "wave1" / "case" / path.name)
        pl.concat([second, fix]).write_parquet(base / "wave2" / "case" / path.name)


def load(engine: Engine, base: Path) -> tuple[int, str]:
    """Migrate, load the catalogue and organisations, ingest both waves at their moments,
    create the admin account; returns its id and API token."""
    from monitor import auth
    from monitor import organisations as orgs
    from monitor.catalogue import load_catalogue
    from monitor.db import session_scope, upgrade
    from monitor.ingest import ingest_file
    from schema.base import recorded_at

    upgrade(engine)
    # the partners and networks are set up before the first wave arrives
    with recorded_at(RECORDED[1]), session_scope(engine) as session:
        load_catalogue(session)
        orgs.import_organisations(session, base / "organisations.csv")
        orgs.import_memberships(session, base / "memberships.csv")
        orgs.import_events(session, base / "events.csv")
        orgs.import_obligations(session, base / "obligations.csv")
    for number, wave in enumerate(WAVES, start=1):
        files = sorted((base / wave / "aggregate").glob("*.csv"))
        files += sorted((base / wave / "case").glob("*.parquet"))
        for path in files:
            # the demo's own clock for dated history (schema.base.recorded_at)
            with recorded_at(RECORDED[number]), Session(engine, expire_on_commit=False) as session:
                report = ingest_file(session, path, organisation_code=path.stem)
            assert not report.rows_rejected, (path, report.problems[:3])
    with Session(engine, expire_on_commit=False) as session:
        user = auth.create_user(session, username="oracle", password="oracle-wachtwoord-123")
        auth.grant_role(session, user, "admin", None)
        token = auth.create_token(session, user, name="oracle")
        session.commit()
        return user.id, token
