"""Network-level figures: stored aggregate rows, pooled sums, and the published series
(latest value per cell, rates at query time, category totals).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import polars as pl
from sqlalchemy import (
    case,
    false,
    select,
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
from monitor.query.pooled import pooled_aggregates as pooled_aggregates
from schema import (
    AggregateMeasurement,
    Indicator,
    Organisation,
    ValueType,
    table_of,
)

#: Who a published figure is "sent by" in sources: the publisher, not the importer.
PUBLISHER = "CBS StatLine"

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
            # a published figure (CBS StatLine, with its status) is CBS's, whoever imported it
            case((col(a.status).is_not(None), PUBLISHER), else_=reporter.c.code),
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
