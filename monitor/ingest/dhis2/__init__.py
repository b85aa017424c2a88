"""DHIS2 in and out: dataValueSets (JSON, CSV, XML) and ADX through a mapping YAML into
the aggregate path (:mod:`~monitor.ingest.dhis2.mapping`, :mod:`~monitor.ingest.dhis2.xml`),
and a period/organisation's published figures back out in the same formats
(:mod:`~monitor.ingest.dhis2.export`).
"""

from __future__ import annotations

import polars as pl

from monitor.ingest.dhis2.mapping import (
    COLUMN_NAMES,
    DEFAULT_MAPPING,
    Dhis2Mapping,
    load_mapping,
    period_expr,
    rename_problem,
    to_aggregate,
)

#: DHIS2's own column names, by their lower-case spelling (DHIS2's CSV export header is
#: lower case: dataelement,period,orgunit,categoryoptioncombo,...).
CAMEL_CASE = {
    name.lower(): name
    for name in (
        "dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo",
        "value", "storedBy", "created", "lastUpdated", "comment", "followup", "deleted",
        "dataSet", "completeDate",
    )
}  # fmt: skip


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """DHIS2 column names in DHIS2's camelCase, whatever their case in the file."""
    return frame.rename(
        {c: CAMEL_CASE[c.lower()] for c in frame.columns if c.lower() in CAMEL_CASE}
    )


__all__ = [
    "CAMEL_CASE",
    "COLUMN_NAMES",
    "DEFAULT_MAPPING",
    "Dhis2Mapping",
    "load_mapping",
    "normalise",
    "period_expr",
    "rename_problem",
    "to_aggregate",
]
