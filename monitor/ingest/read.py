"""Read submitted files (CSV, XLSX, Parquet, DHIS2 JSON) into an all-text polars frame.

Every column is read as text so that nothing is silently converted (leading zeros of a BSN,
``1,5`` decimal commas); the validators parse and report. Each frame gets ``_row``: the row
number a user sees in a spreadsheet (header = row 1, first data row = row 2).

Refused here, with one clear problem each, for every channel: a file over the
``MAX_UPLOAD_MB`` cap (before reading it), an empty file, UTF-16/UTF-32 or NUL-bearing text
(named, with "save it as UTF-8"), and XLSX formula cells (:mod:`monitor.ingest.sheets`).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from pathlib import Path

import polars as pl

from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.ingest import bounds
from monitor.ingest.sheets import refuse_formulas
from monitor.pseudonym import scrub

ROW = "_row"
SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet", ".json", ".xml")
MB = 1024 * 1024
#: Byte-order marks of the wide Unicode encodings; UTF-32 LE before UTF-16 LE (same start).
_WIDE_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
)
#: Where the NUL bytes of mostly-ASCII text fall, per 4-byte group, in each wide encoding.
_WIDE_PATTERNS = (
    ((False, True, True, True), "UTF-32 (little-endian)"),
    ((True, True, True, False), "UTF-32 (big-endian)"),
    ((False, True, False, True), "UTF-16 (little-endian)"),
    ((True, False, True, False), "UTF-16 (big-endian)"),
)


def checksum_bytes(data: bytes) -> str:
    """SHA-256 hex digest of the submitted bytes (duplicate-file detection)."""
    return hashlib.sha256(data).hexdigest()


def checksum_frame(frame: pl.DataFrame) -> str:
    """Checksum of a frame submitted without a file (API posts, forms): of its CSV text."""
    visible = frame.select([c for c in frame.columns if not c.startswith("_")])
    return checksum_bytes(visible.cast(pl.String).write_csv().encode())


def _unreadable(name: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        problems=[RowProblem(name, None, None, None, scrub(reason))],
        summary=f"{name} could not be read",
    )


def wide_encoding(data: bytes) -> str | None:
    """``"UTF-16 (little-endian)"`` etc. when ``data`` is UTF-16/UTF-32 text (by its BOM or,
    without one, by where its NUL bytes fall); None otherwise."""
    for bom, label in _WIDE_BOMS:
        if data.startswith(bom):
            return label
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 4]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    groups = len(sample) // 4
    zeros = [sample[i::4].count(0) / groups for i in range(4)]
    for pattern, label in _WIDE_PATTERNS:
        if all((z > 0.7) if nul else (z < 0.3) for z, nul in zip(zeros, pattern, strict=True)):
            return label
    return None


def _check_text(data: bytes, name: str, save_as: str) -> None:
    """Refuse, with a reason a user can act on, text that ingest cannot read: UTF-16/32,
    NUL bytes (a binary file), or nothing but blank lines."""
    wide = wide_encoding(data)
    if wide is not None:
        raise _unreadable(name, f"the file is {wide} encoded; save it as {save_as}")
    if b"\x00" in data:
        raise _unreadable(
            name, f"the file contains NUL bytes, so it is not a text file; save it as {save_as}"
        )
    if re.fullmatch(rb"(?:\xef\xbb\xbf)?\s*", data):  # blank; no copy of the data
        raise _unreadable(name, "the file holds no data: no header and no data rows")


def _read_csv(data: bytes, name: str) -> pl.DataFrame:
    _check_text(data, name, "a UTF-8 CSV (Excel: Save As > CSV UTF-8)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data = data.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _unreadable(name, f"not UTF-8 or Windows-1252 text: {exc}") from None
    first_line = data.split(b"\n", 1)[0]
    separator = ";" if first_line.count(b";") > first_line.count(b",") else ","
    bounds.check_text_cells(data, name, separator.encode())
    try:
        return pl.read_csv(
            io.BytesIO(data),
            infer_schema=False,
            separator=separator,
        )
    except pl.exceptions.PolarsError as exc:
        raise _unreadable(name, f"not a readable CSV file: {str(exc).splitlines()[0]}") from None


def _read_xlsx(data: bytes, name: str) -> pl.DataFrame:
    if bounds.check_xlsx(data, name):
        refuse_formulas(data, name)
    try:
        frame = pl.read_excel(io.BytesIO(data), sheet_id=1, infer_schema_length=0)
    except Exception as exc:  # noqa: BLE001 - fastexcel raises its own types
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _unreadable(name, f"not a readable XLSX workbook: {reason}") from None
    # Excel stores dates as date-times; a whole-day value reads as "2024-03-31 00:00:00".
    return frame.with_columns(
        pl.col(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
    )


def _read_parquet(data: bytes, name: str) -> pl.DataFrame:
    bounds.check_parquet(data, name)
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - arrow and polars raise several types
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _unreadable(name, f"not a readable Parquet file: {reason}") from None
    return parquet_as_text(frame, name)


def parquet_as_text(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """A Parquet frame (or chunk) as text; nested columns refused, integer BSNs zero-padded."""
    nested = [str(c) for c, dtype in frame.schema.items() if dtype.is_nested()]
    if nested:
        raise _unreadable(
            name,
            f"column(s) {', '.join(nested)[:200]} hold lists or records, not single values; "
            "write one plain value (text, number or date) per cell",
        )
    casts = []
    for column, dtype in frame.schema.items():
        if column == "bsn" and dtype.is_integer():
            casts.append(pl.col(column).cast(pl.String).str.zfill(9))
        else:  # 3.0 -> "3.0": text parsing downstream accepts it
            casts.append(pl.col(column).cast(pl.String))
    try:
        return frame.select(casts)
    except pl.exceptions.PolarsError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _unreadable(name, f"a column cannot be read as text: {reason}") from None


def _read_json(data: bytes, name: str) -> pl.DataFrame:
    _check_text(data, name, "UTF-8 JSON")
    bounds.check_text_cells(data, name, None)
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable(name, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise _unreadable(
            name, "not usable JSON: it is nested too deeply; send a flat list of rows"
        ) from None
    if isinstance(payload, dict) and isinstance(payload.get("dataValues"), list):
        # DHIS2 may give period, orgUnit, dataSet... once on the set, not on each value
        shared = {
            k: v
            for k, v in payload.items()
            if k in ("dataSet", "period", "orgUnit", "attributeOptionCombo", "completeDate")
            and not isinstance(v, dict | list)
        }
        records = [{**shared, **r} if isinstance(r, dict) else r for r in payload["dataValues"]]
    elif isinstance(payload, list):
        records = payload
    else:
        raise _unreadable(name, 'JSON must be {"dataValues": [...]} or a list of rows')
    if not all(isinstance(r, dict) for r in records):
        raise _unreadable(name, "every row in the JSON must be an object")
    columns: list[str] = []
    for index, record in enumerate(records):
        columns.extend(k for k in record if k not in columns)
        for key, value in record.items():
            if isinstance(value, dict | list):
                raise ValidationFailed(
                    problems=[
                        RowProblem(name, index + 2, str(key), None,
                                   "holds a list or an object; give one plain value")
                    ],
                    summary=f"{name} could not be read",
                )  # fmt: skip
    return pl.DataFrame(
        {c: [None if r.get(c) is None else str(r.get(c)) for r in records] for c in columns},
        schema={c: pl.String for c in columns},
    )


def _read_xml(data: bytes, name: str) -> pl.DataFrame:
    """DHIS2 dataValueSets XML or ADX (:mod:`monitor.ingest.dhis2.xml`)."""
    from monitor.ingest.dhis2.xml import read_xml  # dhis2 reads ROW from here

    _check_text(data, name, "UTF-8 XML")
    return read_xml(data, name)


def read_bytes(data: bytes, name: str) -> pl.DataFrame:
    """Read ``data`` according to the suffix of ``name``; all columns as text, plus ``_row``."""
    if not data:
        raise _unreadable(name, "the file is empty (0 bytes)")
    suffix = Path(name).suffix.lower()
    readers = {
        ".csv": _read_csv,
        ".txt": _read_csv,
        ".xlsx": _read_xlsx,
        ".parquet": _read_parquet,
        ".json": _read_json,
        ".xml": _read_xml,
    }
    reader = readers.get(suffix)
    if reader is None:
        raise _unreadable(
            name, f"unsupported file type {suffix or '(none)'}; use {', '.join(SUFFIXES)}"
        )
    frame = prepare(reader(data, name), name)
    if suffix == ".xml":  # a value's row is its line in the XML file
        frame = frame.with_columns(pl.col("xmlLine").cast(pl.Int64).alias(ROW)).drop("xmlLine")
    return frame


def too_large(name: str, size: int, max_bytes: int) -> ValidationFailed:
    """The refusal of a file over the ``MAX_UPLOAD_MB`` cap, naming its size and the cap."""
    size_mb = math.ceil(size * 100 / MB) / 100
    return ValidationFailed(
        problems=[
            RowProblem(
                name,
                None,
                None,
                None,
                f"the file is {size_mb:.2f} MB, larger than the maximum of "
                f"{max_bytes / MB:g} MB (setting MAX_UPLOAD_MB); split it into smaller "
                "submissions",
            )
        ],
        summary=f"{name} is too large",
    )


def read_file(path: Path | str, max_bytes: int | None = None) -> tuple[pl.DataFrame, str]:
    """Read a submitted file; returns the text frame and the file's checksum.

    A file larger than ``max_bytes`` is refused before any of it is read (by its size on
    disk, and again while reading, should it grow in between)."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"file {path} does not exist")
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            raise too_large(path.name, size, max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_large(path.name, len(data), max_bytes)
    else:
        data = path.read_bytes()
    return read_bytes(data, path.name), checksum_bytes(data)


def prepare(frame: pl.DataFrame, name: str = "input", first_row: int = 2) -> pl.DataFrame:
    """Normalise a raw frame: text columns, trimmed header and cells, empty -> null, ``_row``
    (from ``first_row``: a later chunk of a file starts further down).

    Unnamed columns without any value (trailing separators) are dropped; duplicate names
    and names starting with ``_`` (reserved) are refused."""
    names = [str(c).strip() for c in frame.columns]
    problems = []
    for index, (column, original) in enumerate(zip(names, frame.columns, strict=True)):
        if (
            column == ""
            and frame[original].cast(pl.String).str.strip_chars().replace("", None).null_count()
            < frame.height
        ):
            problems.append(
                RowProblem(name, 1, f"column {index + 1}", None, "column has values but no name")
            )
        elif column.startswith("_"):
            problems.append(
                RowProblem(name, 1, column, None, "column names may not start with '_'")
            )
        elif column and column in names[:index]:
            problems.append(RowProblem(name, 1, column, None, "column name appears more than once"))
    if problems:
        raise ValidationFailed(problems=problems, summary=f"{name}: the header row is not usable")
    kept = [
        (original, column) for original, column in zip(frame.columns, names, strict=True) if column
    ]
    frame = frame.select(
        [
            pl.col(original).cast(pl.String).str.strip_chars().replace("", None).alias(column)
            for original, column in kept
        ]
    )
    return frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))
