"""Checks on uploaded files before they reach ingest: bombs and formulas are refused.

The check itself lives in the ingest core (:mod:`monitor.ingest.sheets`), so the CLI and
the dashboard upload refuse formulas too; the API runs it before ingest so that its answer
stays a 422 ``{"detail": ..., "problems": [...]}`` naming every formula cell.
"""

from __future__ import annotations

from pathlib import Path

from monitor.ingest.bounds import check_xlsx
from monitor.ingest.sheets import MAX_REPORTED, formula_cells, formula_problems
from monitor.ingest.sheets import refuse_formulas as _refuse

__all__ = ["MAX_REPORTED", "formula_cells", "formula_problems", "refuse_formulas"]


def refuse_formulas(path: Path, file_name: str) -> None:
    """Raise :class:`~monitor.errors.ValidationFailed` naming every formula cell of an XLSX
    upload (other file types pass). A workbook that would unpack beyond the limits
    (:mod:`monitor.ingest.bounds`) is refused first, before any of its XML is parsed."""
    if path.suffix.lower() == ".xlsx" and check_xlsx(path, file_name):
        _refuse(path, file_name)
