"""How much a submitted file may expand to: memory per upload is bounded before parsing.

``MAX_UPLOAD_MB`` bounds the bytes that arrive; this module bounds what they turn into.

* **XLSX** (a zip archive): the members' declared sizes must add up to at most
  ``MAX_UNZIPPED_MB``; then every member is decompressed *as a stream* (constant memory;
  :mod:`zipfile` stops at the declared size and checks the CRC, so a size cannot lie) while
  the first sheet is scanned with byte searches (no XML parser) for its number of cells, the
  last row and the widest column. More than ``MAX_UPLOAD_CELLS`` cells, or a used range
  (rows x columns) larger than that — a reader fills the whole rectangle, so two cells at
  A1 and XFD1048576 would need 17 billion — is refused before any XML is parsed.
* **Parquet**: rows x columns from the file's metadata, and the uncompressed size of its
  row groups, before any data page is decoded.
* **CSV / JSON**: lines x fields (CSV) or objects and members (JSON) are counted with byte
  searches before parsing.

Every refusal is one clear problem naming the file, what was found and the setting.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from monitor.errors import RowProblem, ValidationFailed
from monitor.ingest.sheets import first_sheet
from monitor.settings import get_settings

MB = 1024 * 1024
_CHUNK = 4 * MB
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PREFIX = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)="' + re.escape(_MAIN) + rb'"')


def limits() -> tuple[int, int]:
    """(maximum cells, maximum decompressed bytes) from the settings."""
    settings = get_settings()
    return settings.max_upload_cells, settings.max_unzipped_mb * MB


def _refuse(name: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        problems=[RowProblem(name, None, None, None, reason)], summary=f"{name} is too large"
    )


def _too_many_cells(name: str, what: str, cells: int, cap: int) -> ValidationFailed:
    return _refuse(
        name,
        f"{what} {cells:,} cells, more than the maximum of {cap:,} (setting MAX_UPLOAD_CELLS); "
        "split it into smaller submissions",
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _SheetScan:
    """Counts a sheet's cells and finds its used range (last row, widest column), chunk by
    chunk, with byte searches and two literal-prefixed regular expressions."""

    _CELL_REF = re.compile(rb' r="([A-Z]{1,3})(\d{1,7})"')

    def __init__(self, max_cells: int) -> None:
        self.max_cells = max_cells
        self.cells = 0
        self.rows = 0
        self.row_elements = 0
        self.columns = 0
        self.formulas = False
        self.tail = b""
        self.prefix = b""

    def _tags(self, name: bytes) -> tuple[bytes, bytes]:
        return b"<" + self.prefix + name + b" ", b"<" + self.prefix + name + b">"

    def feed(self, chunk: bytes) -> None:
        if not self.tail:
            match = _PREFIX.search(chunk[:4096])
            if match:  # the sheet's elements carry a namespace prefix (<x:c ...>)
                self.prefix = match[1] + b":"
            self._row_ref = re.compile(b"<" + re.escape(self.prefix) + rb'row [^>]*?r="(\d+)"')
        # a tag split between two chunks is seen whole in tail + chunk: keep 64 bytes back,
        # and count only the tags ending in the new part
        text, start = self.tail + chunk, len(self.tail)
        cells = sum(_count_from(text, tag, start) for tag in self._tags(b"c"))
        self.cells += cells
        self.row_elements += sum(_count_from(text, tag, start) for tag in self._tags(b"row"))
        self.formulas = self.formulas or any(tag in text for tag in self._tags(b"f"))
        for match in self._row_ref.finditer(text):
            self.rows = max(self.rows, int(match[1]))
        refs = 0
        for match in self._CELL_REF.finditer(text):
            refs += 1
            self.columns = max(self.columns, _column_number(match[1]))
            self.rows = max(self.rows, int(match[2]))
        if refs < cells:  # cells without a reference sit one after the other in their row
            cell = self._tags(b"c")
            for row in text.split(b"</" + self.prefix + b"row>"):
                self.columns = max(self.columns, row.count(cell[0]) + row.count(cell[1]))
        self.tail = text[-64:]
        if self.cells > self.max_cells:
            raise _StopScan


class _StopScan(Exception):
    """The sheet has more cells than allowed: no need to read the rest."""


def _count_from(text: bytes, tag: bytes, start: int) -> int:
    """Occurrences of ``tag`` in ``text`` that end after ``start`` (not counted before)."""
    return text.count(tag, max(start - len(tag) + 1, 0))


def check_xlsx(source: bytes | Path, name: str) -> bool:
    """Refuse a workbook that would expand beyond the limits; returns whether its first
    sheet holds any formula tag (so that only then is it parsed for them)."""
    max_cells, max_bytes = limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # the reader reports an unreadable workbook itself
    with archive:
        members = archive.infolist()
        declared = sum(m.file_size for m in members)
        if declared > max_bytes:
            raise _refuse(
                name,
                f"the workbook unpacks to {declared / MB:,.0f} MB, more than the maximum of "
                f"{max_bytes / MB:g} MB (setting MAX_UNZIPPED_MB); a normal workbook of this "
                "size unpacks to far less, so it is refused unread",
            )
        try:
            sheet = first_sheet(archive)
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
            return False  # no usable workbook part: the reader reports it unreadable
        scan = _SheetScan(max_cells)
        for member in members:
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        if member.filename == sheet:
                            scan.feed(chunk)
            except _StopScan:
                break
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                # e.g. more data than its declared size (zipfile stops there: bad CRC), or a
                # compression method zipfile does not implement (NotImplementedError)
                raise ValidationFailed(
                    problems=[
                        RowProblem(
                            name, None, None, None,
                            f"not a readable XLSX workbook: its part {member.filename[:80]} "
                            "is damaged or does not match its declared size",
                        )
                    ],
                    summary=f"{name} could not be read",
                ) from None  # fmt: skip
    if scan.cells > max_cells:
        raise _too_many_cells(name, "the first sheet holds", scan.cells, max_cells)
    rows = max(scan.rows, scan.row_elements)
    if rows * max(scan.columns, 1) > max_cells:
        raise _refuse(
            name,
            f"the first sheet's used range is {rows:,} rows by {scan.columns:,} columns, "
            f"more than the maximum of {max_cells:,} cells (setting MAX_UPLOAD_CELLS); "
            "delete the empty rows and columns below and beside the data, or split it",
        )
    return scan.formulas


def check_parquet(data: bytes | Path, name: str) -> None:
    """Refuse a Parquet file (its bytes, or its path) whose metadata promises more than the
    limits."""
    import pyarrow.parquet as pq

    max_cells, max_bytes = limits()
    try:
        meta = pq.ParquetFile(io.BytesIO(data) if isinstance(data, bytes) else data).metadata
    except Exception:  # noqa: BLE001 - arrow raises several types; the reader reports it
        return
    cells = meta.num_rows * meta.num_columns
    if cells > max_cells:
        raise _too_many_cells(
            name,
            f"the file holds {meta.num_rows:,} rows x {meta.num_columns} columns =",
            cells,
            max_cells,
        )
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > max_bytes:
        raise _refuse(
            name,
            f"the file's data unpacks to {unpacked / MB:,.0f} MB, more than the maximum of "
            f"{max_bytes / MB:g} MB (setting MAX_UNZIPPED_MB)",
        )


def check_text_cells(data: bytes, name: str, separator: bytes | None) -> None:
    """Refuse CSV (``separator`` given) or JSON text holding more than MAX_UPLOAD_CELLS
    cells, counted before parsing: lines x fields, or JSON objects plus members."""
    max_cells, _ = limits()
    if separator is not None:
        end = data.find(b"\n")  # the first line, without a copy of the rest
        first = data if end < 0 else data[:end]
        cells = (data.count(b"\n") + 1) * (first.count(separator) + 1)
        what = "the file holds about"
    else:
        cells = data.count(b"{") + data.count(b":") + data.count(b"[")
        what = "the JSON holds about"
    if cells > max_cells:
        raise _too_many_cells(name, what, cells, max_cells)
