"""What the preparers share: extract columns, participation schema, seasons."""

from __future__ import annotations

import polars as pl

from schema.base import PeriodType

DAYS_PER_YEAR = 365.25

MEASUREMENT_COLUMNS = (
    "child_pseudonym",
    "birth_month",
    "sex",
    "municipality_code",
    "indicator_code",
    "indicator_version",
    "observed_on",
    "end_date",
    "value",
    "category",
    "end_reason",
    "source_kind",
    "reporting_org_code",
    "recorded_at",
)
PARTICIPATION_SCHEMA = {
    "child_pseudonym": pl.String,
    "network_code": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "intensity": pl.Float64,
    "intensity_unit": pl.String,
}
_SEASONS = {
    PeriodType.HALF_YEAR: 2,
    PeriodType.QUARTER: 4,
    PeriodType.MONTH: 12,
    PeriodType.YEAR: 1,
}
