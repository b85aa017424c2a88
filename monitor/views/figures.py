"""Figures per organisation and period: rates computed from their parts, totals over
categories, pooling over several organisations, with disclosure applied; the small helpers
the other views share (levels, indicator lists, periods, category labels)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from monitor.catalogue import categories, get_indicator
from monitor.disclosure import apply_disclosure
from monitor.organisations import get_organisation
from monitor.periods import parse_period, period_containing, periods_between
from monitor.policy import Action, Principal
from monitor.query import (
    stored_aggregates,
    visible_organisation_ids,
)
from monitor.settings import get_settings
from schema import (
    AggregateMeasurement,
    CaseMeasurement,
    Indicator,
    Organisation,
    OrgKind,
    PeriodType,
    ValueType,
    utcnow,
)

_PERIOD_KEYS = ["period_code", "period_start", "period_end", "source_kind"]
_ORG_KEYS = ["organisation_code", *_PERIOD_KEYS]


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
    query = select(Indicator).where(Indicator.level != "case").order_by(Indicator.code)
    if level:
        query = select(Indicator).where(Indicator.level == level).order_by(Indicator.code)
    newest: dict[str, Indicator] = {}
    for row in session.execute(query).scalars():
        if row.code not in newest or row.version > newest[row.code].version:
            newest[row.code] = row
    return [i for i in newest.values() if i.value_type != ValueType.CATEGORY]


def _codes_needed(indicator: Indicator) -> list[str]:
    if indicator.value_type == ValueType.RATE:
        return [indicator.numerator_code, indicator.denominator_code]
    return [indicator.code]


def _with_totals(cells: pl.DataFrame, value: str, how: str) -> pl.DataFrame:
    """Add a total row (category "") per organisation and period where none was sent:
    the sum (counts) or mean (scores) of the categories."""
    keys = _ORG_KEYS
    sent = cells.filter(pl.col("category") == "").select(keys)
    parts = cells.filter(pl.col("category") != "")
    if parts.is_empty():
        return cells
    agg = pl.col(value).sum() if how == "sum" else pl.col(value).mean()
    extra = {c: pl.col(c).first() for c in cells.columns if c not in {*keys, "category", value}}
    totals = (
        parts.join(sent, on=keys, how="anti")
        .group_by(keys)
        .agg(agg.alias(value), **extra)
        .with_columns(pl.lit("").alias("category"))
        .select(cells.columns)
    )
    return pl.concat([cells, totals], how="vertical_relaxed")


def pool_figures(parts: pl.DataFrame, indicator: Indicator, keys: list[str]) -> pl.DataFrame:
    """Figures of ``indicator`` per ``keys`` + category from stored rows of several
    organisations, with disclosure applied. Columns: keys, category, value, children,
    n_organisations, suppressed."""
    out_schema = {
        **{k: parts.schema[k] for k in keys},
        "category": pl.String,
        "value": pl.Float64,
        "children": pl.Float64,
        "n_organisations": pl.UInt32,
        "suppressed": pl.Boolean,
    }
    if parts.is_empty():
        return pl.DataFrame(schema=out_schema)
    if indicator.value_type == ValueType.RATE:
        numerators = parts.filter(pl.col("indicator_code") == indicator.numerator_code)
        denominators = parts.filter(
            (pl.col("indicator_code") == indicator.denominator_code) & (pl.col("category") == "")
        ).select("organisation_code", "period_code", pl.col("value").alias("den"))
        cells = _with_totals(
            numerators.select(*_ORG_KEYS, "category", pl.col("value").alias("num")), "num", "sum"
        ).join(denominators, on=["organisation_code", "period_code"], how="inner")
        pooled = cells.group_by([*keys, "category"]).agg(
            pl.col("num").sum(),
            pl.col("den").sum(),
            pl.col("organisation_code").n_unique().alias("n_organisations"),
        )
        pooled = pooled.with_columns(
            pl.when(pl.col("den") > 0)
            .then(pl.col("num") / pl.col("den") * (indicator.factor or 1))
            .alias("value"),
            pl.col("num").alias("children"),
        )
    else:
        own_value = (
            pl.when(pl.col("value").is_null() & (pl.col("denominator") > 0))
            .then(pl.col("numerator") / pl.col("denominator") * 100)
            .otherwise(pl.col("value"))
        )
        cells = _with_totals(
            parts.select(*_ORG_KEYS, "category", own_value.alias("value")),
            "value",
            "sum" if indicator.value_type == ValueType.COUNT else "mean",
        )
        pooled = cells.group_by([*keys, "category"]).agg(
            pl.col("value").mean(),
            pl.col("value").sum().alias("children"),
            pl.col("organisation_code").n_unique().alias("n_organisations"),
        )
    return _disclose_pooled(pooled, indicator, keys, out_schema)


def _disclose_pooled(
    pooled: pl.DataFrame, indicator: Indicator, keys: list[str], out_schema: dict
) -> pl.DataFrame:
    """Disclosure control of pooled figures (keys, category, value, children,
    n_organisations and, for a rate, den): counts of children and rates over fewer
    children than the threshold withheld, with secondary suppression across categories."""
    if not indicator.counts_children:
        return pooled.with_columns(
            pl.lit(False).alias("suppressed"), pl.col("children").cast(pl.Float64)
        ).select(list(out_schema))
    categories_part = apply_disclosure(
        pooled.filter(pl.col("category") != ""),
        count_column="children",
        dependent_columns=("value",),
        group_by=tuple(keys),
        rounding=1,
    )
    totals_part = apply_disclosure(
        pooled.filter(pl.col("category") == ""),
        count_column="children",
        dependent_columns=("value",),
        rounding=1,
    )
    out = pl.concat([categories_part, totals_part], how="vertical_relaxed")
    if "den" in out.columns:  # a rate over fewer children than the threshold says too much
        small = (pl.col("den") > 0) & (pl.col("den") < get_settings().disclosure_threshold)
        out = out.with_columns(
            pl.when(small).then(None).otherwise(pl.col("value")).alias("value"),
            (pl.col("suppressed") | small.fill_null(False)).alias("suppressed"),
        )
    return out.with_columns(pl.col("children").cast(pl.Float64)).select(list(out_schema))


def pooled_group_figures(sums: pl.DataFrame, indicator: Indicator) -> pl.DataFrame:
    """Figures per comparison group from the database's sums
    (:func:`monitor.query.pooled_aggregates`): the same values and disclosure as
    :func:`pool_figures` over each group's stored rows with ``_PERIOD_KEYS``.

    Columns: group, _PERIOD_KEYS, category, value, children, n_organisations, suppressed."""
    keys = _PERIOD_KEYS
    out_schema = {
        "group": pl.String,
        "period_code": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "source_kind": pl.String,
        "category": pl.String,
        "value": pl.Float64,
        "children": pl.Float64,
        "n_organisations": pl.UInt32,
        "suppressed": pl.Boolean,
    }
    if sums.is_empty():
        return pl.DataFrame(schema=out_schema)
    if indicator.value_type == ValueType.RATE:
        pooled = sums.select(
            "group",
            *keys,
            "category",
            pl.when(pl.col("denominator") > 0)
            .then(pl.col("total") / pl.col("denominator") * (indicator.factor or 1))
            .alias("value"),
            pl.col("total").alias("children"),
            "n_organisations",
            pl.col("denominator").alias("den"),
        )
    else:
        pooled = sums.select(
            "group",
            *keys,
            "category",
            pl.col("mean").alias("value"),
            pl.col("total").alias("children"),
            "n_organisations",
        )
    group_schema = {k: v for k, v in out_schema.items() if k != "group"}
    frames = [
        _disclose_pooled(part.drop("group"), indicator, keys, group_schema).with_columns(
            pl.lit(group).alias("group")
        )
        for (group,), part in pooled.group_by(["group"], maintain_order=True)
    ]
    return pl.concat(frames, how="vertical_relaxed").select(list(out_schema))


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
    parts = stored_aggregates(
        session,
        indicator_codes=_codes_needed(indicator),
        organisation_ids=org_ids,
        as_of=as_of,
        period_to=period_to,
    )
    return pool_figures(parts, indicator, _ORG_KEYS).sort(["organisation_code", "period_start"])


def available_periods(
    session: Session, principal: Principal, *, organisation_code: str
) -> list[str]:
    """Half-years (or the stored period codes) with figures for the organisation, newest
    first: its aggregates, else the case rows it reported, else the current half-year."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    a, c = AggregateMeasurement, CaseMeasurement
    starts = session.execute(
        select(a.period_code, a.period_start)
        .where(a.organisation_id == organisation.id, a.superseded_at.is_(None))
        .distinct()
    ).all()
    if starts:
        ordered = sorted(set(starts), key=lambda r: r[1], reverse=True)
        return list(dict.fromkeys(code for code, _ in ordered))
    bounds = session.execute(
        select(func.min(c.observed_on), func.max(c.observed_on)).where(
            c.reporting_org_id == organisation.id, c.superseded_at.is_(None)
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
    """Youth care per 1,000 children with and without residence (the care-type groups
    ``met_verblijf`` / ``zonder_verblijf``), pooled from the care-type counts."""
    organisation = get_organisation(session, organisation_code)
    code = "MU_CARE_RATE" if organisation.kind == OrgKind.MUNICIPALITY.value else "NW_CARE_RATE"
    indicator = get_indicator(session, code)
    org_ids = visible_organisation_ids(session, principal, [organisation_code])
    parts = stored_aggregates(
        session, indicator_codes=_codes_needed(indicator), organisation_ids=org_ids, as_of=as_of
    )
    groups = category_groups(session, indicator.category_set or "care_type")
    parts = parts.with_columns(
        pl.when(pl.col("indicator_code") == indicator.numerator_code)
        .then(pl.col("category").replace_strict(groups, default=pl.col("category")))
        .otherwise(pl.col("category"))
        .alias("category")
    ).filter(~((pl.col("indicator_code") == indicator.numerator_code) & (pl.col("category") == "")))
    pooled = pool_figures(parts, indicator, _ORG_KEYS)
    return pooled.filter(pl.col("category") != "").sort("category", "period_start")
