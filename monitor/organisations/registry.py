"""Organisations, network membership over time and network events: reading and writing.

Codes: a municipality's code is its CBS code (``GM0363``); a school carries its BRIN
(``12AB``); networks and other partners use any stable code (``NW-AMS-OOST``). Importing
them from CSV files is :mod:`monitor.organisations.imports`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from monitor.errors import ConflictError, NotFoundError, RowProblem, ValidationFailed
from schema import Event, NetworkMembership, Organisation, OrgKind, id_of

CBS_CODE = re.compile(r"^GM\d{4}$")
BRIN = re.compile(r"^\d{2}[A-Z0-9]{2}$")
ORG_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,39}$")
KINDS = ", ".join(k.value for k in OrgKind)


@dataclass(frozen=True)
class OrganisationSpec:
    """An organisation as given by a user or a CSV row, before it is stored."""

    code: str
    name: str
    kind: str
    municipality: str | None = None
    brin: str | None = None
    subtype: str | None = None
    population_0_17: int | None = None


def _spec_problems(spec: OrganisationSpec) -> list[tuple[str, str | None, str]]:
    """(column, value, reason) for everything wrong with one spec on its own."""
    problems: list[tuple[str, str | None, str]] = []
    if spec.kind not in {k.value for k in OrgKind}:
        problems.append(("kind", spec.kind, f"unknown organisation kind; use one of: {KINDS}"))
    if not ORG_CODE.match(spec.code or ""):
        problems.append(("code", spec.code, "code must be 2-40 letters, digits, '-', '_' or '.'"))
    if not (spec.name or "").strip():
        problems.append(("name", spec.name, "name is required"))
    if spec.kind == OrgKind.MUNICIPALITY and not CBS_CODE.match(spec.code or ""):
        problems.append(("code", spec.code, "a municipality's code is its CBS code, GM + 4 digits"))
    if spec.kind == OrgKind.SCHOOL and not BRIN.match(spec.brin or ""):
        problems.append(("brin", spec.brin, "a school needs a BRIN: 2 digits + 2 letters/digits"))
    if spec.municipality and not CBS_CODE.match(spec.municipality):
        problems.append(("municipality", spec.municipality, "must be a CBS code like GM0363"))
    return problems


def _to_row(session: Session, spec: OrganisationSpec) -> Organisation:
    municipality_id = None
    if spec.municipality:
        municipality_id = get_organisation(session, spec.municipality).id
    return Organisation(
        code=spec.code,
        name=spec.name.strip(),
        kind=spec.kind,
        cbs_code=spec.code if spec.kind == OrgKind.MUNICIPALITY else None,
        brin=spec.brin if spec.kind == OrgKind.SCHOOL else None,
        municipality_id=municipality_id,
        subtype=spec.subtype,
        population_0_17=spec.population_0_17,
    )


def add_organisation(session: Session, spec: OrganisationSpec) -> Organisation:
    """Validate and store one organisation; ConflictError if the code/CBS code/BRIN is taken."""
    problems = _spec_problems(spec)
    if problems:
        column, value, reason = problems[0]
        raise ValidationFailed(
            problems=[RowProblem("organisation", None, c, v, r) for c, v, r in problems],
            summary=f"organisation {spec.code!r}: {column} {value!r}: {reason}",
        )
    clash = session.exec(
        select(Organisation).where(
            or_(
                col(Organisation.code) == spec.code,
                col(Organisation.cbs_code)
                == (spec.code if spec.kind == OrgKind.MUNICIPALITY else "-"),
                col(Organisation.brin) == (spec.brin or "-"),
            )
        )
    ).first()
    if clash is not None:
        raise ConflictError(
            f"organisation {spec.code!r} clashes with existing {clash.code!r} ({clash.name}): "
            "code, CBS code and BRIN must be unique"
        )
    row = _to_row(session, spec)
    session.add(row)
    session.flush()
    return row


def get_organisation(session: Session, code: str) -> Organisation:
    """The organisation with this code; NotFoundError naming the code otherwise."""
    row = session.exec(select(Organisation).where(col(Organisation.code) == code)).first()
    if row is None:
        raise NotFoundError(f"organisation {code!r} does not exist (see: monitor org list)")
    return row


def find_organisation(session: Session, code: str) -> Organisation | None:
    """The organisation with this code, or None."""
    return session.exec(select(Organisation).where(col(Organisation.code) == code)).first()


def codes_by_id(session: Session) -> dict[int, str]:
    """Every organisation's code by its id."""
    rows = session.exec(select(col(Organisation.id), col(Organisation.code))).all()
    return {id_: code for id_, code in rows if id_ is not None}  # a stored id is never NULL


def list_organisations(session: Session, kind: str | None = None) -> list[Organisation]:
    """All organisations (optionally of one kind), by kind and code."""
    query = select(Organisation).order_by(col(Organisation.kind), col(Organisation.code))
    if kind:
        query = query.where(col(Organisation.kind) == kind)
    return list(session.exec(query).all())


def add_membership(
    session: Session, *, network: str, member: str, valid_from: date, valid_to: date | None = None
) -> NetworkMembership:
    """Record that ``member`` belongs to ``network`` from ``valid_from`` (to ``valid_to``)."""
    network_row = get_organisation(session, network)
    if not OrgKind(network_row.kind).is_network:
        raise ValidationFailed(
            problems=[RowProblem("membership", None, "network", network, "not a network")],
            summary=f"{network!r} is a {network_row.kind}, not a network or samenwerkingsverband",
        )
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationFailed(
            problems=[RowProblem("membership", None, "to", str(valid_to), "must be after from")],
            summary="membership end date must be after its start date",
        )
    member_row = get_organisation(session, member)
    row = NetworkMembership(
        network_id=id_of(network_row),
        member_id=id_of(member_row),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(row)
    session.flush()
    return row


def members_of(session: Session, network_code: str, on: date | None = None) -> list[Organisation]:
    """Members of a network (on a date, or ever)."""
    network = get_organisation(session, network_code)
    query = (
        select(Organisation)
        .join(NetworkMembership, col(NetworkMembership.member_id) == col(Organisation.id))
        .where(col(NetworkMembership.network_id) == network.id)
    )
    if on is not None:
        query = query.where(col(NetworkMembership.valid_from) <= on).where(
            or_(col(NetworkMembership.valid_to).is_(None), col(NetworkMembership.valid_to) > on)
        )
    return list(session.exec(query.order_by(col(Organisation.code)).distinct()).all())


def add_event(
    session: Session,
    *,
    organisation: str,
    event_date: date,
    kind: str,
    title: str,
    description: str = "",
) -> Event:
    """Record something a network did on a date (drawn on charts, used as a break in models)."""
    org = get_organisation(session, organisation)
    if not title.strip():
        raise ValidationFailed(
            problems=[RowProblem("event", None, "title", title, "title is required")],
            summary="an event needs a title",
        )
    row = Event(
        organisation_id=id_of(org),
        event_date=event_date,
        kind=kind,
        title=title.strip(),
        description=description,
    )
    session.add(row)
    session.flush()
    return row


def list_events(session: Session, organisation: str | None = None) -> list[Event]:
    """Events, optionally of one organisation, by date."""
    query = select(Event).order_by(col(Event.event_date))
    if organisation:
        query = query.where(
            col(Event.organisation_id) == get_organisation(session, organisation).id
        )
    return list(session.exec(query).all())
