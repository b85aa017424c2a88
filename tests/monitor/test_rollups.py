"""case_pathway (monitor.rollups) against a naive recomputation from the raw current rows,
after each kind of write: a fresh batch, a correction batch, a withdrawal and its resend,
a membership change; the pathway dashboard with and without the rollup; as-of untouched.

The expected paths are computed here from plain SQL and Python loops (not the rollup
code, not polars' child_paths): per subject and half-year, each child's first signal
(a network's only in months a member school reported about the child while a member),
its first referral on or after it, the first care episode on or after that referral."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text
from sqlmodel import Session

from monitor import rollups, views
from monitor.catalogue import get_indicator
from monitor.ingest.store import CASE, store_table
from monitor.policy import Action, principal_for
from schema import CaseMeasurement, NetworkMembership
from tests.factories import World, build_world
from tests.monitor.ingest.helpers import current_case_rows

T1 = datetime(2024, 3, 1, tzinfo=UTC)
T2 = datetime(2024, 4, 1, tzinfo=UTC)
T3 = datetime(2024, 5, 1, tzinfo=UTC)
T4 = datetime(2024, 6, 1, tzinfo=UTC)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def naive_paths(session: Session) -> set[tuple]:
    """(subject_id, half-year, child_id, referrer, care_type, ending) from the raw rows."""
    rows = session.execute(
        text(
            "SELECT c.child_id, i.code, c.reporting_org_id, o.kind, c.observed_on, c.end_date,"
            " c.category, c.end_reason FROM case_measurement c"
            " JOIN indicator i ON i.id = c.indicator_id"
            " JOIN organisation o ON o.id = c.reporting_org_id WHERE c.superseded_at IS NULL"
        )
    ).all()
    members = session.execute(
        text("SELECT network_id, member_id, valid_from, valid_to FROM network_membership")
    ).all()
    homes = dict(session.execute(text("SELECT id, municipality_id FROM child")).all())
    school_months: dict[int, set[tuple[int, int, int]]] = {}  # child -> (network, y, m)
    for child, _, reporter, kind, day, *_ in rows:
        day = _day(day)
        for network, member, start, end in members:
            valid = _day(start) <= day and (end is None or day < _day(end))
            if kind == "school" and member == reporter and valid:
                school_months.setdefault(child, set()).add((network, day.year, day.month))
    first: dict[tuple, date] = {}
    for child, code, _, _, day, *_ in rows:
        if code != "CH_SIGNAL":
            continue
        day = _day(day)
        half = f"{day.year}-H{1 if day.month <= 6 else 2}"
        subjects = {
            n for n, y, m in school_months.get(child, ()) if (y, m) == (day.year, day.month)
        }
        if homes.get(child) is not None:
            subjects.add(homes[child])
        for subject in subjects:
            key = (subject, half, child)
            first[key] = min(first.get(key, day), day)
    paths = set()
    for (subject, half, child), signal in first.items():
        refs = sorted(
            (_day(r[4]), r[6])
            for r in rows
            if r[0] == child and r[1] == "CH_REF" and _day(r[4]) >= signal
        )
        if not refs:
            paths.add((subject, half, child, "geen_verwijzing", None, None))
            continue
        referred, referrer = refs[0]
        care = sorted(
            (_day(r[4]), r[6], r[5], r[7])
            for r in rows
            if r[0] == child and r[1] == "CH_CARE" and _day(r[4]) >= referred
        )
        if not care:
            paths.add((subject, half, child, referrer, "geen_jeugdhulp", None))
            continue
        _, care_type, end_date, end_reason = care[0]
        ending = "loopt_nog" if end_date is None else (end_reason or "onbekend")
        paths.add((subject, half, child, referrer, care_type, ending))
    return paths


def stored_paths(session: Session) -> set[tuple]:
    return set(
        session.execute(
            text(
                "SELECT subject_id, period_code, child_id, referrer, care_type, ending"
                " FROM case_pathway"
            )
        ).all()
    )


def _batch(session: Session, world: World, rng: np.random.Generator) -> pl.DataFrame:
    """Signals (Jan-Mar 2023), referrals and care episodes for the world's children."""
    ids = {c: get_indicator(session, c).id for c in ("CH_SIGNAL", "CH_REF", "CH_CARE")}
    children = [r[0] for r in session.execute(text("SELECT id FROM child ORDER BY id"))]
    reporter = world.orgs["JH-A"].id
    records = []
    for child in children:
        signal = date(2023, int(rng.integers(1, 4)), int(rng.integers(1, 28)))
        records.append((child, ids["CH_SIGNAL"], signal, None, "", None))
        if rng.random() < 0.2:  # a second signal, later in the year
            records.append((child, ids["CH_SIGNAL"], date(2023, 8, 3), None, "", None))
        if rng.random() < 0.8:
            referred = signal + timedelta(days=int(rng.integers(0, 60)))
            referrer = str(rng.choice(["huisarts", "jeugdarts", "school_swv"]))
            records.append((child, ids["CH_REF"], referred, None, referrer, None))
            if rng.random() < 0.7:
                started = referred + timedelta(days=int(rng.integers(0, 40)))
                ended = started + timedelta(days=90) if rng.random() < 0.5 else None
                kind = str(rng.choice(["ambulant", "pleegzorg"]))
                reason = "volgens_plan" if ended else None
                records.append((child, ids["CH_CARE"], started, ended, kind, reason))
    frame = pl.DataFrame(
        records,
        schema={
            "child_id": pl.Int64,
            "indicator_id": pl.Int64,
            "observed_on": pl.Date,
            "end_date": pl.Date,
            "category": pl.String,
            "end_reason": pl.String,
        },
        orient="row",
    )
    return frame.with_columns(
        reporting_org_id=pl.lit(reporter, pl.Int64),
        submission_id=pl.lit(world.submission_id, pl.Int64),
        value=pl.lit(None, pl.Float64),
        source_kind=pl.lit("registered"),
    )


def _flows(session: Session, principal, code: str, as_of: datetime | None) -> pl.DataFrame:
    return views.care_pathway_flows(
        session, principal, organisation_code=code, period_code="2023-H1", as_of=as_of
    )


@pytest.fixture
def world(catalogue: Session) -> World:
    return build_world(catalogue)


def test_case_pathway_follows_every_write(catalogue: Session, world: World) -> None:
    session = catalogue
    admin = principal_for(session, world.users["admin"])
    rng = np.random.default_rng(17)
    batch = _batch(session, world, rng)

    # a fresh batch through the ingest write
    store_table(session, CASE, batch, now=T1)
    session.flush()
    fresh = stored_paths(session)
    assert fresh == naive_paths(session)
    assert {p[0] for p in fresh} >= {world.orgs["NW-A"].id, world.orgs["GM0363"].id}
    before = {c: _flows(session, admin, c, None) for c in ("NW-A", "NW-B", "GM0363")}
    assert before["NW-A"].height > 0

    # a correction batch: every care episode ended otherwise, and earlier referrals
    care = batch.filter(pl.col("indicator_id") == get_indicator(session, "CH_CARE").id)
    corrected = care.with_columns(
        end_date=pl.col("observed_on") + pl.duration(days=30),
        end_reason=pl.lit("voortijdig_client"),
    )
    signals = batch.filter(pl.col("indicator_id") == get_indicator(session, "CH_SIGNAL").id)
    earlier = signals.head(10).with_columns(
        indicator_id=pl.lit(get_indicator(session, "CH_REF").id, pl.Int64),
        category=pl.lit("gemeentelijke_toegang"),
    )
    counts = store_table(session, CASE, pl.concat([corrected, earlier]), now=T2)
    session.flush()
    assert counts.superseded == care.height
    assert stored_paths(session) == naive_paths(session) != fresh

    # a withdrawal through the ORM, then the same row sent again
    corrected_paths = stored_paths(session)
    row = session.get(CaseMeasurement, _first_referral_id(session))
    assert row is not None
    row.superseded_at = T3
    session.flush()
    withdrawn = stored_paths(session)
    assert withdrawn == naive_paths(session) != corrected_paths
    resend = pl.DataFrame(
        [
            {
                "child_id": row.child_id,
                "indicator_id": row.indicator_id,
                "reporting_org_id": row.reporting_org_id,
                "submission_id": row.submission_id,
                "observed_on": row.observed_on,
                "end_date": row.end_date,
                "value": row.value,
                "category": row.category,
                "end_reason": row.end_reason,
                "source_kind": row.source_kind,
            }
        ],
        schema=batch.schema,
    )
    store_table(session, CASE, resend.select(batch.columns), now=T4)
    session.flush()
    assert stored_paths(session) == naive_paths(session) == corrected_paths

    # as of T1 (memberships unchanged so far): the fresh batch's figures, from the raw rows
    for code, figures in before.items():
        assert_frame_equal(_flows(session, admin, code, T1 + timedelta(hours=1)), figures)
    assert not _flows(session, admin, "NW-A", None).equals(before["NW-A"])

    # a membership change: school 11AA leaves NW-A in February 2023
    membership = session.execute(
        text("SELECT id FROM network_membership WHERE member_id = :m"),
        {"m": world.orgs["11AA"].id},
    ).scalar_one()
    link = session.get(NetworkMembership, membership)
    assert link is not None
    kept = stored_paths(session)
    link.valid_to = date(2023, 2, 1)
    session.flush()
    assert stored_paths(session) == naive_paths(session) != kept

    # rebuilt from scratch: the same as kept incrementally
    kept = stored_paths(session)
    rollups.rebuild(session.connection())
    assert stored_paths(session) == kept


def _first_referral_id(session: Session) -> int:
    return (
        session.execute(
            text(
                "SELECT c.id FROM case_measurement c JOIN indicator i ON i.id = c.indicator_id"
                " WHERE i.code = 'CH_REF' AND c.superseded_at IS NULL"
                " ORDER BY c.child_id, c.observed_on, c.category"
            )
        )
        .scalars()
        .first()
    )


def test_pathway_figures_identical_with_and_without_the_rollup(
    catalogue: Session, world: World
) -> None:
    """Every network and municipality, every half-year: the rollup's flows equal those
    from the raw rows (asked "as of" a moment after every write, which reads them)."""
    session = catalogue
    store_table(session, CASE, _batch(session, world, np.random.default_rng(3)), now=T1)
    session.commit()
    later = T1 + timedelta(days=1)
    compared = 0
    for username in ("admin", "officer_ams", "viewer_a"):
        principal = principal_for(session, world.users[username])
        for code in ("NW-A", "NW-B", "GM0363", "GM0599"):
            if not principal.allows(Action.VIEW, world.orgs[code].id):
                continue
            for period in ("2023-H1", "2023-H2"):
                now = views.care_pathway_flows(
                    session, principal, organisation_code=code, period_code=period
                )
                raw = views.care_pathway_flows(
                    session, principal, organisation_code=code, period_code=period, as_of=later
                )
                assert_frame_equal(now, raw)
                compared += now.height
    assert compared > 0


def test_corrections_alone_refresh_what_they_can_change(catalogue: Session, world: World) -> None:
    """A batch of corrections only (every stored row replaced one of its key) recomputes
    the paths of its pathway rows' children; one that adds a key recomputes them all.
    Each step is held to the naive recomputation from the raw rows."""
    session = catalogue
    batch = _batch(session, world, np.random.default_rng(23))
    store_table(session, CASE, batch, now=T1)
    session.flush()
    fresh = stored_paths(session)
    assert fresh == naive_paths(session)
    # every absence value corrected: same children, schools and months, the same paths
    absence = current_case_rows(session, batch.columns, "CH_ABS")
    counts = store_table(session, CASE, absence.with_columns(value=pl.col("value") + 1), now=T2)
    session.flush()
    assert (counts.superseded, counts.inserted) == (absence.height, absence.height) == (70, 70)
    assert stored_paths(session) == naive_paths(session) == fresh
    # every care episode ended otherwise: only corrections, and the endings change
    care = current_case_rows(session, batch.columns, "CH_CARE")
    ended = care.with_columns(
        end_date=pl.col("observed_on") + pl.duration(days=20),
        end_reason=pl.lit("voortijdig_client"),
    )
    counts = store_table(session, CASE, ended, now=T3)
    session.flush()
    assert counts.superseded == counts.inserted == care.height > 0
    corrected = stored_paths(session)
    assert corrected == naive_paths(session) != fresh
    # one absence row corrected and March reported by school 11AA for its pupils: the
    # children signalled in March now count for NW-A as well
    march = absence.filter(pl.col("reporting_org_id") == world.orgs["11AA"].id).with_columns(
        observed_on=pl.lit(date(2023, 3, 15)), value=pl.lit(1.0)
    )
    mixed = pl.concat([absence.head(1).with_columns(value=pl.lit(9.5)), march.unique("child_id")])
    counts = store_table(session, CASE, mixed, now=T4)
    session.flush()
    assert (counts.superseded, counts.inserted) == (1, 31)
    assert stored_paths(session) == naive_paths(session) != corrected
