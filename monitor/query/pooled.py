"""Pooled aggregates: the latest figure per organisation, period and category summed over
many organisations in the database (for comparison groups), from the stored rows as of any
moment or, for figures as they are now, from the kept cells (``aggregate_cell``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache, partial
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
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlmodel import Session, col

from monitor.figures.aggregates import codes_needed
from monitor.query.common import (
    among_parameter,
    array_text,
    current_rows,
    read_frame_unprepared,
)
from schema import (
    AggregateCell,
    AggregateMeasurement,
    Indicator,
    ValueType,
    table_of,
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
    return pooled_aggregates_of(session, [(indicator, groups)], as_of=as_of, category=category)


def pooled_aggregates_of(
    session: Session,
    requests: Sequence[tuple[Indicator, Mapping[str, Sequence[int]]]],
    *,
    as_of: datetime | None = None,
    category: str | None = None,
) -> pl.DataFrame:
    """:func:`pooled_aggregates` of several indicators (each with its groups; group names
    unique across them) in one statement, one round trip to the database.

    The organisations are parameters of the statement, so that its text (built once per
    shape for figures as they are now) and its compiled form are reused."""
    dialect = session.get_bind().dialect.name
    shapes, organisations = [], {}
    for number, (indicator, groups) in enumerate(requests):
        kept = {g: sorted(set(ids)) for g, ids in groups.items() if ids}
        if not kept:
            continue
        suffix = f"_{number}"
        names = tuple(kept)
        shapes.append((ValueType(indicator.value_type), tuple(codes_needed(indicator)), names))
        organisations[f"everyone{suffix}"] = sorted({o for ids in kept.values() for o in ids})
        organisations.update({f"group{suffix}_{k}": ids for k, ids in enumerate(kept.values())})
    parameters: dict[str, Any] = dict(organisations)
    if dialect == "postgresql":
        parameters = {name: array_text(ids) for name, ids in organisations.items()}
    if not shapes:
        return pl.DataFrame(schema=_POOLED_SCHEMA)
    if as_of is None:
        statement = _statement_now(dialect, tuple(shapes), category)
    else:
        statement = _statement(dialect, tuple(shapes), category, as_of)
    frame = read_frame_unprepared(session, statement, _POOLED_SCHEMA, parameters)
    return frame.sort(["group", "period_start", "source_kind", "category"])


#: value type, codes needed, group names: what a pooled statement is built from
_Shape = tuple[ValueType, tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=256)
def _statement_now(dialect: str, shapes: tuple[_Shape, ...], category: str | None) -> Any:
    """:func:`_statement` as of now, built once per shape."""
    return _statement(dialect, shapes, category, None)


def _statement(
    dialect: str, shapes: tuple[_Shape, ...], category: str | None, as_of: datetime | None
) -> Any:
    """One flat UNION ALL (SQLite takes no nested one) of one select per group."""
    per_group = [
        select_group
        for number, (value_type, codes, names) in enumerate(shapes)
        for select_group in _pooled(
            dialect, value_type, list(codes), names, as_of, category, f"_{number}"
        )
    ]
    return per_group[0] if len(per_group) == 1 else union_all(*per_group)


def _pooled(
    dialect: str,
    value_type: ValueType,
    codes: list[str],
    names: tuple[str, ...],
    as_of: datetime | None,
    category: str | None,
    suffix: str,
) -> list[Select]:
    """The statements of :func:`pooled_aggregates` for one indicator, one per group
    (organisations: parameters ``everyone{suffix}``, ``group{suffix}_{k}``); ``suffix``
    keeps their common table expressions apart from another indicator's."""
    is_rate = value_type == ValueType.RATE
    from_cells = as_of is None and dialect == "postgresql"
    latest_cells = _latest_from_cells if from_cells else _latest_from_rows
    belongs = partial(among_parameter, name=f"everyone{suffix}", dialect=dialect)
    parts, denominators = latest_cells(value_type, codes, belongs, as_of, category, suffix)
    if is_rate:
        assert denominators is not None  # both sources return a rate's denominators
        # each numerator cell with its organisation's total denominators of the period:
        # the denominators counted and summed per organisation and period first, so the
        # join meets one row per cell (a cell without a denominator drops out)
        numerator_cells = union_all(*parts).subquery("numerator_cells")
        n = numerator_cells.c
        d = denominators.subquery("denominator_rows").c
        per_period = (
            select(
                d.org,
                d.period_code,
                func.count().label("n_den"),
                func.sum(d.figure).label("den"),
            )
            .group_by(d.org, d.period_code)
            .subquery("per_period")
        )
        p = per_period.c
        same_period = and_(p.org == n.org, p.period_code == n.period_code)
        cells = (
            select(
                n.org, n.period_code, n.period_start, n.period_end, n.source_kind, n.category,
                (n.figure * p.n_den).label("figure"), p.den,
            )
            .join_from(numerator_cells, per_period, same_period)
            .cte(f"cells{suffix}")
        )  # fmt: skip
        measures = [
            func.coalesce(func.sum(cells.c.figure), 0.0).label("total"),
            cast(literal(None), Float).label("mean"),
            func.coalesce(func.sum(cells.c.den), 0.0).label("denominator"),
        ]
    else:
        cells = union_all(*parts).cte(f"cells{suffix}")
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
        .where(among_parameter(cells.c.org, f"group{suffix}_{k}", dialect))
        .group_by(*pooled_keys)
        for k, group in enumerate(names)
    ]
    return per_group


_CELL_KEYS = ("org", "period_code", "period_start", "period_end", "source_kind")


def _latest_from_rows(
    value_type: ValueType,
    codes: list[str],
    belongs: Callable[[Any], ColumnElement[bool]],
    as_of: datetime | None,
    category: str | None,
    suffix: str = "",
) -> tuple[list, Select | None]:
    """The numerator parts (sent totals, derived totals, categories) and the denominator
    rows of :func:`pooled_aggregates`, ranked from aggregate_measurement (any moment)."""
    a, i = AggregateMeasurement, Indicator
    is_rate = value_type == ValueType.RATE
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
            belongs(col(a.organisation_id)),
        )
        .cte(f"ranked{suffix}")
    )
    latest = (
        select(ranked).where(ranked.c.rank == 1, ranked.c.code == codes[0]).cte(f"latest{suffix}")
    )
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
        if value_type in (ValueType.RATE, ValueType.COUNT):
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
    ).where(ranked.c.rank == 1, ranked.c.code == codes[1], ranked.c.category == "")
    return parts, denominators


def _latest_from_cells(
    value_type: ValueType,
    codes: list[str],
    belongs: Callable[[Any], ColumnElement[bool]],
    as_of: datetime | None,
    category: str | None,
    suffix: str = "",
) -> tuple[list, Select | None]:
    """The same as :func:`_latest_from_rows` for figures as they are now, read from the
    rollup aggregate_cell (PostgreSQL), where ranking and derived totals are done."""
    del as_of, suffix  # the rollup holds the figures of now only; no named expressions
    c = table_of(AggregateCell).alias("cell")
    is_rate = value_type == ValueType.RATE
    keys = [c.c.organisation_id.label("org"), *[c.c[k] for k in _CELL_KEYS[1:]]]
    sent_figure: ColumnElement[Any]
    derived_figure: ColumnElement[Any]
    if is_rate:
        sent_figure, derived_figure = c.c.value, func.coalesce(c.c.parts_value_sum, 0.0)
    elif value_type == ValueType.COUNT:
        sent_figure, derived_figure = c.c.figure, func.coalesce(c.c.parts_figure_sum, 0.0)
    else:
        sent_figure, derived_figure = c.c.figure, c.c.parts_figure_mean
    figure = case((c.c.derived, derived_figure), else_=sent_figure)
    mine = and_(c.c.indicator_code == codes[0], belongs(c.c.organisation_id))
    if category == "":
        wanted = c.c.category == ""
    elif category is None:
        wanted = true()
    else:
        wanted = c.c.category != ""
    parts = [select(*keys, c.c.category, figure.label("figure")).where(mine, wanted)]
    if not is_rate:
        return parts, None
    denominators = select(*keys, c.c.category, c.c.value.label("figure")).where(
        c.c.indicator_code == codes[1],
        belongs(c.c.organisation_id),
        c.c.category == "",
        ~c.c.derived,
    )
    return parts, denominators
