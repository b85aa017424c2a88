"""The declarations of a catalogue file: indicator and category entries, validated by
pydantic, and the validated file as a whole."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from schema import Indicator
from schema.base import Direction, Domain, Level, PeriodType, SourceKind, ValueType

_AGGREGATE_PERIODS = {PeriodType.MONTH, PeriodType.QUARTER, PeriodType.HALF_YEAR, PeriodType.YEAR}


class _Names(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nl: str
    en: str


class CategorySpec(BaseModel):
    """One option in a category list, as written in the YAML."""

    model_config = ConfigDict(extra="forbid")
    code: str
    nl: str
    en: str
    cbs_code: str | None = None
    group: str | None = None


class IndicatorSpec(BaseModel):
    """One indicator entry, as written in the YAML (after applying ``defaults``)."""

    model_config = ConfigDict(extra="forbid")
    code: str
    version: int = 1
    name: _Names
    definition: str
    level: Level
    domain: Domain
    value_type: ValueType
    unit: str = ""
    direction: Direction
    range: tuple[float, float] | None = None
    alert_band: tuple[float, float] | None = None
    period_type: PeriodType
    source_kind: SourceKind = SourceKind.REGISTERED
    category_set: str | None = None
    end_category_set: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    factor: float | None = None
    counts_children: bool = False
    valid_from: date
    source: str = ""
    publisher: str | None = None

    @model_validator(mode="after")
    def _rules(self) -> IndicatorSpec:
        if not self.code.replace("_", "").isalnum() or self.code.upper() != self.code:
            raise ValueError(f"code {self.code!r} must be upper-case letters, digits and _")
        if self.version < 1:
            raise ValueError("version must be 1 or higher")
        if self.range is not None and self.range[0] >= self.range[1]:
            raise ValueError(f"range {list(self.range)}: the minimum must be below the maximum")
        if self.alert_band is not None and self.alert_band[0] >= self.alert_band[1]:
            raise ValueError(f"alert_band {list(self.alert_band)}: low must be below high")
        if self.value_type is ValueType.RATE:
            if not (self.numerator and self.denominator and self.factor):
                raise ValueError("a rate needs numerator, denominator and factor (1, 100, 1000)")
        elif self.numerator or self.denominator or self.factor:
            raise ValueError("numerator/denominator/factor are only for value_type rate")
        if self.value_type is ValueType.CATEGORY and not self.category_set:
            raise ValueError("value_type category needs a category_set")
        if self.level is not Level.CASE and self.period_type not in _AGGREGATE_PERIODS:
            raise ValueError(
                f"period_type {self.period_type.value!r} is for case level; network and "
                "municipality indicators use month, quarter, half_year or year"
            )
        return self

    def definition_hash(self) -> str:
        """Hash of everything that defines what the numbers mean (not names or sources)."""
        keys = [
            "definition",
            "level",
            "domain",
            "value_type",
            "unit",
            "direction",
            "range",
            "period_type",
            "source_kind",
            "category_set",
            "end_category_set",
            "numerator",
            "denominator",
            "factor",
            "counts_children",
            "valid_from",
        ]
        if self.publisher is not None:  # published figures (CBS); earlier hashes unchanged
            keys.append("publisher")
        payload = json.dumps(self.model_dump(mode="json", include=set(keys)), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def to_row(self) -> Indicator:
        """The database row for this version."""
        return Indicator(
            code=self.code,
            version=self.version,
            name_nl=self.name.nl,
            name_en=self.name.en,
            definition=self.definition,
            level=self.level.value,
            domain=self.domain.value,
            value_type=self.value_type.value,
            unit=self.unit,
            direction=self.direction.value,
            min_value=self.range[0] if self.range else None,
            max_value=self.range[1] if self.range else None,
            alert_low=self.alert_band[0] if self.alert_band else None,
            alert_high=self.alert_band[1] if self.alert_band else None,
            period_type=self.period_type.value,
            source_kind=self.source_kind.value,
            category_set=self.category_set,
            end_category_set=self.end_category_set,
            numerator_code=self.numerator,
            denominator_code=self.denominator,
            factor=self.factor,
            counts_children=self.counts_children,
            valid_from=self.valid_from,
            source_reference=self.source,
            publisher=self.publisher,
            definition_hash=self.definition_hash(),
        )


@dataclass
class Catalogue:
    """A validated catalogue file."""

    path: Path
    version: str
    categories: dict[str, list[CategorySpec]]
    indicators: list[IndicatorSpec]
