"""``/api/series`` and ``/api/rollups``: figures through the query layer, with access and
disclosure control applied there; ``as_of`` reproduces what was known at a moment."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query

from monitor import query
from monitor.api.deps import CurrentPrincipal, SessionDep
from monitor.api.models import ERRORS, Rollup, RollupRow, Series, SeriesRow, frame_rows
from monitor.api.params import AsOf
from schema import PeriodType, SourceKind

router = APIRouter(tags=["figures"], responses=ERRORS)


class RollupPeriod(StrEnum):
    """Periods a case rollup can be made per."""

    MONTH = PeriodType.MONTH.value
    QUARTER = PeriodType.QUARTER.value
    HALF_YEAR = PeriodType.HALF_YEAR.value
    YEAR = PeriodType.YEAR.value


class RollupBy(StrEnum):
    """Groups a case rollup can be split by."""

    CATEGORY = "category"
    REPORTING_ORG = "reporting_org_code"
    SEX = "sex"
    AGE_GROUP = "age_group"


@router.get("/series/{indicator_code}", response_model=Series)
def aggregate_series(
    indicator_code: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    organisation: Annotated[list[str] | None, Query(description="Organisation codes")] = None,
    as_of: AsOf = None,
    source_kind: SourceKind | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
) -> Series:
    """An aggregate indicator per organisation and period (small counts suppressed)."""
    frame = query.aggregate_series(
        session,
        principal,
        indicator_code=indicator_code,
        organisation_codes=organisation or None,
        as_of=as_of,
        source_kind=source_kind.value if source_kind else None,
        period_from=period_from,
        period_to=period_to,
    )
    rows = [SeriesRow(**row) for row in frame_rows(frame)]
    return Series(indicator_code=indicator_code, as_of=as_of, rows=rows)


@router.get("/rollups/{indicator_code}", response_model=Rollup)
def case_rollup(
    indicator_code: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    organisation: Annotated[str, Query(description="Organisation code")],
    period_type: RollupPeriod = RollupPeriod.HALF_YEAR,
    by: Annotated[list[RollupBy] | None, Query()] = None,
    as_of: AsOf = None,
    date_from: date | None = None,
    date_to: date | None = None,
    source_kind: SourceKind | None = None,
) -> Rollup:
    """Case-level rows of an organisation rolled up per period; never one child."""
    groups = list(dict.fromkeys(b.value for b in by or []))
    frame = query.case_rollup(
        session,
        principal,
        indicator_code=indicator_code,
        organisation_code=organisation,
        period_type=PeriodType(period_type.value),
        by=groups,
        as_of=as_of,
        date_from=date_from,
        date_to=date_to,
        source_kind=source_kind.value if source_kind else None,
    )
    rows = [RollupRow(**row) for row in frame_rows(frame)]
    return Rollup(
        indicator_code=indicator_code, organisation_code=organisation, as_of=as_of, rows=rows
    )
