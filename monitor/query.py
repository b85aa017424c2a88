"""The query layer: every figure the dashboards, analysis and exports show comes from here,
as a polars frame, with access control (``monitor.policy``) and disclosure control
(``monitor.disclosure``) already applied.

Time travel: every function takes ``as_of``; rows count when they were recorded at or
before that moment and not yet superseded then. ``as_of=None`` means "as known now".
Rates are computed here, at query time, from their numerator and denominator indicators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import polars as pl
from sqlalchemy import (
    Float,
    Select,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlmodel import Session

from monitor import audit
from monitor.asof import known_at
from monitor.catalogue import get_indicator
from monitor.errors import AccessDeniedError, NotFoundError, RowProblem, ValidationFailed
from monitor.figures.aggregates import codes_needed, organisation_cells, publish
from monitor.figures.cases import rollup
from monitor.periods import period_containing
from monitor.policy import Action, CaseScope, Principal
from schema import (
    AggregateCell,
    AggregateMeasurement,
    CaseMeasurement,
    Child,
    Event,
    Indicator,
    NetworkMembership,
    Organisation,
    OrgKind,
    Participation,
    PeriodType,
    ValueType,
)

SERIES_KEYS = ["organisation_code", "period_code", "category", "source_kind"]


def _current(table, as_of: datetime | None):  # noqa: ANN001, ANN202
    """Rows as known at ``as_of`` (or now): :func:`monitor.asof.known_at`."""
    return known_at(table, as_of)


def _frame(session: Session, statement, schema: dict[str, pl.DataType]) -> pl.DataFrame:  # noqa: ANN001
    rows = session.execute(statement).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _organisations(session: Session, codes: Sequence[str]) -> list[Organisation]:
    rows = session.execute(select(Organisation).where(Organisation.code.in_(list(codes)))).scalars()
    found = {o.code: o for o in rows}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFoundError(f"organisation(s) {', '.join(missing)} do not exist")
    return [found[c] for c in codes]


def visible_organisation_ids(
    session: Session, principal: Principal, organisation_codes: Sequence[str] | None
) -> list[int]:
    """Ids of the requested organisations (default: all the principal may view).

    Asking explicitly for an organisation one may not view is refused, not silently dropped."""
    if organisation_codes:
        orgs = _organisations(session, organisation_codes)
        denied = [o.code for o in orgs if not principal.allows(Action.VIEW, o.id)]
        if denied:
            raise AccessDeniedError(
                f"{principal.username} may not view figures of {', '.join(denied)}"
            )
        return [o.id for o in orgs]
    if principal.is_admin:
        return list(session.execute(select(Organisation.id)).scalars())
    return sorted(principal.view_org_ids)


_AGGREGATE_SCHEMA = {
    "organisation_code": pl.String,
    "organisation_name": pl.String,
    "organisation_kind": pl.String,
    "indicator_code": pl.String,
    "indicator_version": pl.Int64,
    "period_code": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "category": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "source_kind": pl.String,
    "recorded_at": pl.Datetime("us"),
    "reported_by": pl.String,
}


def stored_aggregates(
    session: Session,
    *,
    indicator_codes: Sequence[str],
    organisation_ids: Sequence[int],
    as_of: datetime | None = None,
    source_kind: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    reported_by: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Submitted aggregate rows (no access or disclosure rules: callers in this module apply
    them). When several partners reported the same figure, the latest recorded one counts.

    ``reported_by``: only rows sent by these organisations (what they already know)."""
    a, i, o = AggregateMeasurement, Indicator, Organisation
    reporter = Organisation.__table__.alias("reporter")
    statement = (
        select(
            o.code,
            o.name,
            o.kind,
            i.code,
            i.version,
            a.period_code,
            a.period_start,
            a.period_end,
            a.category,
            a.value,
            a.numerator,
            a.denominator,
            a.source_kind,
            a.recorded_at,
            reporter.c.code,
        )
        .join(i, i.id == a.indicator_id)
        .join(o, o.id == a.organisation_id)
        .join(reporter, reporter.c.id == a.reporting_org_id)
        .where(i.code.in_(list(indicator_codes)), _current(a, as_of))
        .where(a.organisation_id.in_(list(organisation_ids)) if organisation_ids else false())
    )
    if source_kind:
        statement = statement.where(a.source_kind == source_kind)
    if reported_by is not None:
        statement = statement.where(a.reporting_org_id.in_(list(reported_by)))
    if period_from:
        statement = statement.where(a.period_end >= period_from)
    if period_to:
        statement = statement.where(a.period_start <= period_to)
    frame = _frame(session, statement, _AGGREGATE_SCHEMA)
    return (
        frame.sort("recorded_at")
        .unique(subset=[*SERIES_KEYS, "indicator_code"], keep="last", maintain_order=True)
        .sort(["organisation_code", "period_start", "category"])
    )


_POOLED_SCHEMA = {
    "group": pl.String,
    "period_code": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "source_kind": pl.String,
    "category": pl.String,
    "total": pl.Float64,
    "mean": pl.Float64,
    "denominator": pl.Float64,
    "n_organisations": pl.UInt32,
}


def pooled_aggregates(
    session: Session,
    *,
    indicator: Indicator,
    groups: Mapping[str, Sequence[int]],
    as_of: datetime | None = None,
    category: str | None = None,
) -> pl.DataFrame:
    """Pooled figures of ``indicator`` for several groups of organisations, summed in the
    database (no access or disclosure rules: callers apply them to the result).

    The same figures as :func:`monitor.views.group_figures` pooling the rows of
    :func:`stored_aggregates` per period and category, without fetching one row per
    organisation: the latest recorded row per series counts; a total (category "") is
    added per organisation and period where none was sent (sum of the categories for
    rates and counts, mean for scores); a rate's numerator cells are joined to the
    organisation's total denominator for the period.

    ``category``: ``""`` only the totals, a code only the categories (all of them, as
    secondary suppression needs the whole period), ``None`` everything.

    One row per group, period (code, start, end), source kind and category: ``total`` (sum
    of the numerators for a rate, of the values otherwise), ``mean`` (mean of the values;
    null for a rate), ``denominator`` (sum of the denominators; null unless a rate) and
    ``n_organisations`` contributing."""
    groups = {g: sorted(set(ids)) for g, ids in groups.items() if ids}
    if not groups:
        return pl.DataFrame(schema=_POOLED_SCHEMA)
    is_rate = indicator.value_type == ValueType.RATE
    codes = [indicator.numerator_code, indicator.denominator_code] if is_rate else [indicator.code]
    everyone = sorted({org for ids in groups.values() for org in ids})
    from_cells = as_of is None and session.get_bind().dialect.name == "postgresql"
    source = _latest_from_cells if from_cells else _latest_from_rows
    parts, denominators = source(indicator, codes, everyone, as_of, category)
    if is_rate:
        # each numerator cell with its organisation's total denominators of the period (a
        # join in effect, done with a window so that no join estimate can go wrong)
        numerator_cells = union_all(*parts).subquery("numerator_cells")
        n = numerator_cells.c
        both = union_all(
            select(
                n.org,
                n.period_code,
                n.period_start,
                n.period_end,
                n.source_kind,
                n.category,
                n.figure,
                literal(0).label("is_den"),
            ),
            denominators,
        ).subquery("both")
        b = both.c
        per_period = [b.org, b.period_code]
        n_den = func.count(case((b.is_den == 1, 1))).over(partition_by=per_period)
        den_sum = func.sum(case((b.is_den == 1, b.figure))).over(partition_by=per_period)
        paired = select(
            b.org, b.period_code, b.period_start, b.period_end, b.source_kind, b.category,
            b.is_den, (b.figure * n_den).label("figure"), den_sum.label("den"),
            n_den.label("n_den"),
        ).subquery("paired")  # fmt: skip
        cells = select(paired).where(paired.c.is_den == 0, paired.c.n_den > 0).cte("cells")
        measures = [
            func.coalesce(func.sum(cells.c.figure), 0.0).label("total"),
            cast(literal(None), Float).label("mean"),
            func.coalesce(func.sum(cells.c.den), 0.0).label("denominator"),
        ]
    else:
        cells = union_all(*parts).cte("cells")
        measures = [
            func.coalesce(func.sum(cells.c.figure), 0.0).label("total"),
            func.avg(cells.c.figure).label("mean"),
            cast(literal(None), Float).label("denominator"),
        ]
    pooled_keys = [cells.c.period_code, cells.c.period_start, cells.c.period_end]
    pooled_keys += [cells.c.source_kind, cells.c.category]
    source = cells
    per_group = [
        select(
            literal(group).label("group"),
            *pooled_keys,
            *measures,
            func.count(cells.c.org.distinct()).label("n_organisations"),
        )
        .select_from(source)
        .where(cells.c.org.in_(ids))
        .group_by(*pooled_keys)
        for group, ids in groups.items()
    ]
    statement = per_group[0] if len(per_group) == 1 else union_all(*per_group)
    frame = _frame(session, statement, _POOLED_SCHEMA)
    return frame.sort(["group", "period_start", "source_kind", "category"])


_CELL_KEYS = ("org", "period_code", "period_start", "period_end", "source_kind")


def _latest_from_rows(
    indicator: Indicator,
    codes: list[str],
    organisation_ids: list[int],
    as_of: datetime | None,
    category: str | None,
) -> tuple[list, Select | None]:
    """The numerator parts (sent totals, derived totals, categories) and the denominator
    rows of :func:`pooled_aggregates`, ranked from aggregate_measurement (any moment)."""
    a, i = AggregateMeasurement, Indicator
    is_rate = indicator.value_type == ValueType.RATE
    series = [a.organisation_id, i.code, a.period_code, a.category, a.source_kind]
    latest_first = func.row_number().over(
        partition_by=series, order_by=[a.recorded_at.desc(), a.id.desc()]
    )
    if is_rate:
        figure = a.value
    else:  # a proportion sent as numerator and denominator only
        figure = case(
            (
                and_(a.value.is_(None), a.denominator > 0),
                cast(a.numerator, Float) / a.denominator * 100,
            ),
            else_=a.value,
        )
    ranked = (
        select(
            a.organisation_id.label("org"),
            i.code.label("code"),
            a.period_code,
            a.period_start,
            a.period_end,
            a.category,
            a.source_kind,
            figure.label("figure"),
            latest_first.label("rank"),
        )
        .join(i, i.id == a.indicator_id)
        .where(i.code.in_(codes), _current(a, as_of), a.organisation_id.in_(organisation_ids))
        .cte("ranked")
    )
    latest = select(ranked).where(ranked.c.rank == 1, ranked.c.code == codes[0]).cte("latest")
    cell_columns = [latest.c[k] for k in _CELL_KEYS]
    parts = []
    if category is None or category == "":
        sent = select(*cell_columns, latest.c.category, latest.c.figure).where(
            latest.c.category == ""
        )
        # one pass: per organisation and period, the categories where no total was sent
        is_part = latest.c.category != ""
        part = case((is_part, latest.c.figure))
        if indicator.value_type in (ValueType.RATE, ValueType.COUNT):
            combined = func.coalesce(func.sum(part), 0.0)
        else:
            combined = func.avg(part)
        derived = (
            select(*cell_columns, literal("").label("category"), combined.label("figure"))
            .group_by(*cell_columns)
            .having(
                func.count(case((is_part, 1))) > 0,
                func.count(case((~is_part, 1))) == 0,
            )
        )
        parts += [sent, derived]
    if category is None or category != "":
        parts.append(
            select(*cell_columns, latest.c.category, latest.c.figure).where(latest.c.category != "")
        )
    if not is_rate:
        return parts, None
    denominators = select(
        *[ranked.c[k] for k in _CELL_KEYS],
        ranked.c.category,
        ranked.c.figure,
        literal(1).label("is_den"),
    ).where(ranked.c.rank == 1, ranked.c.code == codes[1], ranked.c.category == "")
    return parts, denominators


def _latest_from_cells(
    indicator: Indicator,
    codes: list[str],
    organisation_ids: list[int],
    as_of: datetime | None,
    category: str | None,
) -> tuple[list, Select | None]:
    """The same as :func:`_latest_from_rows` for figures as they are now, read from the
    rollup aggregate_cell (PostgreSQL), where ranking and derived totals are done."""
    del as_of  # the rollup holds the figures of now only
    c = AggregateCell.__table__.alias("cell")  # type: ignore[attr-defined]
    is_rate = indicator.value_type == ValueType.RATE
    keys = [c.c.organisation_id.label("org"), *[c.c[k] for k in _CELL_KEYS[1:]]]
    if is_rate:
        sent_figure, derived_figure = c.c.value, func.coalesce(c.c.parts_value_sum, 0.0)
    elif indicator.value_type == ValueType.COUNT:
        sent_figure, derived_figure = c.c.figure, func.coalesce(c.c.parts_figure_sum, 0.0)
    else:
        sent_figure, derived_figure = c.c.figure, c.c.parts_figure_mean
    figure = case((c.c.derived, derived_figure), else_=sent_figure)
    mine = and_(c.c.indicator_code == codes[0], c.c.organisation_id.in_(organisation_ids))
    if category == "":
        wanted = c.c.category == ""
    elif category is None:
        wanted = true()
    else:
        wanted = c.c.category != ""
    parts = [select(*keys, c.c.category, figure.label("figure")).where(mine, wanted)]
    if not is_rate:
        return parts, None
    denominators = select(
        *keys, c.c.category, c.c.value.label("figure"), literal(1).label("is_den")
    ).where(
        c.c.indicator_code == codes[1],
        c.c.organisation_id.in_(organisation_ids),
        c.c.category == "",
        ~c.c.derived,
    )
    return parts, denominators


def aggregate_series(
    session: Session,
    principal: Principal,
    *,
    indicator_code: str,
    organisation_codes: Sequence[str] | None = None,
    as_of: datetime | None = None,
    source_kind: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
) -> pl.DataFrame:
    """An indicator's published figures per organisation and period (and category, with
    a total where none was sent), as the principal may see them: the figure engine
    (:mod:`monitor.figures.aggregates`) with disclosure control applied.

    Columns: organisation_code, organisation_name, organisation_kind, indicator_code,
    indicator_version, period_code, period_start, period_end, category, value, numerator,
    denominator, source_kind, recorded_at, suppressed, reason."""
    indicator = get_indicator(session, indicator_code)
    org_ids = visible_organisation_ids(session, principal, organisation_codes)
    parts = stored_aggregates(
        session,
        indicator_codes=codes_needed(indicator),
        organisation_ids=org_ids,
        as_of=as_of,
        source_kind=source_kind,
        period_from=period_from,
        period_to=period_to,
    )
    cells = organisation_cells(parts, indicator)
    figures = publish(cells, indicator, pl.col("organisation_code"))
    own = indicator.numerator_code if indicator.value_type == ValueType.RATE else indicator.code
    about = (
        parts.filter(pl.col("indicator_code") == own)
        .group_by("organisation_code", "period_code", "source_kind")
        .agg(
            pl.col("organisation_name").first(),
            pl.col("organisation_kind").first(),
            pl.col("recorded_at").max(),
            pl.col("reported_by").unique().sort().str.join(", "),
        )
    )
    return (
        figures.join(about, on=["organisation_code", "period_code", "source_kind"], how="left")
        .with_columns(
            pl.lit(indicator.code).alias("indicator_code"),
            pl.lit(indicator.version, dtype=pl.Int64).alias("indicator_version"),
        )
        .select(*_AGGREGATE_SCHEMA, "suppressed", "reason")
        .sort(["organisation_code", "period_start", "category"])
    )


def _scope_condition(scope: CaseScope):  # noqa: ANN202
    """SQL condition selecting the case rows in a principal's scope."""
    if scope.all_rows:
        return None
    clauses = []
    if scope.child_municipality_ids:
        clauses.append(Child.municipality_id.in_(sorted(scope.child_municipality_ids)))
    for org_id, start, end in scope.reporter_windows:
        clauses.append(_window(org_id, start, end, CaseMeasurement.observed_on))
    return or_(*clauses) if clauses else false()


def _window(org_id: int, start: date | None, end: date | None, column):  # noqa: ANN001, ANN202
    clause = [CaseMeasurement.reporting_org_id == org_id]
    if start is not None:
        clause.append(column >= start)
    if end is not None:
        clause.append(column < end)
    return and_(*clause)


def _subject_condition(session: Session, organisation: Organisation):  # noqa: ANN202
    """Case rows that belong to an organisation's figures: a municipality's children, a
    network's members' reports while members, or a partner's own reports."""
    kind = OrgKind(organisation.kind)
    if kind is OrgKind.MUNICIPALITY:
        return Child.municipality_id == organisation.id
    if kind.is_network:
        memberships = session.execute(
            select(NetworkMembership).where(NetworkMembership.network_id == organisation.id)
        ).scalars()
        windows = [
            _window(m.member_id, m.valid_from, m.valid_to, CaseMeasurement.observed_on)
            for m in memberships
        ]
        return or_(*windows) if windows else false()
    return CaseMeasurement.reporting_org_id == organisation.id


_CASE_SCHEMA = {
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


def _indicator_ids(session: Session, codes: Sequence[str]) -> list[int]:
    """Ids of every version of the indicators ``codes``."""
    return list(
        session.execute(select(Indicator.id).where(Indicator.code.in_(list(codes)))).scalars()
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
    (organisation,) = _organisations(session, [organisation_code])
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    c, ch, o = CaseMeasurement, Child, Organisation
    # the indicator's ids (all versions) as constants, so that the planner can use them in
    # ix_case_org_indicator_date next to the reporting organisation
    indicator_ids = _indicator_ids(session, [indicator_code])
    statement = (
        select(
            c.child_id,
            c.observed_on,
            c.end_date,
            c.value,
            c.category,
            c.end_reason,
            c.source_kind,
            o.code,
            ch.birth_month,
            ch.sex,
        )
        .join(ch, ch.id == c.child_id)
        .join(o, o.id == c.reporting_org_id)
        .where(
            c.indicator_id.in_(indicator_ids) if indicator_ids else false(),
            _current(c, as_of),
            c.child_id.in_(children)
            if children is not None
            else _subject_condition(session, organisation),
        )
    )
    # the organisation's own subject rule keeps to the principal's case scope; a network's
    # pupils (``children``) are the network's figures, which whoever may view it sees
    scope = _scope_condition(principal.case_scope) if children is None else None
    if scope is not None:
        statement = statement.where(scope)
    if date_from:
        statement = statement.where(or_(c.observed_on >= date_from, c.end_date >= date_from))
    if date_to:
        statement = statement.where(c.observed_on <= date_to)
    if started_from:
        statement = statement.where(c.observed_on >= started_from)
    if source_kind:
        statement = statement.where(c.source_kind == source_kind)
    return _frame(session, statement, _CASE_SCHEMA)


def _pupil_rows(session: Session, network: Organisation, start: date, end: date):  # noqa: ANN202
    """Conditions on case rows reported by the network's member schools while members,
    observed in [start, end]."""
    c, m, o = CaseMeasurement, NetworkMembership, Organisation
    schools = select(m.member_id, m.valid_from, m.valid_to).join(o, o.id == m.member_id)
    schools = schools.where(m.network_id == network.id, o.kind == OrgKind.SCHOOL.value)
    windows = [
        _window(member, valid_from, valid_to, c.observed_on)
        for member, valid_from, valid_to in session.execute(schools).all()
    ]
    return [or_(*windows) if windows else false(), c.observed_on >= start, c.observed_on <= end]


def network_pupils(
    session: Session, network: Organisation, start: date, end: date, as_of: datetime | None
) -> Select:
    """Ids of children who attended one of ``network``'s member schools (the school
    reported about them while a member) between ``start`` and ``end``: the network's
    children, as NW_SIGNAL and NW_REF count them."""
    c = CaseMeasurement
    return (
        select(c.child_id)
        .where(*_pupil_rows(session, network, start, end), _current(c, as_of))
        .distinct()
    )


def network_pupil_months(
    session: Session, network: Organisation, start: date, end: date, as_of: datetime | None
) -> pl.DataFrame:
    """(child_id, month) of the months each child attended a member school of
    ``network`` between ``start`` and ``end`` (month = its first day)."""
    c = CaseMeasurement
    statement = (
        select(c.child_id, c.observed_on)
        .where(*_pupil_rows(session, network, start, end), _current(c, as_of))
        .distinct()
    )
    frame = _frame(session, statement, {"child_id": pl.Int64, "observed_on": pl.Date})
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


def events(
    session: Session, principal: Principal, *, organisation_codes: Sequence[str]
) -> pl.DataFrame:
    """Events of the given organisations (the principal must be allowed to view each)."""
    org_ids = visible_organisation_ids(session, principal, organisation_codes)
    e, o = Event, Organisation
    statement = (
        select(o.code, e.event_date, e.kind, e.title, e.description)
        .join(o, o.id == e.organisation_id)
        .where(e.organisation_id.in_(org_ids))
        .order_by(e.event_date)
    )
    schema = {
        "organisation_code": pl.String,
        "event_date": pl.Date,
        "kind": pl.String,
        "title": pl.String,
        "description": pl.String,
    }
    return _frame(session, statement, schema)


_EXTRACT_SCHEMA = {
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
    municipality = Organisation.__table__.alias("municipality")
    statement = (
        select(
            ch.pseudonym,
            ch.birth_month,
            ch.sex,
            municipality.c.code,
            i.code,
            i.version,
            c.observed_on,
            c.end_date,
            c.value,
            c.category,
            c.end_reason,
            c.source_kind,
            o.code,
            c.recorded_at,
        )
        .join(i, i.id == c.indicator_id)
        .join(ch, ch.id == c.child_id)
        .join(o, o.id == c.reporting_org_id)
        .outerjoin(municipality, municipality.c.id == ch.municipality_id)
        .where(i.code.in_(list(indicator_codes)), _current(c, as_of))
        .order_by(ch.pseudonym, c.observed_on)
    )
    scope = _scope_condition(principal.research_case_scope)
    if scope is not None:
        statement = statement.where(scope)
    if date_from:
        statement = statement.where(c.observed_on >= date_from)
    if date_to:
        statement = statement.where(c.observed_on <= date_to)
    frame = _frame(session, statement, _EXTRACT_SCHEMA)
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
        select(ch.pseudonym, o.code, p.valid_from, p.valid_to, p.intensity, p.intensity_unit)
        .join(ch, ch.id == p.child_id)
        .join(o, o.id == p.network_id)
        .where(_current(p, as_of))
    )
    scope = principal.research_case_scope
    if not scope.all_rows:
        clauses = []
        if scope.child_municipality_ids:
            clauses.append(ch.municipality_id.in_(sorted(scope.child_municipality_ids)))
        members = sorted({org for org, _, _ in scope.reporter_windows})
        if members:
            clauses.append(p.reporting_org_id.in_(members))
            clauses.append(p.network_id.in_(members))
        statement = statement.where(or_(*clauses) if clauses else false())
    schema = {
        "child_pseudonym": pl.String,
        "network_code": pl.String,
        "valid_from": pl.Date,
        "valid_to": pl.Date,
        "intensity": pl.Float64,
        "intensity_unit": pl.String,
    }
    frame = _frame(session, statement, schema)
    audit.record(
        session,
        "extract",
        user_id=principal.user_id,
        username=principal.username,
        target="participation",
        detail={"rows": frame.height, "as_of": as_of},
    )
    return frame
