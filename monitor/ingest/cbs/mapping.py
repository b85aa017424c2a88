"""The mapping files (``tables/*.yaml``, versioned) from a CBS StatLine table to the
catalogue: topic columns to indicators per period type, the regions kept, and a table's
one other dimension — either categories of one indicator (``category_dimension``, e.g.
the referrer) or, for a dimension whose values are different figures (``form_dimension``,
e.g. "Vormen van jeugdzorg": with and without residence), one indicator per value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml

from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.ingest.cbs.statline import StatLineTable

MAPPINGS = Path(__file__).resolve().parent / "tables"


@dataclass
class Form:
    """One value of a form dimension: CBS's key, words its title must contain, and the
    indicator per period type."""

    key: str
    title_contains: str
    indicators: dict[str, str]


@dataclass
class TableMapping:
    """One mapping file: stem -> period type -> indicator; kept regions; fixed period."""

    table: str
    version: int
    columns: dict[str, dict[str, str]]
    regions: dict[str, str]
    period: str | None = None
    #: topics named by their title path in DataProperties instead of their key
    topics_by_title: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the table's category dimension: its title and value title -> catalogue category
    category_dimension: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    #: a dimension whose values are separate indicators: its key, the topic counted, forms
    form_dimension: str | None = None
    form_topic: str | None = None
    forms: list[Form] = field(default_factory=list)


def _malformed(path: Path, column: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        problems=[RowProblem(path.name, None, column, None, reason)],
        summary=f"CBS mapping {path.name} is malformed",
    )


def _forms(path: Path, raw: dict) -> tuple[str | None, str | None, list[Form]]:
    section = raw.get("form_dimension") or {}
    if not section:
        return None, None, []
    if not section.get("key") or not section.get("topic") or not section.get("forms"):
        raise _malformed(path, "form_dimension", "needs key, topic and forms")
    forms = []
    for key, spec in section["forms"].items():
        periods = {str(p): str(c) for p, c in spec.items() if p != "title_contains"}
        if not spec.get("title_contains") or not periods:
            raise _malformed(
                path, f"form_dimension.{key}", "needs title_contains and {period: code}"
            )
        forms.append(Form(str(key), str(spec["title_contains"]), periods))
    return str(section["key"]), str(section["topic"]), forms


def load_mapping(table_id: str, directory: Path | None = None) -> TableMapping:
    """The mapping YAML of ``table_id``; NotFoundError naming the known tables."""
    directory = directory or MAPPINGS
    path = directory / f"{table_id.upper()}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml")))
        raise NotFoundError(f"no mapping for CBS table {table_id}; mapped tables: {known}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    columns = raw.get("columns") or {}
    by_title = raw.get("topics_by_title") or {}
    dimension = raw.get("category_dimension") or {}
    form_key, form_topic, forms = _forms(path, raw)
    if not isinstance(columns, dict) or not (columns or by_title or forms):
        raise _malformed(path, "columns", "needs stem: {period: code}")
    return TableMapping(
        table=str(raw.get("table", table_id)),
        version=int(raw.get("mapping_version", 1)),
        columns={str(k): {str(p): str(c) for p, c in v.items()} for k, v in columns.items()},
        regions={str(k): str(v) for k, v in (raw.get("regions") or {}).items()},
        period=str(raw["period"]) if raw.get("period") else None,
        topics_by_title={
            str(k): {str(p): str(c) for p, c in v.items()} for k, v in by_title.items()
        },
        category_dimension=str(dimension["title"]) if dimension.get("title") else None,
        categories={
            str(k): "" if v is None else str(v)
            for k, v in (dimension.get("categories") or {}).items()
        },
        form_dimension=form_key,
        form_topic=form_topic,
        forms=forms,
    )


def take_forms(table: StatLineTable, mapping: TableMapping) -> tuple[pl.DataFrame, list[str]]:
    """A form-dimension table's rows, each form's count as its own column (the form's key,
    mapped in ``mapping.columns``), and the forms the mapping leaves out (by title where
    the API gave titles). A key whose title in the table does not name the mapped form
    (CBS reused a key) is refused rather than stored under the wrong indicator."""
    wrong = [
        RowProblem(table.source, None, mapping.form_dimension, f"{f.key}: {shown}",
                   f"CBS titles this value '{shown}'; the mapping expects a title with "
                   f"'{f.title_contains}'")
        for f in mapping.forms
        if (shown := table.category_titles.get(f.key))
        and f.title_contains.lower() not in shown.lower()
    ]  # fmt: skip
    if wrong:
        raise ValidationFailed(
            problems=wrong, summary=f"{table.source}: the forms do not match the mapping"
        )
    keys = {f.key for f in mapping.forms}
    mapping.columns.update({f.key: f.indicators for f in mapping.forms})
    rows = table.rows.filter(pl.col("stem") == mapping.form_topic)
    left = sorted(
        {table.category_titles.get(k, k) for k in rows["category_key"].to_list() if k not in keys}
    )
    rows = rows.filter(pl.col("category_key").is_in(sorted(keys))).with_columns(
        pl.col("category_key").alias("column"),
        pl.col("category_key").alias("stem"),
        pl.lit("").alias("category"),
    )
    others = table.rows.filter(pl.col("stem") != mapping.form_topic).with_columns(
        pl.lit("").alias("category")
    )
    return pl.concat([rows, others]), left
