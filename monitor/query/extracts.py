"""Network events and the pseudonymised research extracts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import polars as pl
from sqlalchemy import (
    false,
    or_,
    select,
)
from sqlmodel import Session, col

from monitor import audit
from monitor.errors import AccessDeniedError
from monitor.policy import Principal
from monitor.query.cases import scope_condition
from monitor.query.common import (
    current_rows,
    read_frame,
    visible_organisation_ids,
)
from schema import (
    CaseMeasurement,
    Child,
    Event,
    Indicator,
    Organisation,
    Participation,
    table_of,
)


def events(
    session: Session, principal: Principal, *, organisation_codes: Sequence[str]
) -> pl.DataFrame:
    """Events of the given organisations (the principal must be allowed to view each)."""
    org_ids = visible_organisation_ids(session, principal, organisation_codes)
    e, o = Event, Organisation
    statement = (
        select(col(o.code), col(e.event_date), col(e.kind), col(e.title), col(e.description))
        .join(o, col(o.id) == col(e.organisation_id))
        .where(col(e.organisation_id).in_(org_ids))
        .order_by(col(e.event_date))
    )
    schema = pl.Schema(
        {
            "organisation_code": pl.String,
            "event_date": pl.Date,
            "kind": pl.String,
            "title": pl.String,
            "description": pl.String,
        }
    )
    return read_frame(session, statement, schema)


_EXTRACT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "child_pseudonym": pl.String,
    "birth_month": pl.Date,
    "sex": pl.String,
    "municipality_code": pl.String,
    "indicator_code": pl.String,
    "indicator_version": pl.Int64,
    "observed_on": pl.Date,
    "end_date": pl.Date,
    "value": pl.Float64,
    "category": pl.String,
    "end_reason": pl.String,
    "source_kind": pl.String,
    "reporting_org_code": pl.String,
    "recorded_at": pl.Datetime("us"),
}


def case_extract(
    session: Session,
    principal: Principal,
    *,
    indicator_codes: Sequence[str],
    date_from: date | None = None,
    date_to: date | None = None,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """A pseudonymised case-level extract for an authorised researcher (audited).

    Rows are those in the researcher's own scope (the municipalities or networks their
    researcher role names). The only result exempt from disclosure control."""
    if not principal.has_role_researcher_scope():
        raise AccessDeniedError(
            f"{principal.username} has no researcher role: extracts are refused"
        )
    c, ch, i, o = CaseMeasurement, Child, Indicator, Organisation
    municipality = table_of(Organisation).alias("municipality")
    statement = (
        select(
            col(ch.pseudonym),
            col(ch.birth_month),
            col(ch.sex),
            municipality.c.code,
            col(i.code),
            col(i.version),
            col(c.observed_on),
            col(c.end_date),
            col(c.value),
            col(c.category),
            col(c.end_reason),
            col(c.source_kind),
            col(o.code),
            col(c.recorded_at),
        )
        .join(i, col(i.id) == col(c.indicator_id))
        .join(ch, col(ch.id) == col(c.child_id))
        .join(o, col(o.id) == col(c.reporting_org_id))
        .outerjoin(municipality, municipality.c.id == col(ch.municipality_id))
        .where(col(i.code).in_(list(indicator_codes)), current_rows(c, as_of))
        .order_by(col(ch.pseudonym), col(c.observed_on))
    )
    scope = scope_condition(principal.research_case_scope)
    if scope is not None:
        statement = statement.where(scope)
    if date_from:
        statement = statement.where(col(c.observed_on) >= date_from)
    if date_to:
        statement = statement.where(col(c.observed_on) <= date_to)
    frame = read_frame(session, statement, _EXTRACT_SCHEMA)
    audit.record(
        session,
        "extract",
        user_id=principal.user_id,
        username=principal.username,
        target=",".join(indicator_codes)[:255],
        detail={"rows": frame.height, "from": date_from, "to": date_to, "as_of": as_of},
    )
    return frame


def participation_extract(
    session: Session, principal: Principal, *, as_of: datetime | None = None
) -> pl.DataFrame:
    """Programme participation (exposure) of the children in a researcher's scope."""
    if not principal.has_role_researcher_scope():
        raise AccessDeniedError(
            f"{principal.username} has no researcher role: extracts are refused"
        )
    p, ch, o = Participation, Child, Organisation
    statement = (
        select(
            col(ch.pseudonym),
            col(o.code),
            col(p.valid_from),
            col(p.valid_to),
            col(p.intensity),
            col(p.intensity_unit),
        )
        .join(ch, col(ch.id) == col(p.child_id))
        .join(o, col(o.id) == col(p.network_id))
        .where(current_rows(p, as_of))
    )
    scope = principal.research_case_scope
    if not scope.all_rows:
        clauses = []
        if scope.child_municipality_ids:
            clauses.append(col(ch.municipality_id).in_(sorted(scope.child_municipality_ids)))
        members = sorted({org for org, _, _ in scope.reporter_windows})
        if members:
            clauses.append(col(p.reporting_org_id).in_(members))
            clauses.append(col(p.network_id).in_(members))
        statement = statement.where(or_(*clauses) if clauses else false())
    schema = pl.Schema(
        {
            "child_pseudonym": pl.String,
            "network_code": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "intensity": pl.Float64,
            "intensity_unit": pl.String,
        }
    )
    frame = read_frame(session, statement, schema)
    audit.record(
        session,
        "extract",
        user_id=principal.user_id,
        username=principal.username,
        target="participation",
        detail={"rows": frame.height, "as_of": as_of},
    )
    return frame
