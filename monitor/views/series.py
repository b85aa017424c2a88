"""The recent course of every indicator of one organisation, for the overview's KPI tiles
(sparklines): the same figures as the scorecard, computed by the one figure engine."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlmodel import Session

from monitor.figures.aggregates import codes_needed
from monitor.organisations import get_organisation
from monitor.periods import parse_period
from monitor.policy import Action, Principal
from monitor.query import stored_aggregates
from monitor.views.figures import aggregate_indicators, level_of, organisation_figures
from schema import id_of

SCHEMA = pl.Schema(
    {
        "indicator_code": pl.String,
        "source_kind": pl.String,
        "period_code": pl.String,
        "period_start": pl.Date,
        "value": pl.Float64,
        "suppressed": pl.Boolean,
    }
)


def indicator_series(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    period_code: str | None = None,
    last: int = 8,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """The totals (category "") of each of the organisation's indicators over its ``last``
    periods up to ``period_code``, oldest first; withheld values null with ``suppressed``.
    One read of the stored figures, the rates and disclosure as the scorecard has them."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    level = level_of(organisation)
    if level is None:
        return pl.DataFrame(schema=SCHEMA)
    indicators = aggregate_indicators(session, level)
    parts = stored_aggregates(
        session,
        indicator_codes=sorted({c for i in indicators for c in codes_needed(i)}),
        organisation_ids=[id_of(organisation)],
        as_of=as_of,
        period_to=parse_period(period_code).end if period_code else None,
    )
    frames = []
    for indicator in indicators:
        mine = parts.filter(pl.col("indicator_code").is_in(codes_needed(indicator)))
        if mine.is_empty():
            continue
        figures = organisation_figures(mine, indicator).filter(pl.col("category") == "")
        frames.append(
            figures.sort("period_start")
            .group_by("source_kind", maintain_order=True)
            .tail(last)
            .with_columns(pl.lit(indicator.code).alias("indicator_code"))
            .select(list(SCHEMA))
        )
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat(frames).cast(SCHEMA).sort("indicator_code", "source_kind", "period_start")
