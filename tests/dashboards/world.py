"""A richer known world for the dashboards: :func:`tests.factories.build_world` plus two
more networks and municipalities, half-year series 2021-2024, a care pathway of 70
children, outcomes with programme participation, events, a reflection session, a
correction after it and reporting obligations.

Every figure the dashboard tests assert on is derived here, in the open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from monitor.catalogue import get_indicator
from monitor.periods import parse_period
from schema import (
    AggregateMeasurement,
    CaseMeasurement,
    Child,
    Event,
    Organisation,
    Participation,
    ReflectionNote,
    ReflectionSession,
    ReportingObligation,
)
from tests.factories import World, build_world, correct_value

HALF_YEARS = ["2021-H1", "2021-H2", "2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1"]
SESSION_DAY = date(2024, 2, 1)
CORRECTED_AT = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
#: NW-A's 2023-H2 reach: 1010 when the session was held, corrected to 1100 after it.
REACH_BEFORE, REACH_AFTER = 1010, 1100
#: Referrals by huisarts per network and half-year (NW-A falls after the 2023 start).
HUISARTS = {
    "NW-A": [40, 42, 44, 45, 30, 20, 18],
    "NW-B": [35, 36, 38, 39, 40, 41, 42],
    "NW-C": [25, 26, 27, 28, 29, 30, 31],
    "NW-D": [15, 16, 17, 18, 19, 20, 21],
}
CHILDREN = {"NW-A": 1000, "NW-B": 800, "NW-C": 600, "NW-D": 500}
#: NW_SIGNAL of NW-A: 7 in 2023-H2 is below the threshold and shown as "< 10".
SIGNALS_A = {"2023-H1": 25, "2023-H2": 7}
#: Care pathway of NW-A children signalled in 2023-H1: (referrer, care type, ending, n).
PATHWAY = [
    ("huisarts", "ambulant", "volgens_plan", 15),
    ("huisarts", "wijkteam", None, 10),
    ("gemeentelijke_toegang", "wijkteam", "volgens_plan", 20),
    ("jeugdarts", "pleegzorg", None, 11),
    ("jeugdarts", None, None, 4),
    (None, None, None, 10),
]


def in_programme(index: int) -> bool:
    """Children 0-14 (born 2012, aged 4-11) and 30-34 (two of them aged 12-17 in 2023,
    a cell below the threshold) take part in NW-A's programme from September 2022."""
    return index < 15 or 30 <= index < 35


@dataclass
class DashboardWorld:
    """The base world plus what this module added."""

    base: World
    reflection_session_id: int

    @property
    def users(self):  # noqa: ANN201
        return self.base.users


def _org(session: Session, code: str) -> Organisation:
    return session.exec(select(Organisation).where(Organisation.code == code)).one()


def build_dashboard_world(session: Session) -> DashboardWorld:
    """Create the dashboard world on a session with the catalogue loaded; commits."""
    base = build_world(session)
    orgs = dict(base.orgs)
    for code, population in [("GM0363", 150_000), ("GM0599", 120_000)]:
        orgs[code].population_0_17 = population
    for code, name, kind, municipality, population in [
        ("GM0518", "'s-Gravenhage", "municipality", None, 100_000),
        ("GM0014", "Groningen", "municipality", None, 35_000),
        ("NW-C", "Netwerk Den Haag-West", "network", "GM0518", None),
        ("NW-D", "Netwerk Groningen-Noord", "network", "GM0014", None),
    ]:
        org = Organisation(
            code=code, name=name, kind=kind, population_0_17=population,
            cbs_code=code if kind == "municipality" else None,
            municipality_id=orgs[municipality].id if municipality else None,
        )  # fmt: skip
        session.add(org)
        session.flush()
        orgs[code] = org
    sub, at = base.submission_id, base.recorded_at
    existing = {
        (r.organisation_id, r.indicator_id, r.category, r.period_code)
        for r in session.exec(select(AggregateMeasurement)).all()
    }

    indicators: dict[str, object] = {}

    def add(org: str, code: str, period_code: str, category: str, value: float) -> None:
        if code not in indicators:
            indicators[code] = get_indicator(session, code)
        indicator = indicators[code]
        key = (orgs[org].id, indicator.id, category, period_code)
        if key in existing:
            return
        existing.add(key)
        period = parse_period(period_code)
        session.add(
            AggregateMeasurement(
                organisation_id=orgs[org].id, indicator_id=indicator.id,
                reporting_org_id=orgs[org].id, submission_id=sub, period_code=period.code,
                period_start=period.start, period_end=period.end, category=category,
                value=value, source_kind=indicator.source_kind, recorded_at=at,
            )
        )  # fmt: skip

    for network, series in HUISARTS.items():
        for index, period_code in enumerate(HALF_YEARS):
            add(network, "NW_CHILDREN", period_code, "", CHILDREN[network] + 10 * index)
            add(network, "NW_REF", period_code, "huisarts", series[index])
            add(network, "NW_REF", period_code, "gemeentelijke_toegang", 20 + index)
            add(network, "NW_CARE", period_code, "ambulant", 60 + 2 * index)
            add(network, "NW_CARE", period_code, "pleegzorg", 12 - index % 3)
            add(network, "PR_CSAT", period_code, "", 3.2 + 0.1 * index)
    for period_code, value in SIGNALS_A.items():
        add("NW-A", "NW_SIGNAL", period_code, "", value)
    for municipality, youth in [("GM0363", 150_000), ("GM0599", 120_000), ("GM0518", 100_000)]:
        for index, period_code in enumerate(HALF_YEARS):
            add(municipality, "MU_YOUTH", period_code, "", youth)
            add(municipality, "MU_REF", period_code, "huisarts", youth * (0.02 + 0.001 * index))
            add(municipality, "MU_CARE", period_code, "ambulant", youth * 0.06)
            add(municipality, "MU_CARE", period_code, "pleegzorg", youth * 0.008)
    session.add(
        Event(
            organisation_id=orgs["NW-A"].id, event_date=date(2023, 9, 1), kind="protocol",
            title="Nieuw verwijsprotocol",
        )
    )  # fmt: skip
    _pathway_and_outcomes(session, orgs, sub, at)
    for org, code in [("11AA", "CH_ABS"), ("JH-A", "CH_REF"), ("NW-A", "NW_CHILDREN")]:
        session.add(
            ReportingObligation(
                organisation_id=orgs[org].id, indicator_code=code,
                valid_from=date(2021, 1, 1), due_days=60,
            )
        )  # fmt: skip
    reflection = ReflectionSession(
        organisation_id=orgs["NW-A"].id, held_on=SESSION_DAY, title="Dialooggesprek voorjaar"
    )
    session.add(reflection)
    session.flush()
    session.add(
        ReflectionNote(session_id=reflection.id, kind="note", text="Verwijzingen huisarts dalen.")
    )
    session.commit()
    correct_value(
        session, org="NW-A", indicator="NW_CHILDREN", period="2023-H2", category="",
        value=REACH_AFTER, at=CORRECTED_AT,
    )  # fmt: skip
    return DashboardWorld(base=base, reflection_session_id=reflection.id)


def _pathway_and_outcomes(session: Session, orgs: dict, sub: int, at: datetime) -> None:
    """70 Amsterdam children at NW-A's member school 11AA (an absence row in February
    2023), signalled by JH-A then (see PATHWAY), and a yearly CH_SEM score at 11AA; 20
    take part in NW-A's programme (see IN_PROGRAMME)."""
    codes = ("CH_SIGNAL", "CH_REF", "CH_CARE", "CH_SEM", "CH_ABS")
    ind = {c: get_indicator(session, c) for c in codes}
    children = list(session.exec(select(Child).where(Child.municipality_id == orgs["GM0363"].id)))
    for index in range(len(children), 70):
        child = Child(
            pseudonym=f"q{index:03d}", birth_month=date(2010 + index % 8, 1 + index % 12, 1),
            sex="m" if index % 2 else "f", municipality_id=orgs["GM0363"].id,
        )  # fmt: skip
        session.add(child)
        session.flush()
        children.append(child)

    def case(child: Child, code: str, reporter: str, on: date, **fields) -> None:  # noqa: ANN003
        session.add(
            CaseMeasurement(
                child_id=child.id, indicator_id=ind[code].id, reporting_org_id=orgs[reporter].id,
                submission_id=sub, observed_on=on, source_kind=ind[code].source_kind,
                recorded_at=at, **fields,
            )
        )  # fmt: skip

    position = 0
    for referrer, care_type, ending, n in PATHWAY:
        for child in children[position : position + n]:
            case(child, "CH_ABS", "11AA", date(2023, 2, 28), value=1.0)  # attends 11AA
            case(child, "CH_SIGNAL", "JH-A", date(2023, 2, 1))
            if referrer:
                case(child, "CH_REF", "JH-A", date(2023, 3, 1), category=referrer)
            if care_type:
                case(
                    child, "CH_CARE", "JH-A", date(2023, 4, 1), category=care_type,
                    end_date=date(2023, 11, 30) if ending else None, end_reason=ending,
                )  # fmt: skip
        position += n
    for index, child in enumerate(children):
        inside = in_programme(index)
        for year in (2022, 2023):
            score = 60 + (8 if inside and year == 2023 else 0) + index % 7
            case(child, "CH_SEM", "11AA", date(year, 6, 15), value=float(score))
        if inside:
            session.add(
                Participation(
                    child_id=child.id, network_id=orgs["NW-A"].id, reporting_org_id=orgs["11AA"].id,
                    submission_id=sub, valid_from=date(2022, 9, 1), recorded_at=at,
                )
            )  # fmt: skip
    session.flush()
