"""The demo network's past reflection sessions: three autumn meetings (2022-2024), each
with notes, agreed actions and turn-the-curve answers, and the goal it agreed, recorded on
the day of the meeting, so that each shows the figures as they were known then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlmodel import Session

from monitor import views
from monitor.policy import Principal
from schema import id_of
from schema.base import recorded_at

#: Who seeds the demo (no user: the set-up itself, recorded as such in the audit trail).
SETUP = Principal(user_id=None, username="demo-setup", roles=frozenset({("admin", None)}))

#: (held on, title, notes and actions as (kind, text[, owner]), curve answers)
SESSIONS: tuple[tuple[date, str, list[tuple[str, ...]], dict[str, str | None]], ...] = (
    (
        date(2022, 10, 13),
        "Najaarsbijeenkomst 2022",
        [
            ("note", "Het aantal verwijzingen ligt boven de band; de huisartsen verwijzen veel."),
            ("action", "Overleg met de huisartsen over het consultatieteam.", "municipality"),
        ],
        {
            "story": "Sinds de zomer melden scholen meer zorgen over thuissituaties.",
            "partners": "Scholen, huisartsen, JGZ en het wijkteam.",
            "what_works": "Vroeg overleg op school voordat er verwezen wordt.",
            "plan": "Een consultatieteam op iedere school vanaf januari.",
        },
    ),
    (
        date(2023, 10, 12),
        "Najaarsbijeenkomst 2023",
        [
            ("note", "Het consultatieteam draait op alle scholen."),
            ("note", "Het doel voor verwijzingen per 1.000 kinderen is vastgesteld."),
            ("action", "De school levert de verzuimcijfers per kwartaal aan.", "school"),
        ],
        {
            "story": "Minder verwijzingen na de start van het consultatieteam.",
            "partners": "Scholen en huisartsen, met de gemeente als opdrachtgever.",
            "what_works": "Het consultatieteam op school.",
            "plan": "Het consultatieteam uitbreiden naar de kinderopvang.",
        },
    ),
    (
        date(2024, 10, 10),
        "Najaarsbijeenkomst 2024",
        [
            (
                "note",
                "De gemeente heeft de verwijscijfers van het eerste halfjaar 2023 gecorrigeerd.",
            ),
            ("action", "De gemeente controleert de signaalcijfers van 2024.", "municipality"),
        ],
        {},
    ),
)
GOAL = ("NW_REF_RATE", date(2025, 12, 31), "Doel van de bijeenkomst van oktober 2023.")


def network_of(logins: Sequence) -> dict[str, str]:  # noqa: ANN001 - DemoLogin
    """The demo's network, municipality and school codes (from the demo logins)."""
    by_name = {login.username: login.organisation for login in logins}
    return {
        "network": by_name["netwerk"],
        "municipality": by_name["gemeente"],
        "school": by_name["school"],
    }


def seed_reflection(session: Session, codes: dict[str, str]) -> None:
    """Record the demo network's three past sessions and its goal (once)."""
    network = codes["network"]
    if views.reflection_sessions(session, SETUP, organisation_code=network):
        return
    for held_on, title, notes, answers in SESSIONS:
        moment = datetime(held_on.year, held_on.month, held_on.day, 15, 0, tzinfo=UTC)
        with recorded_at(moment):
            row = views.create_reflection_session(
                session, SETUP, organisation_code=network, held_on=held_on, title=title
            )
            for kind, text, *owner in notes:
                views.add_reflection_note(
                    session, SETUP, session_id=id_of(row), kind=kind, text=text,
                    owner_organisation_code=codes[owner[0]] if owner else None,
                    due_on=date(held_on.year + 1, 3, 1) if owner else None,
                )  # fmt: skip
            if answers:
                views.save_curve_answers(
                    session, SETUP, session_id=id_of(row), indicator_code="NW_REF_RATE",
                    answers=answers,
                )  # fmt: skip
            if held_on.year == 2023:
                _set_goal(session, network)


def _set_goal(session: Session, network: str) -> None:
    """The goal agreed in 2023: a tenth fewer referrals per 1,000 children than the
    latest half-year known that day."""
    code, target_date, note = GOAL
    day = datetime(2023, 10, 12, 23, 59, tzinfo=UTC)
    card = views.scorecard(session, SETUP, organisation_code=network, as_of=day)
    latest = card.filter(card["indicator_code"] == code)["value"].drop_nulls()
    if latest.is_empty():
        return
    target = round(float(latest[0]) * 0.9, 1)
    views.set_goal(
        session, SETUP, organisation_code=network, indicator_code=code,
        target_value=target, target_date=target_date, note=note,
    )  # fmt: skip
