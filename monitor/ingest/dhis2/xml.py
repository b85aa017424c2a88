"""DHIS2's XML exports to the DHIS2 frame: dataValueSets XML (DXF 2) and ADX.

dataValueSets XML::

    <dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet="..." period="2024S1"
                  orgUnit="...">
      <dataValue dataElement="..." categoryOptionCombo="..." value="12" storedBy="..."/>
    </dataValueSet>

(also several ``<dataValueSet>`` under a ``<dataValueSets>`` root). ADX (IHE QRPH)::

    <adx xmlns="urn:ihe:qrph:adx:2015">
      <group orgUnit="..." period="2024-01-01/P6M" dataSet="...">
        <dataValue dataElement="..." value="12" REFERRER="huisarts"/>
      </group>
    </adx>

Attributes given on the set or group (period, orgUnit, dataSet, attributeOptionCombo)
apply to every value that does not give its own. An ADX period (start/duration) becomes
the DHIS2 code (2024-01-01/P6M -> 2024S1); an ADX category attribute on a value becomes
its categoryOptionCombo (one category per value). The row of a value is its line in the
file, so problems name the element where it stands.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl
from lxml import etree

from monitor.errors import RowProblem, ValidationFailed

DXF = "http://dhis2.org/schema/dxf/2.0"
ADX = "urn:ihe:qrph:adx:2015"
#: Attributes of a set/group that its values inherit.
INHERITED = ("dataSet", "period", "orgUnit", "attributeOptionCombo", "completeDate")
#: ADX value attributes that are not categories.
ADX_VALUE_FIELDS = ("dataElement", "value", "annotation")
LINE = "xmlLine"


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _refuse(name: str, line: int | None, field: str | None, value: str | None, reason: str):
    return ValidationFailed(
        problems=[RowProblem(name, line, field, value, reason)],
        summary=f"{name} could not be read",
    )


def adx_period(text: str) -> str:
    """ADX ``start/duration`` to a DHIS2 period code; anything else is returned as is, for
    the period check to name (weekly, daily and financial years are not calendar periods
    of the catalogue)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})/P(\d+)([YMWD])", text.strip())
    if not match:
        return text.strip()
    year, month, day, count, unit = match.groups()
    try:
        start = date(int(year), int(month), int(day))
    except ValueError:
        return text.strip()
    n = int(count)
    if unit == "M" and n == 1 and start.day == 1:
        return f"{start.year}{start.month:02d}"
    if unit == "M" and n == 3 and start.day == 1 and start.month in (1, 4, 7, 10):
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if unit == "M" and n == 6 and start.day == 1 and start.month in (1, 7):
        return f"{start.year}S{1 if start.month == 1 else 2}"
    if unit == "Y" and n == 1 and start.day == 1 and start.month == 1:
        return f"{start.year}"
    if unit == "Y" and n == 1 and start.day == 1:
        return f"{start.year}{start.strftime('%B')}"  # a financial year: 2024April
    if (unit == "D" and n == 7) or (unit == "W" and n == 1):
        iso = start.isocalendar()
        return f"{iso.year}W{iso.week}" if start.weekday() == 0 else text.strip()
    if unit == "D" and n == 1:
        return start.strftime("%Y%m%d")
    return text.strip()


def read_xml(data: bytes, name: str) -> pl.DataFrame:
    """A dataValueSets XML or ADX file as DHIS2 rows (text columns plus ``xmlLine``)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise _refuse(name, line, None, None, f"not well-formed XML: {exc.msg}") from None
    kind = _local(root.tag)
    if kind == "adx":
        records = _adx(root, name)
    elif kind in ("dataValueSet", "dataValueSets"):
        sets = [root] if kind == "dataValueSet" else [
            s for s in root if _local(s.tag) == "dataValueSet"
        ]  # fmt: skip
        records = [r for s in sets for r in _value_set(s)]
    else:
        raise _refuse(
            name, root.sourceline, None, kind,
            "not a DHIS2 export: the root element must be dataValueSet, dataValueSets or adx",
        )  # fmt: skip
    if not records:
        raise _refuse(name, None, None, None, "the file holds no dataValue elements")
    columns: list[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    return pl.DataFrame(
        {c: [r.get(c) for r in records] for c in columns}, schema={c: pl.String for c in columns}
    )


def _value_set(element: etree._Element) -> list[dict[str, str]]:
    shared = {k: v for k, v in element.attrib.items() if k in INHERITED}
    out = []
    for value in element.iter(f"{{{DXF}}}dataValue", "dataValue"):
        record = {**shared, **{str(k): str(v) for k, v in value.attrib.items()}}
        if "value" not in record:  # <dataValue ...><value>12</value></dataValue>
            text = value.findtext(f"{{{DXF}}}value") or value.findtext("value")
            if text is not None:
                record["value"] = text.strip()
        record[LINE] = str(value.sourceline)
        out.append(record)
    return out


def _adx(root: etree._Element, name: str) -> list[dict[str, str]]:
    out, problems = [], []
    for group in root:
        if _local(group.tag) != "group":
            continue
        shared = {k: v for k, v in group.attrib.items() if k in INHERITED}
        if "period" in shared:
            shared["period"] = adx_period(shared["period"])
        for value in group:
            if _local(value.tag) != "dataValue":
                continue
            attrs = {str(k): str(v) for k, v in value.attrib.items()}
            categories = {k: v for k, v in attrs.items() if k not in ADX_VALUE_FIELDS}
            record = {**shared, **{k: attrs[k] for k in ("dataElement", "value") if k in attrs}}
            if len(categories) > 1:
                problems.append(
                    RowProblem(
                        name, value.sourceline, ", ".join(categories), None,
                        "more than one ADX category on one value; the catalogue "
                        "disaggregates by one category: send one per data element",
                    )
                )  # fmt: skip
            elif categories:
                record["categoryOptionCombo"] = next(iter(categories.values()))
            if "annotation" in attrs:
                record["comment"] = attrs["annotation"]
            record[LINE] = str(value.sourceline)
            out.append(record)
    if problems:
        raise ValidationFailed(problems=problems, summary=f"{name}: ADX categories not usable")
    return out
