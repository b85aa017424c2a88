"""Figures per organisation and period: rates computed from their parts, totals over
categories, pooling over several organisations, with disclosure applied; the small helpers
the other views share (levels, indicator lists, periods, category labels)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session, col

from monitor.catalogue import categories, get_indicator
from monitor.figures.aggregates import (
    check_poolable,
    codes_needed,
    members_text,
    organisation_cells,
    pool_cells,
    publish,
)
from monitor.organisations import get_organisation
from monitor.periods import parse_period, period_containing, periods_between
from monitor.policy import Action, Principal
from monitor.query import (
    require_visible,
    stored_aggregates,
    visible_organisation_ids,
)
from schema import (
    AggregateMeasurement,
    CaseMeasurement,
    Indicator,
    Organisation,
    OrgKind,
    PeriodType,
    ValueType,
    id_of,
    utcnow,
)


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in UTC: "as known on that date"."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def level_of(organisation: Organisation) -> str | None:
    """Indicator level whose figures an organisation has (None for partners)."""
    kind = OrgKind(organisation.kind)
    if kind is OrgKind.MUNICIPALITY:
        return "municipality"
    return "network" if kind.is_network else None


def aggregate_indicators(session: Session, level: str | None = None) -> list[Indicator]:
    """Newest version of each network/municipality indicator (optionally of one level)."""
    query = select(Indicator).where(col(Indicator.level) != "case").order_by(col(Indicator.code))
    if level:
        query = select(Indicator).where(col(Indicator.level) == level).order_by(col(Indicator.code))
    newest: dict[str, Indicator] = {}
    for row in session.execute(query).scalars():
        if row.code not in newest or row.version > newest[row.code].version:
            newest[row.code] = row
    return [i for i in newest.values() if i.value_type != ValueType.CATEGORY]


def organisation_figures(
    parts: pl.DataFrame,
    indicator: Indicator,
    *,
    category_groups: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Published figures of ``indicator`` per organisation, period and category from its
    stored rows (the figure engine, :mod:`monitor.figures.aggregates`). Columns:
    ``ORG_KEYS``, category, value, numerator, denominator, children, n_organisations,
    suppressed, reason."""
    cells = organisation_cells(parts, indicator, category_groups=category_groups)
    return publish(cells, indicator, pl.col("organisation_code"))


def group_figures(
    parts: pl.DataFrame, indicator: Indicator, groups: Mapping[str, Sequence[str]]
) -> pl.DataFrame:
    """Published figures of comparison groups (name -> organisation codes) pooled in
    memory from the members' stored rows: the reference for the database's pooling."""
    cells = organisation_cells(parts, indicator)
    sums = pool_cells(cells, indicator, groups)
    members = {g: members_text(codes) for g, codes in groups.items()}
    return publish(sums, indicator, pl.col("group").replace_strict(members))


def pooled_group_figures(
    sums: pl.DataFrame, indicator: Indicator, members: Mapping[str, Sequence[str]]
) -> pl.DataFrame:
    """Published figures per comparison group from the database's sums
    (:func:`monitor.query.pooled_aggregates`); ``members``: group -> organisation codes.
    The same figures as :func:`group_figures`."""
    check_poolable(indicator)
    texts = {g: members_text(codes) for g, codes in members.items()}
    if sums.is_empty():
        return publish(sums, indicator, pl.lit(""))
    return publish(sums, indicator, pl.col("group").replace_strict(texts, default=""))


def indicator_figures(
    session: Session,
    principal: Principal,
    *,
    indicator_code: str,
    organisation_codes: Sequence[str],
    as_of: datetime | None = None,
    period_to: date | None = None,
) -> pl.DataFrame:
    """An indicator per organisation, period and category, plus a total row (category "")
    for categorised indicators; rates computed at query time, disclosure applied.

    The principal must be allowed to view each organisation (refused otherwise)."""
    indicator = get_indicator(session, indicator_code)
    org_ids = visible_organisation_ids(session, principal, organisation_codes)
    return _figures_of(session, indicator, org_ids, as_of=as_of, period_to=period_to)


def figures_of(
    session: Session,
    principal: Principal,
    *,
    indicator: Indicator,
    organisations: Sequence,
    as_of: datetime | None = None,
    category: str | None = None,
) -> pl.DataFrame:
    """:func:`indicator_figures` of an indicator and organisations (rows with ``id`` and
    ``code``) the caller has already read: one query fewer per request of each.

    ``category``: only that category's figures (``""`` the totals), published alone: the
    same figures as those rows of all of them (publication is cell by cell)."""
    require_visible(principal, organisations)
    ids = [o.id for o in organisations]
    return _figures_of(session, indicator, ids, as_of=as_of, category=category)


def _figures_of(
    session: Session,
    indicator: Indicator,
    organisation_ids: Sequence[int],
    *,
    as_of: datetime | None,
    period_to: date | None = None,
    category: str | None = None,
) -> pl.DataFrame:
    parts = stored_aggregates(
        session,
        indicator_codes=codes_needed(indicator),
        organisation_ids=list(organisation_ids),
        as_of=as_of,
        period_to=period_to,
    )
    cells = organisation_cells(parts, indicator)
    if category is not None:
        cells = cells.filter(pl.col("category") == category)
    figures = publish(cells, indicator, pl.col("organisation_code"))
    return figures.sort(["organisation_code", "period_start"])


def available_periods(
    session: Session, principal: Principal, *, organisation_code: str
) -> list[str]:
    """Half-years (or the stored period codes) with figures for the organisation, newest
    first: its aggregates, else the case rows it reported, else the current half-year."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    a, c = AggregateMeasurement, CaseMeasurement
    starts = session.execute(
        select(col(a.period_code), col(a.period_start))
        .where(col(a.organisation_id) == organisation.id, col(a.superseded_at).is_(None))
        .distinct()
    ).all()
    if starts:
        ordered = sorted(set(starts), key=lambda r: r[1], reverse=True)
        return list(dict.fromkeys(code for code, _ in ordered))
    bounds = session.execute(
        select(func.min(col(c.observed_on)), func.max(col(c.observed_on))).where(
            col(c.reporting_org_id) == organisation.id, col(c.superseded_at).is_(None)
        )
    ).one()
    first, last = bounds if bounds[0] is not None else (utcnow().date(), utcnow().date())
    periods = periods_between(first, last, PeriodType.HALF_YEAR)
    return [p.code for p in reversed(periods)]


def previous_period(period_code: str) -> str:
    """The code of the period of the same type before ``period_code``."""
    period = parse_period(period_code)
    return period_containing(period.start - timedelta(days=1), period.type).code


def category_labels(session: Session, category_set: str, language: str = "nl") -> dict[str, str]:
    """Code -> label of one category list, in catalogue order."""
    return {
        c.code: (c.label_nl if language == "nl" else c.label_en)
        for c in categories(session, category_set)
    }


def category_groups(session: Session, category_set: str) -> dict[str, str]:
    """Code -> group of one category list (e.g. care_type -> met/zonder verblijf)."""
    return {c.code: c.group or "" for c in categories(session, category_set)}


def care_by_residence(
    session: Session, principal: Principal, *, organisation_code: str, as_of: datetime | None = None
) -> pl.DataFrame:
    """Youth care per 1,000 children with and without residence: the care types summed
    into their groups (``met_verblijf`` / ``zonder_verblijf``) per period, over the
    period's one denominator."""
    organisation = get_organisation(session, organisation_code)
    code = "MU_CARE_RATE" if organisation.kind == OrgKind.MUNICIPALITY.value else "NW_CARE_RATE"
    indicator = get_indicator(session, code)
    require_visible(principal, [organisation])
    parts = stored_aggregates(
        session,
        indicator_codes=codes_needed(indicator),
        organisation_ids=[id_of(organisation)],
        as_of=as_of,
    )
    groups = category_groups(session, indicator.category_set or "care_type")
    figures = organisation_figures(parts, indicator, category_groups=groups)
    return figures.filter(pl.col("category") != "").sort("category", "period_start")


def figure_source(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    indicator_codes: Sequence[str],
    as_of: datetime | None = None,
) -> dict:
    """Where an organisation's figures of these indicators come from: their source kinds,
    who sent them and when the latest arrived (as known at ``as_of``, or now)."""
    org_ids = visible_organisation_ids(session, principal, [organisation_code])
    codes = sorted(
        {c for code in indicator_codes for c in codes_needed(get_indicator(session, code))}
    )
    stored = stored_aggregates(
        session, indicator_codes=codes, organisation_ids=org_ids, as_of=as_of
    )
    return {
        "source_kinds": sorted(set(stored["source_kind"])),
        "reported_by": sorted(set(stored["reported_by"].drop_nulls())),
        "recorded_at": stored["recorded_at"].max() if stored.height else None,
        "as_of": as_of,
    }
