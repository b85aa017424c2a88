"""Documented templates for partners: the columns with an example row, the indicator list
and the category lists (XLSX: three sheets; CSV: the template plus sibling files)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from sqlmodel import Session, col, select

from monitor.errors import MonitorError
from monitor.ingest.formats import AGGREGATE_COLUMNS, CASE_COLUMNS
from schema import Indicator, IndicatorCategory

_LEVELS = {"case": ("case",), "aggregate": ("network", "municipality")}


def template_frame(shape: str) -> pl.DataFrame:
    """The template's columns with one example row."""
    columns = {"case": CASE_COLUMNS, "aggregate": AGGREGATE_COLUMNS}[shape]
    return pl.DataFrame(
        {c.name: [c.example] for c in columns}, schema={c.name: pl.String for c in columns}
    )


def indicator_frame(session: Session, shape: str) -> pl.DataFrame:
    """The catalogue's indicators for this shape: code, level, type, unit, range, categories."""
    rows = session.exec(
        select(Indicator)
        .where(col(Indicator.level).in_(_LEVELS[shape]))
        .order_by(col(Indicator.level), col(Indicator.code), col(Indicator.version))
    ).all()

    def value_range(i: Indicator) -> str:
        if i.min_value is None and i.max_value is None:
            return ""
        return f"{i.min_value:g} - {i.max_value:g}"

    return pl.DataFrame(
        {
            "code": [i.code for i in rows],
            "version": [i.version for i in rows],
            "level": [i.level for i in rows],
            "value_type": [i.value_type for i in rows],
            "unit": [i.unit for i in rows],
            "range": [value_range(i) for i in rows],
            "period_type": [i.period_type for i in rows],
            "source_kind": [i.source_kind for i in rows],
            "categories": [i.category_set or "" for i in rows],
            "end_reasons": [i.end_category_set or "" for i in rows],
            "submit": [
                f"no: computed as {i.numerator_code} / {i.denominator_code} x {i.factor:g}"
                if i.value_type == "rate"
                else "yes"
                for i in rows
            ],
            "valid_from": [i.valid_from.isoformat() for i in rows],
            "retired_on": [i.retired_on.isoformat() if i.retired_on else "" for i in rows],
            "name_nl": [i.name_nl for i in rows],
            "name_en": [i.name_en for i in rows],
            "definition": [i.definition for i in rows],
        },
        schema_overrides={"version": pl.Int64},
    )


def category_frame(session: Session) -> pl.DataFrame:
    """Every category list with its codes and labels."""
    rows = session.exec(
        select(IndicatorCategory).order_by(
            col(IndicatorCategory.category_set), col(IndicatorCategory.sort_order)
        )
    ).all()
    return pl.DataFrame(
        {
            "category_set": [c.category_set for c in rows],
            "code": [c.code for c in rows],
            "label_nl": [c.label_nl for c in rows],
            "label_en": [c.label_en for c in rows],
            "cbs_code": [c.cbs_code or "" for c in rows],
            "group": [c.group or "" for c in rows],
        },
        schema={
            k: pl.String
            for k in ("category_set", "code", "label_nl", "label_en", "cbs_code", "group")
        },
    )


def write_template(session: Session, shape: str, out: Path) -> list[Path]:
    """Write the template for ``shape`` (case/aggregate) to ``out`` (.xlsx or .csv)."""
    if shape not in _LEVELS:
        raise MonitorError(f"unknown template {shape!r}; use case or aggregate")
    suffix = out.suffix.lower()
    data = template_frame(shape)
    indicators = indicator_frame(session, shape)
    if indicators.height == 0:
        raise MonitorError("the catalogue is empty; run: monitor catalogue load")
    categories = category_frame(session)
    if suffix == ".xlsx":
        columns = {"case": CASE_COLUMNS, "aggregate": AGGREGATE_COLUMNS}[shape]
        with xlsxwriter.Workbook(str(out)) as workbook:
            sheet = workbook.add_worksheet(shape)
            data.write_excel(workbook=workbook, worksheet=shape, autofit=True)
            for index, column in enumerate(columns):
                required = "required" if column.required else "optional"
                sheet.write_comment(0, index, f"{column.name} ({required}): {column.description}")
            indicators.write_excel(workbook=workbook, worksheet="indicators", autofit=True)
            categories.write_excel(workbook=workbook, worksheet="categories", autofit=True)
        return [out]
    if suffix == ".csv":
        stem = out.with_suffix("")
        written = [out, Path(f"{stem}.indicators.csv"), Path(f"{stem}.categories.csv")]
        data.write_csv(written[0])
        indicators.write_csv(written[1])
        categories.write_csv(written[2])
        return written
    raise MonitorError(f"{out.name}: a template is written as .xlsx or .csv")
