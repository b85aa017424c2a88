"""What validation needs from the database, loaded once per batch as small polars frames:
the catalogue (all versions), category lists, organisations and network memberships."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Row, select
from sqlmodel import Session, col

from monitor.organisations import get_organisation
from schema import Indicator, IndicatorCategory, NetworkMembership, Organisation

_INDICATOR_SCHEMA = pl.Schema(
    {
        "i_id": pl.Int64,
        "indicator": pl.String,
        "i_version": pl.Int64,
        "i_level": pl.String,
        "i_value_type": pl.String,
        "i_min": pl.Float64,
        "i_max": pl.Float64,
        "i_period_type": pl.String,
        "i_source_kind": pl.String,
        "i_category_set": pl.String,
        "i_end_category_set": pl.String,
        "i_numerator": pl.String,
        "i_denominator": pl.String,
        "i_valid_from": pl.Date,
        "i_retired_on": pl.Date,
        "i_publisher": pl.String,
    }
)


@dataclass
class Context:
    """Reference data for validating one batch from one reporting organisation."""

    org_id: int
    org_code: str
    org_kind: str
    indicators: pl.DataFrame
    categories: pl.DataFrame
    organisations: pl.DataFrame
    memberships: pl.DataFrame
    today: date

    def indicator_codes(self) -> pl.Series:
        """Distinct indicator codes in the catalogue."""
        return self.indicators["indicator"].unique()


def _frame(
    rows: Sequence[Row[Any]], schema: Mapping[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def load_context(session: Session, organisation_code: str, today: date | None = None) -> Context:
    """Load the reference data; NotFoundError when the reporting organisation is unknown."""
    org = get_organisation(session, organisation_code)
    indicators = _frame(
        session.execute(
            select(
                col(Indicator.id),
                col(Indicator.code),
                col(Indicator.version),
                col(Indicator.level),
                col(Indicator.value_type),
                col(Indicator.min_value),
                col(Indicator.max_value),
                col(Indicator.period_type),
                col(Indicator.source_kind),
                col(Indicator.category_set),
                col(Indicator.end_category_set),
                col(Indicator.numerator_code),
                col(Indicator.denominator_code),
                col(Indicator.valid_from),
                col(Indicator.retired_on),
                col(Indicator.publisher),
            )
        ).all(),
        _INDICATOR_SCHEMA,
    )
    categories = _frame(
        session.execute(
            select(col(IndicatorCategory.category_set), col(IndicatorCategory.code))
        ).all(),
        {"category_set": pl.String, "code": pl.String},
    )
    organisations = _frame(
        session.execute(
            select(
                col(Organisation.id),
                col(Organisation.code),
                col(Organisation.kind),
                col(Organisation.municipality_id),
            )
        ).all(),
        {"o_id": pl.Int64, "o_code": pl.String, "o_kind": pl.String, "o_municipality_id": pl.Int64},
    )
    memberships = _frame(
        session.execute(
            select(
                col(NetworkMembership.network_id),
                col(NetworkMembership.member_id),
                col(NetworkMembership.valid_from),
                col(NetworkMembership.valid_to),
            )
        ).all(),
        {
            "m_network_id": pl.Int64,
            "m_member_id": pl.Int64,
            "m_from": pl.Date,
            "m_to": pl.Date,
        },
    )
    assert org.id is not None
    return Context(
        org_id=org.id,
        org_code=org.code,
        org_kind=org.kind,
        indicators=indicators,
        categories=categories,
        organisations=organisations,
        memberships=memberships,
        today=today or date.today(),
    )
