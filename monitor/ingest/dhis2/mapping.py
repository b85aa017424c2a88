"""DHIS2 data values (dataValueSets JSON or its CSV form) to the aggregate frame.

A mapping YAML (default: ``dhis2_mapping.yaml`` next to this module, documented there)
maps dataElement -> indicator, orgUnit -> organisation and categoryOptionCombo ->
category; DHIS2 periods (2024S1, 2024Q2, 202403, 2024) become our period codes. The
result then goes through the ordinary aggregate checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml

from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.ingest.read import ROW
from monitor.ingest.rules import Problems, add_missing_columns

DEFAULT_MAPPING = Path(__file__).resolve().parent.parent / "dhis2_mapping.yaml"

#: Column names of the aggregate frame -> the DHIS2 column a problem is reported against.
COLUMN_NAMES = {
    "organisation": "orgUnit",
    "indicator": "dataElement",
    "category": "categoryOptionCombo",
}


@dataclass
class Dhis2Mapping:
    """DHIS2 uid -> our code, per kind."""

    data_elements: dict[str, str] = field(default_factory=dict)
    org_units: dict[str, str] = field(default_factory=dict)
    category_option_combos: dict[str, str] = field(default_factory=dict)
    pass_through: bool = True


def load_mapping(path: Path | str | None = None) -> Dhis2Mapping:
    """Read a mapping YAML; a clear error naming the file when it is malformed."""
    path = Path(path) if path else DEFAULT_MAPPING
    if not path.is_file():
        raise NotFoundError(f"DHIS2 mapping {path} does not exist")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValidationFailed(
            problems=[RowProblem(path.name, None, None, None, f"not valid YAML: {exc}")],
            summary=f"DHIS2 mapping {path.name} could not be read",
        ) from None
    problems = []
    maps: dict[str, dict[str, str]] = {}
    for key in ("data_elements", "org_units", "category_option_combos"):
        value = raw.get(key) or {}
        if not isinstance(value, dict):
            problems.append(RowProblem(path.name, None, key, None, "must be a mapping uid: code"))
            value = {}
        maps[key] = {str(k): "" if v is None else str(v) for k, v in value.items()}
    if problems:
        raise ValidationFailed(problems=problems, summary=f"DHIS2 mapping {path.name} is malformed")
    return Dhis2Mapping(**maps, pass_through=bool(raw.get("pass_through", True)))


def period_expr(column: str) -> pl.Expr:
    """DHIS2 period codes to ours (others are left as they are for the period check)."""
    text = pl.col(column).str.strip_chars()
    return (
        pl.when(text.str.contains(r"^\d{4}S[12]$"))
        .then(text.str.replace(r"^(\d{4})S([12])$", "${1}-H${2}"))
        .when(text.str.contains(r"^\d{4}Q[1-4]$"))
        .then(text.str.replace(r"^(\d{4})Q([1-4])$", "${1}-Q${2}"))
        .when(text.str.contains(r"^\d{4}(0[1-9]|1[0-2])$"))
        .then(text.str.replace(r"^(\d{4})(\d{2})$", "${1}-${2}"))
        .otherwise(text)
    )


_CALENDAR = (
    "the catalogue's periods are calendar years (2024), half years (2024S1), quarters "
    "(2024Q2) and months (202403)"
)


def period_reason(period: pl.Expr) -> pl.Expr:
    """Why a DHIS2 period is refused, by its kind (weekly, daily, financial year...)."""
    text = period.str.strip_chars()
    return (
        pl.when(text.str.contains(r"^\d{4}(Wed|Thu|Sat|Sun|Bi)?W\d{1,2}$"))
        .then(pl.format("weekly period {}: {}; aggregate weeks to months in DHIS2", text,
                        pl.lit(_CALENDAR)))
        .when(text.str.contains(r"^\d{8}$|^\d{4}-\d{2}-\d{2}(/P1D)?$"))
        .then(pl.format("daily period {}: {}; aggregate days to months in DHIS2", text,
                        pl.lit(_CALENDAR)))
        .when(text.str.contains(r"^\d{4}(April|July|Oct|Nov|September|October|November)$"))
        .then(pl.format("financial year {} does not start on 1 January: {}", text,
                        pl.lit(_CALENDAR)))
        .when(text.str.contains(r"^\d{4}(AprilS[12]|NovS[12]|\d{2}B)$"))
        .then(pl.format("period {} (six-monthly from April/November or bi-monthly): {}", text,
                        pl.lit(_CALENDAR)))
        .otherwise(pl.format("unsupported DHIS2 period {}: {}", text, pl.lit(_CALENDAR)))
    )  # fmt: skip


def _mapped(column: str, mapping: dict[str, str], known: list[str], through: bool) -> pl.Expr:
    source = pl.col(column)
    mapped = source.replace_strict(mapping, default=None, return_dtype=pl.String)
    if through:
        mapped = pl.coalesce(mapped, pl.when(source.is_in(known)).then(source))
    return mapped


def to_aggregate(
    frame: pl.DataFrame,
    mapping: Dhis2Mapping,
    *,
    indicator_codes: list[str],
    organisation_codes: list[str],
    category_codes: list[str],
    file_name: str,
) -> tuple[pl.DataFrame, Problems]:
    """Map a DHIS2 frame onto the aggregate columns; unmapped uids are problems."""
    problems = Problems(file_name)
    frame = add_missing_columns(frame, ["categoryOptionCombo", "attributeOptionCombo", "deleted"])
    through = mapping.pass_through
    out = frame.select(
        ROW,
        _mapped("dataElement", mapping.data_elements, indicator_codes, through).alias("indicator"),
        _mapped("orgUnit", mapping.org_units, organisation_codes, through).alias("organisation"),
        period_expr("period").alias("period"),
        "value",
        pl.when(pl.col("categoryOptionCombo").is_null())
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(
            _mapped("categoryOptionCombo", mapping.category_option_combos, category_codes, through)
        )
        .replace("", None)
        .alias("category"),
        pl.col("dataElement").alias("_dataElement"),
        pl.col("orgUnit").alias("_orgUnit"),
        pl.col("categoryOptionCombo").alias("_coc"),
    )
    coc_mapped = pl.col("_coc").is_in(list(mapping.category_option_combos)) | pl.col("_coc").is_in(
        category_codes if through else []
    )
    for column, source, reason in (
        ("indicator", "_dataElement", "dataElement is not in the DHIS2 mapping (data_elements)"),
        ("organisation", "_orgUnit", "orgUnit is not in the DHIS2 mapping (org_units)"),
    ):
        problems.add(
            out,
            pl.col(source).is_not_null() & pl.col(column).is_null(),
            COLUMN_NAMES[column],
            reason,
            pl.col(source),
        )
    problems.add(
        out,
        pl.col("_coc").is_not_null() & ~coc_mapped,
        "categoryOptionCombo",
        "categoryOptionCombo is not in the DHIS2 mapping (category_option_combos)",
        pl.col("_coc"),
    )
    problems.add(
        out,
        pl.col("period").is_not_null()
        & ~pl.col("period").str.contains(r"^\d{4}(-H[12]|-Q[1-4]|-\d{2})?$"),
        "period",
        period_reason(pl.col("period")),
    )
    problems.add(
        frame,
        pl.col("deleted").str.to_lowercase().is_in(["true", "1"]),
        "deleted",
        "DHIS2 marks this value deleted: it is not imported (export without includeDeleted)",
    )
    # Rows already reported for an unmapped uid should not be reported again as "required".
    out = out.with_columns(
        indicator=pl.coalesce("indicator", "_dataElement"),
        organisation=pl.coalesce("organisation", "_orgUnit"),
    )
    return out.drop("_dataElement", "_orgUnit", "_coc"), problems


def rename_problem(problem: RowProblem) -> RowProblem:
    """Report a problem found by the aggregate checks against the DHIS2 column name."""
    column = COLUMN_NAMES.get(problem.column or "", problem.column)
    return RowProblem(
        problem.file, problem.row, column, problem.value, problem.reason, problem.severity
    )
