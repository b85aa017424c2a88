"""XLSX formula cells are refused: the data sheet must hold plain values.

A formula cell (``=1+1``, ``=HYPERLINK(...)``) holds whatever value the program that last
saved the workbook computed, which need not be what the user sees, and formulas are a
vector for injection when data is exported again. Ingest reads the workbook's first sheet;
every formula cell on it is reported with its sheet row, column letter (plus the header
name when there is one) and the formula itself. Every channel (CLI, dashboard upload, API)
goes through this one check.
"""

from __future__ import annotations

import io
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
#: At most this many formula cells are reported (the rest are counted in the summary).
MAX_REPORTED = 200
_SHOWN = 60


def first_sheet(archive: zipfile.ZipFile) -> str | None:
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


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{_MAIN}t")) for si in root.iter(f"{_MAIN}si")]


def _header_text(cell: ElementTree.Element) -> tuple[str, str | None]:
    """(kind, raw text) of a header cell: kind ``s`` means a shared-string index."""
    kind = cell.get("t", "")
    if kind == "inlineStr":
        return "", "".join(t.text or "" for t in cell.iter(f"{_MAIN}t"))
    value = cell.find(f"{_MAIN}v")
    return kind, None if value is None else value.text


def formula_cells(source: bytes | Path | str) -> tuple[list[tuple[int, str, str, str]], int]:
    """Formula cells on the first sheet: ([(row, column letter, header name, formula)], total).

    ``total`` counts every formula cell, the list holds at most :data:`MAX_REPORTED`. A file
    that is not a readable workbook gives ``([], 0)`` (the reader reports that itself)."""
    handle = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
    try:
        with zipfile.ZipFile(handle) as archive:
            sheet = first_sheet(archive)
            if sheet is None or sheet not in archive.namelist():
                return [], 0
            found: list[tuple[int, str, str]] = []
            header: dict[str, tuple[str, str | None]] = {}
            total = 0
            with archive.open(sheet) as stream:
                for _event, element in ElementTree.iterparse(stream):
                    if element.tag != f"{_MAIN}c":
                        continue
                    match = _CELL.match(element.get("r", ""))
                    row, column = (int(match[2]), match[1]) if match else (0, "?")
                    if row == 1:
                        header[column] = _header_text(element)
                    formula = element.find(f"{_MAIN}f")
                    if formula is not None:
                        total += 1
                        if len(found) < MAX_REPORTED:
                            text = formula.text or ""
                            shown = f"={text}" if text and not text.startswith("=") else text
                            if len(shown) > _SHOWN:
                                shown = shown[: _SHOWN - 3] + "..."
                            found.append((row, column, shown or "a shared formula"))
                    element.clear()
            strings = _shared_strings(archive) if any(k == "s" for k, _ in header.values()) else []
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return [], 0
    names: dict[str, str] = {}
    for column, (kind, raw) in header.items():
        if kind == "s" and raw is not None and raw.isdigit() and int(raw) < len(strings):
            names[column] = strings[int(raw)].strip()
        elif raw is not None:
            names[column] = raw.strip()
    return [(row, col, names.get(col, ""), text) for row, col, text in found], total


def formula_problems(source: bytes | Path | str, file_name: str) -> list[RowProblem]:
    """One :class:`RowProblem` per formula cell of the first sheet (sheet row, column
    letter, the formula as value and in the reason); [] when there are none."""
    return _problems(source, file_name)[0]


def _problems(source: bytes | Path | str, file_name: str) -> tuple[list[RowProblem], int]:
    cells, total = formula_cells(source)
    problems = []
    for row, column, name, formula in cells:
        where = f"cell {column}{row}" + (f" (column {name})" if name else "")
        problems.append(
            RowProblem(
                file_name,
                row or None,
                column,
                formula,
                f"{where} holds a formula ({formula}); submit values, not formulas "
                "(Excel: Paste Special > Values)",
            )
        )
    if total > len(cells):
        problems.append(
            RowProblem(
                file_name,
                None,
                None,
                None,
                f"... and {total - len(cells)} more formula cell(s); submit values, not formulas",
            )
        )
    return problems, total


def refuse_formulas(source: bytes | Path | str, file_name: str) -> None:
    """Raise :class:`ValidationFailed` naming every formula cell of an XLSX workbook."""
    problems, total = _problems(source, file_name)
    if problems:
        raise ValidationFailed(
            problems=problems,
            summary=f"{file_name}: nothing stored; {total} cell(s) hold formulas, not values",
        )
