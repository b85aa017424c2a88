"""What the expected frames *are*: columns, whether they are required, what they hold.

These declarations drive the readers, the validators, the templates (``monitor template``)
and the documentation; the checks themselves live in :mod:`monitor.ingest.validate_case`,
:mod:`monitor.ingest.validate_aggregate` and :mod:`monitor.ingest.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.errors import RowProblem, ValidationFailed


@dataclass(frozen=True)
class Column:
    """One column of an input frame."""

    name: str
    required: bool
    description: str
    example: str = ""


CASE_COLUMNS: tuple[Column, ...] = (
    Column("bsn", False, "BSN of the child (9 digits, elfproef); or use child_ref", "123456782"),
    Column("child_ref", False, "your own id of the child, when you do not use the BSN", ""),
    Column("indicator", True, "code of a case-level indicator (see sheet 'indicators')", "CH_ABS"),
    Column("date", True, "observation date, start date for episodes (YYYY-MM-DD)", "2024-03-31"),
    Column("end_date", False, "end date of an episode (YYYY-MM-DD), empty while running", ""),
    Column("value", False, "the value; empty for events; booleans 0/1/true/false/ja/nee", "4.5"),
    Column("category", False, "category code from the indicator's category list", ""),
    Column("end_reason", False, "reason an episode ended (category list end_reason)", ""),
    Column("programme", False, "network code; required for CH_PART participation rows", ""),
    Column("source_kind", False, "registered, survey or observed (default: indicator's)", ""),
    Column("birth_month", False, "YYYY-MM; required on each child's first row", "2014-05"),
    Column("sex", False, "m, f or x; required on each child's first row", "f"),
    Column("municipality", False, "CBS code GMxxxx; required on each child's first row", "GM0363"),
)

AGGREGATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation", True, "code of the network or municipality the figure is about", "GM0363"
    ),
    Column("indicator", True, "code of a network- or municipality-level indicator", "MU_CARE"),
    Column("period", True, "2024-H1, 2024-Q2, 2024-03, 2024 or CBS 2024HJ01, 2024KW02", "2024-H1"),
    Column("value", False, "the figure; or give numerator and denominator", "420"),
    Column("numerator", False, "numerator (e.g. goals met, for NW_GOAL)", ""),
    Column("denominator", False, "denominator (e.g. goals agreed, for NW_GOAL)", ""),
    Column("category", False, "category code from the indicator's category list", "ambulant"),
    Column("source_kind", False, "registered, survey or observed (default: indicator's)", ""),
    Column("status", False, "published figures only: voorlopig, nader_voorlopig or definitief", ""),
)

#: The publisher's status of a published figure (CBS StatLine), from first to final.
PUBLISHED_STATUSES = ("voorlopig", "nader_voorlopig", "definitief")
#: Dutch headers of the aggregate columns (the data-entry template in Dutch); a file with
#: these headers is read as if it had the English ones.
DUTCH_HEADERS: dict[str, str] = {
    "organisatie": "organisation",
    "indicator": "indicator",
    "periode": "period",
    "waarde": "value",
    "teller": "numerator",
    "noemer": "denominator",
    "categorie": "category",
    "bron": "source_kind",
}


def english_headers(columns: list[str]) -> dict[str, str]:
    """Renames of Dutch headers to the aggregate columns (case and spaces ignored), unless
    the English column is there too."""
    present = set(columns)
    renames = {}
    for column in columns:
        english = DUTCH_HEADERS.get(column.strip().lower())
        if english and english != column and english not in present:
            renames[column] = english
    return renames


DHIS2_COLUMNS: tuple[Column, ...] = (
    Column("dataElement", True, "DHIS2 data element uid (mapped to an indicator)", ""),
    Column(
        "period", True, "DHIS2 period: 2024S1, 2024Q2, 202403, 2024 (ADX: 2024-01-01/P6M)", "2024S1"
    ),
    Column("orgUnit", True, "DHIS2 organisation unit uid (mapped to an organisation)", ""),
    Column("categoryOptionCombo", False, "DHIS2 category option combo (mapped to category)", ""),
    Column("attributeOptionCombo", False, "DHIS2 attribute option combo (ignored)", ""),
    Column("value", True, "the figure", "42"),
    # what DHIS2 writes besides: read and ignored (the submission records who sent what when)
    Column("storedBy", False, "DHIS2 user who entered the value (ignored)", ""),
    Column("created", False, "DHIS2 creation time (ignored)", ""),
    Column("lastUpdated", False, "DHIS2 last update time (ignored)", ""),
    Column("comment", False, "DHIS2 comment (ignored)", ""),
    Column("followup", False, "DHIS2 follow-up flag (ignored)", ""),
    Column("deleted", False, "DHIS2 deleted flag: a deleted value is refused", ""),
    Column("dataSet", False, "DHIS2 data set (ignored)", ""),
    Column("completeDate", False, "DHIS2 completion date (ignored)", ""),
)

SHAPES = {"case": CASE_COLUMNS, "aggregate": AGGREGATE_COLUMNS, "dhis2": DHIS2_COLUMNS}

#: Spellings accepted for boolean values (case-insensitive).
TRUE_WORDS = ("1", "1.0", "true", "ja", "yes", "j", "y", "waar")
FALSE_WORDS = ("0", "0.0", "false", "nee", "no", "n", "onwaar")

#: Value types whose rows need a value.
NEEDS_VALUE = ("number", "count", "percentage", "proportion", "scale", "boolean")
#: Value types without a numeric value (the category or the date is the information).
NO_VALUE = ("category",)
#: Default ranges when the catalogue gives none.
DEFAULT_RANGES = {"percentage": (0.0, 100.0), "proportion": (0.0, 1.0), "boolean": (0.0, 1.0)}

PARTICIPATION_INDICATOR = "CH_PART"


def detect_shape(columns: list[str], file_name: str) -> str:
    """Guess the shape from the header; a clear error when it fits none."""
    present = set(columns)
    if "dataElement" in present or "dataelement" in {c.lower() for c in present}:
        return "dhis2"
    if "indicator" in present and present & {"bsn", "child_ref"}:
        return "case"
    if {"organisation", "period"} <= present:
        return "aggregate"
    raise ValidationFailed(
        problems=[
            RowProblem(
                file_name,
                1,
                None,
                ", ".join(columns)[:200],
                "cannot tell the file's shape from its header: a case file has bsn or "
                "child_ref, indicator, date, value; an aggregate file has organisation, "
                "indicator, period, value; a DHIS2 file has dataElement, period, orgUnit, "
                "value (or pass --shape)",
            )
        ],
        summary=f"{file_name}: unknown file shape",
    )


def header_problems(columns: list[str], shape: str, file_name: str) -> list[RowProblem]:
    """Missing required columns and unknown columns, reported against the header row."""
    spec = SHAPES[shape]
    names = {c.name for c in spec}
    problems = [
        RowProblem(file_name, 1, c.name, None, f"required column is missing ({c.description})")
        for c in spec
        if c.required and c.name not in columns
    ]
    if shape == "case" and not {"bsn", "child_ref"} & set(columns):
        problems.append(
            RowProblem(file_name, 1, "bsn", None, "a case file needs a bsn or child_ref column")
        )
    if shape == "aggregate" and not {"value", "numerator"} & set(columns):
        problems.append(
            RowProblem(
                file_name,
                1,
                "value",
                None,
                "an aggregate file needs value or numerator/denominator",
            )
        )
    for column in columns:
        if column not in names:
            problems.append(
                RowProblem(
                    file_name,
                    1,
                    column,
                    None,
                    f"unknown column; the {shape} format has: {', '.join(c.name for c in spec)}",
                )
            )
    return problems
