"""CSV imports of organisations, memberships, events and reporting obligations.

Each import is all or nothing and reports every bad row at once (file, row, column, reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
from sqlmodel import Session, SQLModel

from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.organisations.registry import (
    OrganisationSpec,
    _spec_problems,
    _to_row,
    list_organisations,
)
from schema import Event, NetworkMembership, OrgKind, id_of


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
                    network_id=id_of(network),
                    member_id=id_of(member),
                    valid_from=start,
                    valid_to=end,
                )
            )
    return _store_all(session, path, rows, problems)


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
                    organisation_id=id_of(org),
                    event_date=when,
                    kind=record["kind"] or "other",
                    title=record["title"].strip(),
                    description=record.get("description") or "",
                )
            )
    return _store_all(session, path, rows, problems)


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
                    organisation_id=id_of(org),
                    indicator_code=record["indicator"],
                    about_organisation_id=about.id,
                    valid_from=start,
                    valid_to=end,
                    due_days=int(due_text),
                )
            )
    return _store_all(session, path, rows, problems)


def _store_all(
    session: Session, path: Path, rows: Sequence[SQLModel], problems: list[RowProblem]
) -> int:
    """Add every row of an import, or none when any row has a problem; the number added."""
    if problems:
        raise ValidationFailed(problems=problems, summary=f"{path.name}: nothing imported")
    session.add_all(rows)
    session.flush()
    return len(rows)
