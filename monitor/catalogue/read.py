"""Read a catalogue file: parse the YAML, validate every entry and cross-check them,
reporting every problem at once, by entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from monitor.catalogue.spec import Catalogue, CategorySpec, IndicatorSpec
from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from schema.base import ValueType

DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "indicators.yaml"


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
