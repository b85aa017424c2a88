"""Checks on uploaded files before they reach ingest: spreadsheet formulas are refused.

A formula cell (``=1+1``, ``=HYPERLINK(...)``) holds whatever value the program that last
saved the workbook computed, which need not be what the user sees, and formulas are a
vector for injection when data is exported again. The data sheet (the workbook's first
sheet, the one ingest reads) must hold plain values only.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from monitor.errors import RowProblem, ValidationFailed

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
MAX_REPORTED = 200


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """Path inside the archive of the workbook's first sheet."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        return None
    rel_id = sheet.get(f"{_REL}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def formula_cells(path: Path) -> list[tuple[int, str, str]]:
    """(row, column letter, formula) of formula cells on the first sheet; [] when the file
    is not a readable workbook (ingest then reports that itself)."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheet = _first_sheet(archive)
            if sheet is None or sheet not in archive.namelist():
                return []
            found: list[tuple[int, str, str]] = []
            with archive.open(sheet) as stream:
                for _event, element in ElementTree.iterparse(stream):
                    if element.tag != f"{_MAIN}c":
                        continue
                    formula = element.find(f"{_MAIN}f")
                    if formula is not None:
                        match = _CELL.match(element.get("r", ""))
                        row, column = (int(match[2]), match[1]) if match else (0, "?")
                        found.append((row, column, (formula.text or "")[:60]))
                        if len(found) >= MAX_REPORTED:
                            break
                    element.clear()
            return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return []


def refuse_formulas(path: Path, file_name: str) -> None:
    """Raise :class:`ValidationFailed` naming every formula cell of an XLSX upload."""
    if path.suffix.lower() != ".xlsx":
        return
    cells = formula_cells(path)
    if not cells:
        return
    problems = [
        RowProblem(
            file_name,
            row or None,
            column,
            None,
            "cell holds a formula; paste values only (Excel: Paste Special > Values)",
        )
        for row, column, _formula in cells
    ]
    raise ValidationFailed(
        problems=problems,
        summary=f"{file_name}: nothing stored; {len(cells)} cell(s) hold formulas, not values",
    )
