"""Organisations, network membership over time and network events.

Codes: a municipality's code is its CBS code (``GM0363``); a school carries its BRIN
(``12AB``); networks and other partners use any stable code (``NW-AMS-OOST``).
CSV imports are all-or-nothing and report every bad row at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import or_
from sqlmodel import Session, select

from monitor.errors import ConflictError, NotFoundError, RowProblem, ValidationFailed
from schema import Event, NetworkMembership, Organisation, OrgKind

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
                Organisation.code == spec.code,
                Organisation.cbs_code == (spec.code if spec.kind == OrgKind.MUNICIPALITY else "-"),
                Organisation.brin == (spec.brin or "-"),
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
    row = session.exec(select(Organisation).where(Organisation.code == code)).first()
    if row is None:
        raise NotFoundError(f"organisation {code!r} does not exist (see: monitor org list)")
    return row


def find_organisation(session: Session, code: str) -> Organisation | None:
    """The organisation with this code, or None."""
    return session.exec(select(Organisation).where(Organisation.code == code)).first()


def codes_by_id(session: Session) -> dict[int, str]:
    """Every organisation's code by its id."""
    return dict(session.exec(select(Organisation.id, Organisation.code)).all())


def list_organisations(session: Session, kind: str | None = None) -> list[Organisation]:
    """All organisations (optionally of one kind), by kind and code."""
    query = select(Organisation).order_by(Organisation.kind, Organisation.code)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(session.exec(query).all())


def _read_csv(path: Path, required: list[str]) -> pl.DataFrame:
    if not path.exists():
        raise NotFoundError(f"file {path} does not exist")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            problems=[RowProblem(path.name, None, None, None, f"not a readable CSV: {exc}")],
            summary=f"{path.name} could not be read",
        ) from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationFailed(
            problems=[
                RowProblem(path.name, 1, c, None, "required column is missing") for c in missing
            ],
            summary=f"{path.name} lacks column(s) {', '.join(missing)}",
        )
    return frame


def import_organisations(session: Session, path: Path) -> int:
    """Import organisations from CSV (code,name,kind[,municipality,brin,subtype,population_0_17]).

    Municipalities are stored first so others can refer to them. All or nothing."""
    frame = _read_csv(path, ["code", "name", "kind"])
    problems: list[RowProblem] = []
    specs: list[tuple[int, OrganisationSpec]] = []
    existing = {o.code for o in list_organisations(session)}
    existing_cbs = {o.cbs_code for o in list_organisations(session) if o.cbs_code}
    seen: set[str] = set()
    for index, record in enumerate(frame.iter_rows(named=True)):
        row_number = index + 2
        population = record.get("population_0_17")
        try:
            population_value = int(population) if population not in (None, "") else None
        except ValueError:
            problems.append(
                RowProblem(
                    path.name, row_number, "population_0_17", population, "must be a whole number"
                )
            )
            population_value = None
        spec = OrganisationSpec(
            code=(record["code"] or "").strip(),
            name=record["name"] or "",
            kind=(record["kind"] or "").strip(),
            municipality=(record.get("municipality") or "").strip() or None,
            brin=(record.get("brin") or "").strip() or None,
            subtype=(record.get("subtype") or "").strip() or None,
            population_0_17=population_value,
        )
        for column, value, reason in _spec_problems(spec):
            problems.append(RowProblem(path.name, row_number, column, value, reason))
        if spec.code in seen:
            problems.append(
                RowProblem(path.name, row_number, "code", spec.code, "duplicate code in this file")
            )
        elif spec.code in existing or spec.code in existing_cbs:
            problems.append(
                RowProblem(
                    path.name,
                    row_number,
                    "code",
                    spec.code,
                    "an organisation with this code already exists",
                )
            )
        seen.add(spec.code)
        specs.append((row_number, spec))
    known_municipalities = seen | existing
    for row_number, spec in specs:
        if spec.municipality and spec.municipality not in known_municipalities:
            problems.append(
                RowProblem(
                    path.name,
                    row_number,
                    "municipality",
                    spec.municipality,
                    "unknown municipality; add it first or in this file",
                )
            )
    if problems:
        raise ValidationFailed(problems=problems, summary=f"{path.name}: nothing imported")
    ordered = sorted(specs, key=lambda item: item[1].kind != OrgKind.MUNICIPALITY)
    for _, spec in ordered:
        session.add(_to_row(session, spec))
        session.flush()
    return len(specs)


def _parse_date(
    value: str | None,
    path: str,
    row: int,
    column: str,
    problems: list[RowProblem],
    required: bool = True,
) -> date | None:
    if value in (None, ""):
        if required:
            problems.append(RowProblem(path, row, column, value, "date is required (YYYY-MM-DD)"))
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(RowProblem(path, row, column, value, "not a date; use YYYY-MM-DD"))
        return None


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
        network_id=network_row.id, member_id=member_row.id, valid_from=valid_from, valid_to=valid_to
    )
    session.add(row)
    session.flush()
    return row


def import_memberships(session: Session, path: Path) -> int:
    """Import memberships from CSV (network,member,from[,to]). All or nothing."""
    frame = _read_csv(path, ["network", "member", "from"])
    orgs = {o.code: o for o in list_organisations(session)}
    problems: list[RowProblem] = []
    rows: list[NetworkMembership] = []
    for index, record in enumerate(frame.iter_rows(named=True)):
        row_number = index + 2
        network, member = orgs.get(record["network"] or ""), orgs.get(record["member"] or "")
        if network is None:
            problems.append(
                RowProblem(
                    path.name, row_number, "network", record["network"], "unknown organisation"
                )
            )
        elif not OrgKind(network.kind).is_network:
            problems.append(
                RowProblem(
                    path.name,
                    row_number,
                    "network",
                    record["network"],
                    f"is a {network.kind}, not a network",
                )
            )
        if member is None:
            problems.append(
                RowProblem(
                    path.name, row_number, "member", record["member"], "unknown organisation"
                )
            )
        start = _parse_date(record["from"], path.name, row_number, "from", problems)
        end = _parse_date(record.get("to"), path.name, row_number, "to", problems, required=False)
        if start and end and end <= start:
            problems.append(
                RowProblem(path.name, row_number, "to", str(end), "must be after 'from'")
            )
        if network and member and start:
            rows.append(
                NetworkMembership(
                    network_id=network.id, member_id=member.id, valid_from=start, valid_to=end
                )
            )
    if problems:
        raise ValidationFailed(problems=problems, summary=f"{path.name}: nothing imported")
    session.add_all(rows)
    session.flush()
    return len(rows)


def members_of(session: Session, network_code: str, on: date | None = None) -> list[Organisation]:
    """Members of a network (on a date, or ever)."""
    network = get_organisation(session, network_code)
    query = (
        select(Organisation)
        .join(NetworkMembership, NetworkMembership.member_id == Organisation.id)
        .where(NetworkMembership.network_id == network.id)
    )
    if on is not None:
        query = query.where(NetworkMembership.valid_from <= on).where(
            or_(NetworkMembership.valid_to.is_(None), NetworkMembership.valid_to > on)
        )
    return list(session.exec(query.order_by(Organisation.code).distinct()).all())


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
        organisation_id=org.id,
        event_date=event_date,
        kind=kind,
        title=title.strip(),
        description=description,
    )
    session.add(row)
    session.flush()
    return row


def import_events(session: Session, path: Path) -> int:
    """Import events from CSV (organisation,date,kind,title[,description]). All or nothing."""
    frame = _read_csv(path, ["organisation", "date", "kind", "title"])
    orgs = {o.code: o for o in list_organisations(session)}
    problems: list[RowProblem] = []
    rows: list[Event] = []
    for index, record in enumerate(frame.iter_rows(named=True)):
        row_number = index + 2
        org = orgs.get(record["organisation"] or "")
        if org is None:
            problems.append(
                RowProblem(
                    path.name,
                    row_number,
                    "organisation",
                    record["organisation"],
                    "unknown organisation",
                )
            )
        when = _parse_date(record["date"], path.name, row_number, "date", problems)
        if not (record["title"] or "").strip():
            problems.append(RowProblem(path.name, row_number, "title", "", "title is required"))
        if org and when and (record["title"] or "").strip():
            rows.append(
                Event(
                    organisation_id=org.id,
                    event_date=when,
                    kind=record["kind"] or "other",
                    title=record["title"].strip(),
                    description=record.get("description") or "",
                )
            )
    if problems:
        raise ValidationFailed(problems=problems, summary=f"{path.name}: nothing imported")
    session.add_all(rows)
    session.flush()
    return len(rows)


def list_events(session: Session, organisation: str | None = None) -> list[Event]:
    """Events, optionally of one organisation, by date."""
    query = select(Event).order_by(Event.event_date)
    if organisation:
        query = query.where(Event.organisation_id == get_organisation(session, organisation).id)
    return list(session.exec(query).all())


def import_obligations(session: Session, path: Path) -> int:
    """Import reporting obligations from CSV (organisation,indicator,about,from[,to,due_days]):
    who must report which aggregate indicator about whom, due ``due_days`` after each period.
    All or nothing."""
    from monitor.catalogue import indicator_versions
    from schema import ReportingObligation

    frame = _read_csv(path, ["organisation", "indicator", "from"])
    orgs = {o.code: o for o in list_organisations(session)}
    known_codes = {i.code for i in indicator_versions(session) if i.level != "case"}
    problems: list[RowProblem] = []
    rows: list[ReportingObligation] = []
    for index, record in enumerate(frame.iter_rows(named=True)):
        row_number = index + 2
        org = orgs.get(record["organisation"] or "")
        about_code = (record.get("about") or "").strip() or (record["organisation"] or "")
        about = orgs.get(about_code)
        if org is None:
            problems.append(
                RowProblem(
                    path.name,
                    row_number,
                    "organisation",
                    record["organisation"],
                    "unknown organisation",
                )
            )
        if about is None:
            problems.append(
                RowProblem(path.name, row_number, "about", about_code, "unknown organisation")
            )
        if record["indicator"] not in known_codes:
            problems.append(
                RowProblem(
                    path.name,
                    row_number,
                    "indicator",
                    record["indicator"],
                    "not a network or municipality indicator in the catalogue",
                )
            )
        start = _parse_date(record["from"], path.name, row_number, "from", problems)
        end = _parse_date(record.get("to"), path.name, row_number, "to", problems, required=False)
        due_text = (record.get("due_days") or "60").strip()
        if not due_text.isdigit():
            problems.append(
                RowProblem(path.name, row_number, "due_days", due_text, "must be a whole number")
            )
            due_text = "60"
        if org and about and start and record["indicator"] in known_codes:
            rows.append(
                ReportingObligation(
                    organisation_id=org.id,
                    indicator_code=record["indicator"],
                    about_organisation_id=about.id,
                    valid_from=start,
                    valid_to=end,
                    due_days=int(due_text),
                )
            )
    if problems:
        raise ValidationFailed(problems=problems, summary=f"{path.name}: nothing imported")
    session.add_all(rows)
    session.flush()
    return len(rows)
