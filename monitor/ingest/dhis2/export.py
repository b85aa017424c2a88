"""A period's figures of one organisation out to DHIS2: dataValueSets JSON or CSV, or ADX.

The figures are the published ones (the figure engine through
:func:`monitor.views.indicator_figures`: access checked, disclosure applied): a withheld
cell is left out, never written as empty or zero. Only what was reported is exported —
each indicator and category as stored, no derived totals and no rates (DHIS2 computes its
own indicators) — so that the file goes back through the importer unchanged. The mapping
is used backwards: indicator -> dataElement, organisation -> orgUnit, category ->
categoryOptionCombo (with ``pass_through``, a code without a uid is written as it is).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import polars as pl
from sqlmodel import Session

from monitor.errors import NotFoundError
from monitor.ingest.dhis2.mapping import Dhis2Mapping
from monitor.organisations import get_organisation
from monitor.periods import parse_period
from monitor.policy import Principal
from monitor.query import stored_aggregates
from monitor.views.figures import aggregate_indicators, indicator_figures, level_of
from schema import ValueType

FORMATS = ("json", "csv", "adx")
CSV_HEADER = (
    "dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value",
)  # fmt: skip
_ADX_MONTHS = {"year": "P1Y", "half_year": "P6M", "quarter": "P3M", "month": "P1M"}


@dataclass
class Export:
    """The file's text and what was left out."""

    text: str
    values: int
    withheld: int


def dhis2_period(code: str) -> str:
    """Our period code to DHIS2's: 2024-H1 -> 2024S1, 2024-Q2 -> 2024Q2, 2024-03 -> 202403."""
    period = parse_period(code)
    text = period.code
    if "-H" in text:
        return text.replace("-H", "S")
    if "-Q" in text:
        return text.replace("-", "")
    return text.replace("-", "")


def adx_period(code: str) -> str:
    """Our period code as ADX's start/duration: 2024-H1 -> 2024-01-01/P6M."""
    period = parse_period(code)
    return f"{period.start.isoformat()}/{_ADX_MONTHS[period.type.value]}"


def _inverse(forward: dict[str, str], code: str, through: bool, what: str) -> str:
    for uid, mapped in forward.items():
        if mapped == code:
            return uid
    if through:
        return code
    raise NotFoundError(f"{what} {code!r} has no uid in the DHIS2 mapping; add it to export")


def figures_for(
    session: Session, principal: Principal, organisation_code: str, period_code: str
) -> tuple[pl.DataFrame, int]:
    """Reported, published figures of the organisation in the period: (indicator_code,
    category_set, category, value) and the number of withheld cells."""
    organisation = get_organisation(session, organisation_code)
    period = parse_period(period_code)
    indicators = [
        i
        for i in aggregate_indicators(session, level_of(organisation))
        if i.value_type != ValueType.RATE and not i.publisher
    ]
    assert organisation.id is not None
    sent = stored_aggregates(
        session,
        indicator_codes=[i.code for i in indicators],
        organisation_ids=[organisation.id],
        period_from=period.start,
        period_to=period.end,
    ).filter(pl.col("period_code") == period.code)
    rows, withheld = [], 0
    for indicator in indicators:
        mine = sent.filter(pl.col("indicator_code") == indicator.code)
        if mine.is_empty():
            continue
        figures = indicator_figures(
            session,
            principal,
            indicator_code=indicator.code,
            organisation_codes=[organisation_code],
        ).filter(pl.col("period_code") == period.code)
        figures = figures.join(mine.select("category").unique(), on="category", how="semi")
        withheld += figures.filter(pl.col("suppressed") | pl.col("value").is_null()).height
        for row in figures.filter(~pl.col("suppressed") & pl.col("value").is_not_null()).rows(
            named=True
        ):
            rows.append((indicator.code, indicator.category_set, row["category"], row["value"]))
    schema = {"indicator": pl.String, "category_set": pl.String, "category": pl.String,
              "value": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row"), withheld


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def export_values(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    period_code: str,
    mapping: Dhis2Mapping,
    fmt: str = "json",
) -> Export:
    """The organisation's figures of the period as a DHIS2 file (``FORMATS``)."""
    if fmt not in FORMATS:
        raise NotFoundError(f"unknown DHIS2 export format {fmt!r}; use {', '.join(FORMATS)}")
    figures, withheld = figures_for(session, principal, organisation_code, period_code)
    through = mapping.pass_through
    org_unit = _inverse(mapping.org_units, organisation_code, through, "organisation")
    default_coc = _inverse(mapping.category_option_combos, "", True, "category")
    values = []
    for indicator, category_set, category, value in figures.iter_rows():
        values.append(
            {
                "dataElement": _inverse(mapping.data_elements, indicator, through, "indicator"),
                "categoryOptionCombo": _inverse(
                    mapping.category_option_combos, category, through, "category"
                )
                if category
                else default_coc,
                "category_set": category_set or "",
                "value": _number(value),
            }
        )
    period = dhis2_period(period_code)
    if fmt == "json":
        payload = {
            "dataValues": [
                {"dataElement": v["dataElement"], "period": period, "orgUnit": org_unit,
                 "categoryOptionCombo": v["categoryOptionCombo"],
                 "attributeOptionCombo": default_coc, "value": v["value"]}
                for v in values
            ]
        }  # fmt: skip
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for v in values:
            writer.writerow([v["dataElement"], period, org_unit, v["categoryOptionCombo"],
                             default_coc, v["value"]])  # fmt: skip
        text = out.getvalue()
    else:
        text = _adx(values, org_unit, adx_period(period_code), default_coc)
    return Export(text=text, values=len(values), withheld=withheld)


def _adx(values: list[dict[str, str]], org_unit: str, period: str, default_coc: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<adx xmlns="urn:ihe:qrph:adx:2015">',
        f"  <group orgUnit={quoteattr(org_unit)} period={quoteattr(period)}>",
    ]
    for v in values:
        category = ""
        if v["categoryOptionCombo"] != default_coc:
            name = (v["category_set"] or "category").upper()
            category = f" {name}={quoteattr(v['categoryOptionCombo'])}"
        lines.append(
            f"    <dataValue dataElement={quoteattr(v['dataElement'])}{category} "
            f"value={quoteattr(v['value'])}/>"
        )
    lines += ["  </group>", "</adx>", ""]
    return "\n".join(lines)
