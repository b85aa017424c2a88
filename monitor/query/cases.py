"""Case-level rows in the caller's scope, a network's pupils, and case rollups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import polars as pl
from sqlalchemy import (
    Select,
    and_,
    false,
    func,
    or_,
    select,
)
from sqlmodel import Session, col

from monitor.asof import membership_known_at
from monitor.errors import RowProblem, ValidationFailed
from monitor.figures.cases import rollup
from monitor.periods import period_containing
from monitor.policy import Action, CaseScope, Principal
from monitor.query.common import (
    current_rows,
    organisations_by_code,
    read_frame,
)
from schema import (
    CaseMeasurement,
    Child,
    Indicator,
    NetworkMembership,
    Organisation,
    OrgKind,
    PeriodType,
)


def has_case_measurements(session: Session) -> bool:
    """True when any case measurement is stored (the demo checks this before rebuilding)."""
    return bool(session.scalar(select(func.count()).select_from(CaseMeasurement)))


def scope_condition(scope: CaseScope):  # noqa: ANN202
    """SQL condition selecting the case rows in a principal's scope."""
    if scope.all_rows:
        return None
    clauses = []
    if scope.child_municipality_ids:
        clauses.append(col(Child.municipality_id).in_(sorted(scope.child_municipality_ids)))
    for org_id, start, end in scope.reporter_windows:
        clauses.append(_window(org_id, start, end, col(CaseMeasurement.observed_on)))
    return or_(*clauses) if clauses else false()


def _window(org_id: int, start: date | None, end: date | None, column):  # noqa: ANN001, ANN202
    clause = [col(CaseMeasurement.reporting_org_id) == org_id]
    if start is not None:
        clause.append(column >= start)
    if end is not None:
        clause.append(column < end)
    return and_(*clause)


def _subject_condition(session: Session, organisation: Organisation, as_of: datetime | None):  # noqa: ANN202
    """Case rows that belong to an organisation's figures: a municipality's children, a
    network's members' reports while members (the memberships known at ``as_of``), or a
    partner's own reports."""
    kind = OrgKind(organisation.kind)
    if kind is OrgKind.MUNICIPALITY:
        return col(Child.municipality_id) == organisation.id
    if kind.is_network:
        memberships = session.execute(
            select(NetworkMembership).where(
                col(NetworkMembership.network_id) == organisation.id,
                *_known(as_of),
            )
        ).scalars()
        windows = [
            _window(m.member_id, m.valid_from, m.valid_to, col(CaseMeasurement.observed_on))
            for m in memberships
        ]
        return or_(*windows) if windows else false()
    return col(CaseMeasurement.reporting_org_id) == organisation.id


_CASE_SCHEMA = pl.Schema(
    {
        "child_id": pl.Int64,
        "observed_on": pl.Date,
        "end_date": pl.Date,
        "value": pl.Float64,
        "category": pl.String,
        "end_reason": pl.String,
        "source_kind": pl.String,
        "reporting_org_code": pl.String,
        "birth_month": pl.Date,
        "sex": pl.String,
    }
)


def _indicator_ids(session: Session, codes: Sequence[str]) -> list[int]:
    """Ids of every version of the indicators ``codes``."""
    return list(
        session.execute(
            select(col(Indicator.id)).where(col(Indicator.code).in_(list(codes)))
        ).scalars()
    )


def case_rows_in_scope(
    session: Session,
    principal: Principal,
    *,
    indicator_code: str,
    organisation_code: str,
    as_of: datetime | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    started_from: date | None = None,
    source_kind: str | None = None,
    children: Select | None = None,
) -> pl.DataFrame:
    """Case rows behind an organisation's figures, restricted to the principal's scope.

    ``date_from``: rows observed or (episodes) still running on or after it;
    ``started_from``: rows observed on or after it (narrower, and answered from the
    organisation/indicator/date index alone); ``children``: a select of child ids whose
    rows count, whoever reported them, instead of the organisation's own subject rule and
    the principal's case scope (:func:`network_pupils`: a network's pupils are the
    network's own figures, as NW_SIGNAL and NW_REF publish them to whoever may view it).

    For use inside this package's rollups only: the result holds internal child ids and
    must be aggregated and passed through disclosure control before anyone sees it."""
    (organisation,) = organisations_by_code(session, [organisation_code])
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    c, ch, o = CaseMeasurement, Child, Organisation
    # the indicator's ids (all versions) as constants, so that the planner can use them in
    # ix_case_org_indicator_date next to the reporting organisation
    indicator_ids = _indicator_ids(session, [indicator_code])
    statement = (
        select(
            col(c.child_id),
            col(c.observed_on),
            col(c.end_date),
            col(c.value),
            col(c.category),
            col(c.end_reason),
            col(c.source_kind),
            col(o.code),
            col(ch.birth_month),
            col(ch.sex),
        )
        .join(ch, col(ch.id) == col(c.child_id))
        .join(o, col(o.id) == col(c.reporting_org_id))
        .where(
            col(c.indicator_id).in_(indicator_ids) if indicator_ids else false(),
            current_rows(c, as_of),
            col(c.child_id).in_(children)
            if children is not None
            else _subject_condition(session, organisation, as_of),
        )
    )
    # the organisation's own subject rule keeps to the principal's case scope; a network's
    # pupils (``children``) are the network's figures, which whoever may view it sees
    scope = scope_condition(principal.case_scope) if children is None else None
    if scope is not None:
        statement = statement.where(scope)
    if date_from:
        statement = statement.where(
            or_(col(c.observed_on) >= date_from, col(c.end_date) >= date_from)
        )
    if date_to:
        statement = statement.where(col(c.observed_on) <= date_to)
    if started_from:
        statement = statement.where(col(c.observed_on) >= started_from)
    if source_kind:
        statement = statement.where(col(c.source_kind) == source_kind)
    return read_frame(session, statement, _CASE_SCHEMA)


def _known(as_of: datetime | None) -> list:
    """The memberships known at ``as_of`` (all of them when asked as known now)."""
    condition = membership_known_at(NetworkMembership, as_of)
    return [] if condition is None else [condition]


def _pupil_rows(
    session: Session, network: Organisation, start: date, end: date, as_of: datetime | None
):  # noqa: ANN202
    """Conditions on case rows reported by the network's member schools while members
    (the memberships known at ``as_of``), observed in [start, end]."""
    c, m, o = CaseMeasurement, NetworkMembership, Organisation
    schools = select(col(m.member_id), col(m.valid_from), col(m.valid_to)).join(
        o, col(o.id) == col(m.member_id)
    )
    schools = schools.where(
        col(m.network_id) == network.id, col(o.kind) == OrgKind.SCHOOL.value, *_known(as_of)
    )
    windows = [
        _window(member, valid_from, valid_to, col(c.observed_on))
        for member, valid_from, valid_to in session.execute(schools).all()
    ]
    return [
        or_(*windows) if windows else false(),
        col(c.observed_on) >= start,
        col(c.observed_on) <= end,
    ]


def network_pupils(
    session: Session, network: Organisation, start: date, end: date, as_of: datetime | None
) -> Select:
    """Ids of children who attended one of ``network``'s member schools (the school
    reported about them while a member) between ``start`` and ``end``: the network's
    children, as NW_SIGNAL and NW_REF count them."""
    c = CaseMeasurement
    return (
        select(col(c.child_id))
        .where(*_pupil_rows(session, network, start, end, as_of), current_rows(c, as_of))
        .distinct()
    )


def network_pupil_months(
    session: Session, network: Organisation, start: date, end: date, as_of: datetime | None
) -> pl.DataFrame:
    """(child_id, month) of the months each child attended a member school of
    ``network`` between ``start`` and ``end`` (month = its first day)."""
    c = CaseMeasurement
    statement = (
        select(col(c.child_id), col(c.observed_on))
        .where(*_pupil_rows(session, network, start, end, as_of), current_rows(c, as_of))
        .distinct()
    )
    frame = read_frame(session, statement, {"child_id": pl.Int64, "observed_on": pl.Date})
    return frame.select(
        "child_id", pl.col("observed_on").dt.truncate("1mo").alias("month")
    ).unique()


def case_rollup(
    session: Session,
    principal: Principal,
    *,
    indicator_code: str,
    organisation_code: str,
    period_type: PeriodType = PeriodType.HALF_YEAR,
    by: Sequence[str] = (),
    as_of: datetime | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    source_kind: str | None = None,
) -> pl.DataFrame:
    """Case-level rows of an organisation rolled up per period (and ``by``: ``category``,
    ``reporting_org_code``, ``sex``, ``age_group``), never one child at a time.

    Columns: period_code, period_start, [by...], n_children, n_rows, mean, median, p25, p75,
    suppressed. Cells with fewer children than the threshold are suppressed, with
    secondary suppression across the ``by`` groups of a period."""
    _whole_periods(PeriodType(period_type), date_from, date_to)
    rows = case_rows_in_scope(
        session,
        principal,
        indicator_code=indicator_code,
        organisation_code=organisation_code,
        as_of=as_of,
        date_from=date_from,
        date_to=date_to,
        source_kind=source_kind,
    )
    return rollup_frame(rows, period_type=period_type, by=by)


def _whole_periods(period_type: PeriodType, date_from: date | None, date_to: date | None) -> None:
    """A rollup window is whole periods: a window of any days would give a new noisy view
    of the same children with every shift (README, "Disclosure control")."""
    problems = []
    for column, day, edge in (("date_from", date_from, "start"), ("date_to", date_to, "end")):
        if day is None:
            continue
        try:
            bound = getattr(period_containing(day, period_type), edge)
        except (OverflowError, ValueError):
            problems.append((column, day, "outside the supported range of dates"))
            continue
        if bound != day:
            which = "first" if edge == "start" else "last"
            problems.append((column, day, f"must be the {which} day of a period ({bound})"))
    if problems:
        raise ValidationFailed(
            problems=[RowProblem("request", None, c, str(v), r) for c, v, r in problems],
            summary="; ".join(f"{c} {r}" for c, _, r in problems),
        )


def rollup_frame(
    rows: pl.DataFrame, *, period_type: PeriodType, by: Sequence[str] = ()
) -> pl.DataFrame:
    """Case rows (from :func:`case_rows_in_scope`) per period and breakdown, published:
    :func:`monitor.figures.cases.rollup`."""
    return rollup(rows, period_type=period_type, by=by)
