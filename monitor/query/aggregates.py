"""Network-level figures: stored aggregate rows, pooled sums, and the published series
(latest value per cell, rates at query time, category totals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    SQLColumnExpression,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlmodel import Session, col

from monitor.catalogue import get_indicator
from monitor.figures.aggregates import codes_needed, organisation_cells, publish
from monitor.policy import Principal
from monitor.query.common import (
    SERIES_KEYS,
    current_rows,
    read_frame,
    visible_organisation_ids,
)
from schema import (
    AggregateCell,
    AggregateMeasurement,
    Indicator,
    Organisation,
    ValueType,
    table_of,
)

_AGGREGATE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
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
    reporter = table_of(Organisation).alias("reporter")
    statement = (
        select(
            col(o.code),
            col(o.name),
            col(o.kind),
            col(i.code),
            col(i.version),
            col(a.period_code),
            col(a.period_start),
            col(a.period_end),
            col(a.category),
            col(a.value),
            col(a.numerator),
            col(a.denominator),
            col(a.source_kind),
            col(a.recorded_at),
            reporter.c.code,
        )
        .join(i, col(i.id) == col(a.indicator_id))
        .join(o, col(o.id) == col(a.organisation_id))
        .join(reporter, reporter.c.id == col(a.reporting_org_id))
        .where(col(i.code).in_(list(indicator_codes)), current_rows(a, as_of))
        .where(col(a.organisation_id).in_(list(organisation_ids)) if organisation_ids else false())
    )
    if source_kind:
        statement = statement.where(col(a.source_kind) == source_kind)
    if reported_by is not None:
        statement = statement.where(col(a.reporting_org_id).in_(list(reported_by)))
    if period_from:
        statement = statement.where(col(a.period_end) >= period_from)
    if period_to:
        statement = statement.where(col(a.period_start) <= period_to)
    frame = read_frame(session, statement, _AGGREGATE_SCHEMA)
    return (
        frame.sort("recorded_at")
        .unique(subset=[*SERIES_KEYS, "indicator_code"], keep="last", maintain_order=True)
        .sort(["organisation_code", "period_start", "category"])
    )


_POOLED_SCHEMA = pl.Schema(
    {
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
)


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
    codes = codes_needed(indicator)
    everyone = sorted({org for ids in groups.values() for org in ids})
    from_cells = as_of is None and session.get_bind().dialect.name == "postgresql"
    latest_cells = _latest_from_cells if from_cells else _latest_from_rows
    parts, denominators = latest_cells(indicator, codes, everyone, as_of, category)
    if is_rate:
        assert denominators is not None  # both sources return a rate's denominators
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
    frame = read_frame(session, statement, _POOLED_SCHEMA)
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
    series = [
        col(a.organisation_id),
        col(i.code),
        col(a.period_code),
        col(a.category),
        col(a.source_kind),
    ]
    latest_first = func.row_number().over(
        partition_by=series, order_by=[col(a.recorded_at).desc(), col(a.id).desc()]
    )
    figure: SQLColumnExpression[Any]
    if is_rate:
        figure = col(a.value)
    else:  # a proportion sent as numerator and denominator only
        figure = case(
            (
                and_(col(a.value).is_(None), col(a.denominator) > 0),
                cast(col(a.numerator), Float) / col(a.denominator) * 100,
            ),
            else_=col(a.value),
        )
    ranked = (
        select(
            col(a.organisation_id).label("org"),
            col(i.code).label("code"),
            col(a.period_code),
            col(a.period_start),
            col(a.period_end),
            col(a.category),
            col(a.source_kind),
            figure.label("figure"),
            latest_first.label("rank"),
        )
        .join(i, col(i.id) == col(a.indicator_id))
        .where(
            col(i.code).in_(codes),
            current_rows(a, as_of),
            col(a.organisation_id).in_(organisation_ids),
        )
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
        combined: ColumnElement[Any]
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
    c = table_of(AggregateCell).alias("cell")
    is_rate = indicator.value_type == ValueType.RATE
    keys = [c.c.organisation_id.label("org"), *[c.c[k] for k in _CELL_KEYS[1:]]]
    sent_figure: ColumnElement[Any]
    derived_figure: ColumnElement[Any]
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
