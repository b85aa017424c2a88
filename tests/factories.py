"""A small, fully known world for tests: two municipalities, a network in each, partners,
children with case rows, aggregate series and users for every role.

Written straight through the ORM (test data is tiny); production data goes through
``monitor.ingest``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from monitor import auth
from monitor.catalogue import get_indicator
from monitor.periods import parse_period
from schema import (
    AggregateMeasurement,
    CaseMeasurement,
    Child,
    Event,
    NetworkMembership,
    Organisation,
    Submission,
    User,
)

PASSWORD = "correct horse battery"
#: The recorded purpose of the test world's researcher role.
RESEARCH_PURPOSE = "test: growth of wellbeing after the programme"

ORGS = [
    ("GM0363", "Amsterdam", "municipality", None, None),
    ("GM0599", "Rotterdam", "municipality", None, None),
    ("NW-A", "Netwerk Amsterdam-Oost", "network", "GM0363", None),
    ("NW-B", "Netwerk Rotterdam-Zuid", "network", "GM0599", None),
    ("11AA", "School A1", "school", "GM0363", "11AA"),
    ("JH-A", "Jeugdhulp A", "youth_care_provider", "GM0363", None),
    ("22BB", "School B1", "school", "GM0599", "22BB"),
]

#: username -> (role, organisation code)
USERS = {
    "admin": ("admin", None),
    "officer_ams": ("municipality_officer", "GM0363"),
    "officer_rdam": ("municipality_officer", "GM0599"),
    "school_a": ("partner_entry", "11AA"),
    "school_b": ("partner_entry", "22BB"),
    "viewer_a": ("network_viewer", "NW-A"),
    "viewer_b": ("network_viewer", "NW-B"),
    "researcher_ams": ("researcher", "GM0363"),
}


@dataclass
class World:
    """Ids and codes of what :func:`build_world` created."""

    orgs: dict[str, Organisation]
    users: dict[str, User]
    submission_id: int
    recorded_at: datetime


def build_world(session: Session) -> World:
    """Create the world on a session that has the catalogue loaded; commits."""
    orgs: dict[str, Organisation] = {}
    for code, name, kind, municipality, brin in ORGS:
        org = Organisation(
            code=code,
            name=name,
            kind=kind,
            brin=brin,
            cbs_code=code if kind == "municipality" else None,
            municipality_id=orgs[municipality].id if municipality else None,
        )
        session.add(org)
        session.flush()
        orgs[code] = org
    recorded = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    for network, member in [("NW-A", "11AA"), ("NW-A", "JH-A"), ("NW-B", "22BB")]:
        session.add(
            NetworkMembership(
                network_id=orgs[network].id,
                member_id=orgs[member].id,
                valid_from=date(2020, 1, 1),
                recorded_at=recorded,  # entered with the seed figures
            )
        )
    session.add(
        Event(
            organisation_id=orgs["NW-A"].id,
            event_date=date(2023, 1, 1),
            kind="programme_start",
            title="Start samenwerking",
        )
    )
    submission = Submission(
        organisation_id=orgs["GM0363"].id,
        channel="cli",
        shape="aggregate",
        file_name="seed.csv",
        checksum="seed",
        status="accepted",
        received_at=recorded,
    )
    session.add(submission)
    session.flush()
    _aggregates(session, orgs, submission.id, recorded)
    _cases(session, orgs, submission.id, recorded)
    users = {}
    for username, (role, org_code) in USERS.items():
        user = auth.create_user(session, username=username, password=PASSWORD)
        research = role == "researcher"
        auth.grant_role(
            session,
            user,
            role,
            org_code,
            purpose=RESEARCH_PURPOSE if research else None,
            expires_on=date.today() + timedelta(days=90) if research else None,
        )
        users[username] = user
    session.commit()
    return World(orgs=orgs, users=users, submission_id=submission.id, recorded_at=recorded)


def _aggregates(session: Session, orgs, submission_id: int, recorded: datetime) -> None:
    rows = [
        # (org, indicator, period, category, value)
        ("NW-A", "NW_CHILDREN", "2023-H1", "", 1000),
        ("NW-A", "NW_REF", "2023-H1", "huisarts", 30),
        ("NW-A", "NW_REF", "2023-H1", "jeugdarts", 4),  # small: suppressed
        ("NW-A", "NW_REF", "2023-H1", "gemeentelijke_toegang", 12),  # secondary suppression
        ("NW-A", "NW_CHILDREN", "2023-H2", "", 1010),
        ("NW-A", "NW_REF", "2023-H2", "huisarts", 20),
        ("NW-B", "NW_CHILDREN", "2023-H1", "", 800),
        ("NW-B", "NW_REF", "2023-H1", "huisarts", 40),
        ("GM0363", "MU_YOUTH", "2023-H1", "", 150000),
        ("GM0363", "MU_CARE", "2023-H1", "ambulant", 9000),
        ("GM0599", "MU_YOUTH", "2023-H1", "", 120000),
        ("GM0599", "MU_CARE", "2023-H1", "ambulant", 8000),
        ("NW-A", "PR_CSAT", "2023-H1", "", 3.8),
    ]
    for org, code, period_code, category, value in rows:
        period = parse_period(period_code)
        indicator = get_indicator(session, code)
        session.add(
            AggregateMeasurement(
                organisation_id=orgs[org].id,
                indicator_id=indicator.id,
                reporting_org_id=orgs[org].id,
                submission_id=submission_id,
                period_code=period.code,
                period_start=period.start,
                period_end=period.end,
                category=category,
                value=value,
                source_kind=indicator.source_kind,
                recorded_at=recorded,
            )
        )
    session.flush()


def _cases(session: Session, orgs, submission_id: int, recorded: datetime) -> None:
    """30 children in Amsterdam at school 11AA (absence rows) and 5 in Rotterdam at 22BB."""
    absence = get_indicator(session, "CH_ABS")
    for index in range(35):
        amsterdam = index < 30
        child = Child(
            pseudonym=f"p{index:03d}",
            birth_month=date(2012, 1 + index % 12, 1),
            sex="m" if index % 2 else "f",
            municipality_id=orgs["GM0363" if amsterdam else "GM0599"].id,
        )
        session.add(child)
        session.flush()
        for month in (1, 2):
            session.add(
                CaseMeasurement(
                    child_id=child.id,
                    indicator_id=absence.id,
                    reporting_org_id=orgs["11AA" if amsterdam else "22BB"].id,
                    submission_id=submission_id,
                    observed_on=date(2023, month, 15),
                    value=float(index % 10),
                    source_kind="registered",
                    recorded_at=recorded,
                )
            )
    session.flush()


def correct_value(
    session: Session,
    *,
    org: str,
    indicator: str,
    period: str,
    category: str,
    value: float,
    at: datetime,
) -> None:
    """Supersede a stored aggregate the way ingest does (for as-of tests)."""
    org_row = session.exec(select(Organisation).where(Organisation.code == org)).one()
    ind = get_indicator(session, indicator)
    old = session.exec(
        select(AggregateMeasurement).where(
            AggregateMeasurement.organisation_id == org_row.id,
            AggregateMeasurement.indicator_id == ind.id,
            AggregateMeasurement.period_code == period,
            AggregateMeasurement.category == category,
            AggregateMeasurement.superseded_at.is_(None),
        )
    ).one()
    new = AggregateMeasurement(
        **{
            **old.model_dump(exclude={"id", "superseded_at", "superseded_by_id"}),
            "value": value,
            "recorded_at": at,
        }
    )
    old.superseded_at = at
    session.add(new)
    session.flush()
    old.superseded_by_id = new.id
    session.commit()


def later(moment: datetime, days: int) -> datetime:
    """``moment`` plus ``days``."""
    return moment + timedelta(days=days)
