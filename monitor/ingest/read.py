"""Read submitted files (CSV, XLSX, Parquet, DHIS2 JSON) into an all-text polars frame.

Every column is read as text so that nothing is silently converted (leading zeros of a BSN,
``1,5`` decimal commas); the validators parse and report. Each frame gets ``_row``: the row
number a user sees in a spreadsheet (header = row 1, first data row = row 2).
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import polars as pl

from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.pseudonym import scrub

ROW = "_row"
SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet", ".json")


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


def _read_csv(data: bytes, name: str) -> pl.DataFrame:
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
    try:
        return pl.read_csv(
            io.BytesIO(data),
            infer_schema=False,
            separator=separator,
        )
    except pl.exceptions.PolarsError as exc:
        raise _unreadable(name, f"not a readable CSV file: {str(exc).splitlines()[0]}") from None


def _read_xlsx(data: bytes, name: str) -> pl.DataFrame:
    try:
        frame = pl.read_excel(io.BytesIO(data), sheet_id=1, infer_schema_length=0)
    except Exception as exc:  # noqa: BLE001 - fastexcel raises its own types
        raise _unreadable(name, f"not a readable XLSX workbook: {exc}") from None
    # Excel stores dates as date-times; a whole-day value reads as "2024-03-31 00:00:00".
    return frame.with_columns(
        pl.col(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
    )


def _read_parquet(data: bytes, name: str) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - arrow and polars raise several types
        raise _unreadable(name, f"not a readable Parquet file: {exc}") from None
    casts = []
    for column, dtype in frame.schema.items():
        if column == "bsn" and dtype.is_integer():
            casts.append(pl.col(column).cast(pl.String).str.zfill(9))
        elif dtype.is_float():
            # 3.0 -> "3.0"; text parsing downstream accepts it.
            casts.append(pl.col(column).cast(pl.String))
        else:
            casts.append(pl.col(column).cast(pl.String))
    return frame.select(casts)


def _read_json(data: bytes, name: str) -> pl.DataFrame:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable(name, f"not valid JSON: {exc}") from None
    if isinstance(payload, dict) and isinstance(payload.get("dataValues"), list):
        records = payload["dataValues"]
    elif isinstance(payload, list):
        records = payload
    else:
        raise _unreadable(name, 'JSON must be {"dataValues": [...]} or a list of rows')
    if not all(isinstance(r, dict) for r in records):
        raise _unreadable(name, "every row in the JSON must be an object")
    columns: list[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    return pl.DataFrame(
        {c: [None if r.get(c) is None else str(r.get(c)) for r in records] for c in columns},
        schema={c: pl.String for c in columns},
    )


def read_bytes(data: bytes, name: str) -> pl.DataFrame:
    """Read ``data`` according to the suffix of ``name``; all columns as text, plus ``_row``."""
    suffix = Path(name).suffix.lower()
    readers = {
        ".csv": _read_csv,
        ".txt": _read_csv,
        ".xlsx": _read_xlsx,
        ".parquet": _read_parquet,
        ".json": _read_json,
    }
    reader = readers.get(suffix)
    if reader is None:
        raise _unreadable(
            name, f"unsupported file type {suffix or '(none)'}; use {', '.join(SUFFIXES)}"
        )
    return prepare(reader(data, name), name)


def read_file(path: Path | str) -> tuple[pl.DataFrame, str]:
    """Read a submitted file; returns the text frame and the file's checksum."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"file {path} does not exist")
    data = path.read_bytes()
    return read_bytes(data, path.name), checksum_bytes(data)


def prepare(frame: pl.DataFrame, name: str = "input") -> pl.DataFrame:
    """Normalise a raw frame: text columns, trimmed header and cells, empty -> null, ``_row``.

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
    return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
