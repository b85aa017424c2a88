"""The shared indicator catalogue: indicators (one row per version) and category lists."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from schema.base import (
    Direction,
    Domain,
    Level,
    PeriodType,
    SourceKind,
    ValueType,
    check_in,
    utcnow,
)


class Indicator(SQLModel, table=True):
    """One version of one indicator. A changed definition is a new row with a higher version;
    the earlier version keeps its rows and gets ``retired_on``."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_indicator_code_version"),
        CheckConstraint(check_in("level", Level), name="level"),
        CheckConstraint(check_in("domain", Domain), name="domain"),
        CheckConstraint(check_in("value_type", ValueType), name="value_type"),
        CheckConstraint(check_in("direction", Direction), name="direction"),
        CheckConstraint(check_in("period_type", PeriodType), name="period_type"),
        CheckConstraint(check_in("source_kind", SourceKind), name="source_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True)
    version: int = Field(default=1, ge=1)
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    definition: str = Field(sa_column=Column(Text, nullable=False))
    level: str = Field(max_length=20)
    domain: str = Field(max_length=20)
    value_type: str = Field(max_length=20)
    unit: str = Field(default="", max_length=60)
    direction: str = Field(max_length=20)
    min_value: float | None = None
    max_value: float | None = None
    period_type: str = Field(max_length=20)
    source_kind: str = Field(default=SourceKind.REGISTERED.value, max_length=20)
    category_set: str | None = Field(default=None, max_length=40)
    end_category_set: str | None = Field(default=None, max_length=40)
    numerator_code: str | None = Field(default=None, max_length=40)
    denominator_code: str | None = Field(default=None, max_length=40)
    factor: float | None = None
    counts_children: bool = Field(
        default=False, description="Values are counts of children: subject to disclosure control."
    )
    alert_low: float | None = None
    alert_high: float | None = None
    valid_from: date
    retired_on: date | None = None
    source_reference: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    publisher: str | None = Field(
        default=None,
        max_length=20,
        description="Who publishes the figure (CBS): a published figure, stored as published "
        "and never recomputed or pooled; null for figures the network's partners report.",
    )
    definition_hash: str = Field(max_length=64)
    loaded_at: datetime = Field(default_factory=utcnow)


class IndicatorCategory(SQLModel, table=True):
    """One option of a category list (disaggregation), e.g. referrer ``huisarts`` (CBS 02)."""

    __tablename__ = "indicator_category"
    __table_args__ = (UniqueConstraint("category_set", "code", name="uq_category_set_code"),)

    id: int | None = Field(default=None, primary_key=True)
    category_set: str = Field(max_length=40, index=True)
    code: str = Field(max_length=60)
    label_nl: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    cbs_code: str | None = Field(default=None, max_length=10)
    group: str | None = Field(default=None, max_length=60)
    sort_order: int = 0
