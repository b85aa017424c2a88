"""The shared indicator catalogue: validate the YAML file and load it into the database.

A changed definition must be a new version: loading an entry whose ``code`` and ``version``
are already stored with a different definition is refused. Names, source references and
alert bands are labels and may be corrected in place. Loading the same file twice changes
nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlmodel import Session, col, select

from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from schema import Indicator, IndicatorCategory
from schema.base import Direction, Domain, Level, PeriodType, SourceKind, ValueType

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "data" / "indicators.yaml"

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


@dataclass
class CatalogueReport:
    """What a load changed."""

    catalogue_version: str
    indicators_added: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    labels_updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    categories_added: int = 0

    @property
    def changed(self) -> bool:
        """True when the load wrote anything."""
        return bool(
            self.indicators_added
            or self.new_versions
            or self.labels_updated
            or self.categories_added
        )


def read_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate a catalogue file; every problem is reported at once, by entry."""
    path = Path(path) if path else DEFAULT_CATALOGUE
    name = str(path)
    if not path.exists():
        raise NotFoundError(f"catalogue file {name} does not exist")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            problems=[RowProblem(name, None, None, None, f"not valid YAML: {exc}")],
            summary=f"catalogue {name} could not be read",
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list):
        raise ValidationFailed(
            problems=[RowProblem(name, None, "indicators", None, "needs a list 'indicators'")],
            summary=f"catalogue {name} is malformed",
        )
    problems: list[RowProblem] = []
    categories = _read_categories(name, raw.get("categories") or {}, problems)
    defaults: dict[str, Any] = raw.get("defaults") or {}
    indicators: list[IndicatorSpec] = []
    for index, entry in enumerate(raw["indicators"]):
        label = f"indicators[{index}]"
        if isinstance(entry, dict) and "code" in entry:
            label += f" ({entry['code']})"
        if not isinstance(entry, dict):
            problems.append(RowProblem(name, None, label, None, "entry must be a mapping"))
            continue
        try:
            indicators.append(IndicatorSpec.model_validate({**defaults, **entry}))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or None
                reason = err["msg"].removeprefix("Value error, ")
                problems.append(
                    RowProblem(name, None, f"{label} {where or ''}".strip(), None, reason)
                )
    _cross_check(name, indicators, categories, problems)
    if problems:
        raise ValidationFailed(problems=problems, summary=f"catalogue {name} is not valid")
    return Catalogue(path, str(raw.get("catalogue_version", "")), categories, indicators)


def _read_categories(
    name: str, raw: dict[str, Any], problems: list[RowProblem]
) -> dict[str, list[CategorySpec]]:
    result: dict[str, list[CategorySpec]] = {}
    for set_name, options in raw.items():
        seen: set[str] = set()
        result[set_name] = []
        for index, option in enumerate(options or []):
            try:
                spec = CategorySpec.model_validate(option)
            except ValidationError as exc:
                reason = "; ".join(e["msg"] for e in exc.errors())
                problems.append(
                    RowProblem(name, None, f"categories.{set_name}[{index}]", None, reason)
                )
                continue
            if spec.code in seen:
                problems.append(
                    RowProblem(name, None, f"categories.{set_name}", spec.code, "duplicate code")
                )
            seen.add(spec.code)
            result[set_name].append(spec)
    return result


def _cross_check(
    name: str,
    indicators: list[IndicatorSpec],
    categories: dict[str, list[CategorySpec]],
    problems: list[RowProblem],
) -> None:
    seen: set[tuple[str, int]] = set()
    by_code: dict[str, IndicatorSpec] = {}
    for spec in indicators:
        key = (spec.code, spec.version)
        if key in seen:
            problems.append(
                RowProblem(
                    name,
                    None,
                    f"indicator {spec.code}",
                    str(spec.version),
                    f"duplicate code {spec.code} version {spec.version}",
                )
            )
        seen.add(key)
        by_code[spec.code] = spec
    for spec in indicators:
        for set_field in ("category_set", "end_category_set"):
            set_name = getattr(spec, set_field)
            if set_name and set_name not in categories:
                problems.append(
                    RowProblem(
                        name,
                        None,
                        f"indicator {spec.code} {set_field}",
                        set_name,
                        "unknown category list; define it under 'categories'",
                    )
                )
        for part in ("numerator", "denominator"):
            ref = getattr(spec, part)
            if ref is None:
                continue
            target = by_code.get(ref)
            if target is None:
                problems.append(
                    RowProblem(
                        name,
                        None,
                        f"indicator {spec.code} {part}",
                        ref,
                        "refers to an indicator that is not in the catalogue",
                    )
                )
            elif target.level != spec.level or target.value_type is ValueType.RATE:
                problems.append(
                    RowProblem(
                        name,
                        None,
                        f"indicator {spec.code} {part}",
                        ref,
                        "must be a non-rate indicator of the same level",
                    )
                )


def load_catalogue(session: Session, path: Path | str | None = None) -> CatalogueReport:
    """Validate the file and bring the database in line with it (caller commits)."""
    catalogue = read_catalogue(path)
    report = CatalogueReport(catalogue_version=catalogue.version)
    existing_categories = {
        (c.category_set, c.code): c for c in session.exec(select(IndicatorCategory)).all()
    }
    for set_name, options in catalogue.categories.items():
        for order, option in enumerate(options):
            category = existing_categories.get((set_name, option.code))
            if category is None:
                session.add(
                    IndicatorCategory(
                        category_set=set_name,
                        code=option.code,
                        label_nl=option.nl,
                        label_en=option.en,
                        cbs_code=option.cbs_code,
                        group=option.group,
                        sort_order=order,
                    )
                )
                report.categories_added += 1
            else:
                category.label_nl, category.label_en, category.cbs_code = (
                    option.nl,
                    option.en,
                    option.cbs_code,
                )
                category.group, category.sort_order = option.group, order

    stored: dict[tuple[str, int], Indicator] = {
        (i.code, i.version): i for i in session.exec(select(Indicator)).all()
    }
    problems: list[RowProblem] = []
    for spec in sorted(catalogue.indicators, key=lambda s: (s.code, s.version)):
        row = stored.get((spec.code, spec.version))
        if row is None:
            older = [i for (code, _), i in stored.items() if code == spec.code]
            if any(i.version > spec.version for i in older):
                problems.append(
                    RowProblem(
                        str(catalogue.path),
                        None,
                        f"indicator {spec.code}",
                        str(spec.version),
                        "a newer version is already loaded",
                    )
                )
                continue
            new_row = spec.to_row()
            session.add(new_row)
            stored[(spec.code, spec.version)] = new_row
            for previous in older:
                if previous.retired_on is None or previous.retired_on > spec.valid_from:
                    previous.retired_on = spec.valid_from
            (report.new_versions if older else report.indicators_added).append(
                f"{spec.code} v{spec.version}"
            )
        elif row.definition_hash != spec.definition_hash():
            problems.append(
                RowProblem(
                    str(catalogue.path),
                    None,
                    f"indicator {spec.code}",
                    str(spec.version),
                    f"version {spec.version} is already loaded with a different "
                    f"definition; a changed definition must be a new version: "
                    f"set version: {spec.version + 1} and its valid_from",
                )
            )
        else:
            labels = (
                spec.name.nl,
                spec.name.en,
                spec.source,
                spec.alert_band[0] if spec.alert_band else None,
                spec.alert_band[1] if spec.alert_band else None,
            )
            current = (
                row.name_nl,
                row.name_en,
                row.source_reference,
                row.alert_low,
                row.alert_high,
            )
            if labels != current:
                row.name_nl, row.name_en, row.source_reference, row.alert_low, row.alert_high = (
                    labels
                )
                report.labels_updated.append(f"{spec.code} v{spec.version}")
            else:
                report.unchanged += 1
    if problems:
        session.rollback()
        raise ValidationFailed(problems=problems, summary="catalogue conflicts with the database")
    session.flush()
    return report


def indicator_versions(session: Session) -> list[Indicator]:
    """All stored indicator versions, by code and version."""
    return list(
        session.exec(select(Indicator).order_by(col(Indicator.code), col(Indicator.version))).all()
    )


def get_indicator(session: Session, code: str, on: date | None = None) -> Indicator:
    """The version of ``code`` valid on ``on`` (default: the newest); NotFoundError otherwise."""
    rows = session.exec(
        select(Indicator).where(col(Indicator.code) == code).order_by(col(Indicator.version).desc())
    ).all()
    if not rows:
        raise NotFoundError(f"indicator {code!r} is not in the catalogue")
    if on is None:
        return rows[0]
    for row in rows:
        if row.valid_from <= on and (row.retired_on is None or on < row.retired_on):
            return row
    raise NotFoundError(f"indicator {code!r} has no version valid on {on.isoformat()}")


def categories(session: Session, category_set: str) -> list[IndicatorCategory]:
    """The options of one category list, in catalogue order."""
    return list(
        session.exec(
            select(IndicatorCategory)
            .where(col(IndicatorCategory.category_set) == category_set)
            .order_by(col(IndicatorCategory.sort_order))
        ).all()
    )


_NEVER_NEGATIVE = {ValueType.COUNT, ValueType.RATE, ValueType.PERCENTAGE, ValueType.PROPORTION}


def possible_range(indicator: Indicator) -> tuple[float | None, float | None]:
    """The values an indicator can take (low, high; None: unbounded): its catalogue range,
    else 0 and up for counts, rates and shares."""
    low = indicator.min_value
    if low is None and indicator.value_type in _NEVER_NEGATIVE:
        low = 0.0
    return low, indicator.max_value
