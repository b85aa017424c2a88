"""Ingest: read submitted files, validate them with polars, pseudonymise, store atomically.

Public API::

    from monitor.ingest import ingest_file, ingest_frame, IngestReport
    report = ingest_file(session, "partner.xlsx", organisation_code="SCH-01")

Layout: :mod:`~monitor.ingest.formats` declares the expected frames;
:mod:`~monitor.ingest.read` reads CSV/XLSX/Parquet/JSON into text frames;
:mod:`~monitor.ingest.validate_case` and :mod:`~monitor.ingest.validate_aggregate` run the
vectorised rules (building blocks in :mod:`~monitor.ingest.rules`);
:mod:`~monitor.ingest.store` writes in bulk with supersession;
:mod:`~monitor.ingest.dhis2` maps DHIS2 data values; :mod:`~monitor.ingest.quality` holds
completeness, cross-indicator rules and outlier flags; :mod:`~monitor.ingest.pipeline`
ties them together in one transaction per batch.
"""

from monitor.ingest.pipeline import ingest_file, ingest_frame
from monitor.ingest.quality import completeness, outliers, rule_violations
from monitor.ingest.report import IngestReport
from monitor.ingest.store import current_filter

__all__ = [
    "IngestReport",
    "completeness",
    "current_filter",
    "ingest_file",
    "ingest_frame",
    "outliers",
    "rule_violations",
]
