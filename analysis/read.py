"""Analysis-ready files as researchers bring them: R, Stata and SPSS exports.

``monitor analyse --data FILE`` reads a CSV (or Parquet) file. CSV files come from many
tools, each with its own habits:

- R ``write.csv``: an unnamed first column with the row names (``"",...`` header), ``NA``
  for missing values.
- Stata ``export delimited``: empty cells (or ``.``) for missing numbers.
- SPSS export: empty or blank cells for system-missing values, often ``;`` as separator
  with decimal commas in Dutch locales, sometimes Windows-1252 encoded.

:func:`read_table` reads all of them into a polars frame: the row-name column is dropped,
``NA``/empty/``.``/blank cells are missing, a column whose other cells are all numbers is a
number (so an ``NA`` never turns a numeric column into text that a model would expand into
category dummies), and a column that is *almost* numeric is refused with the cells that are
not. :class:`TableRead` says what was done and how many values are missing per column, for
the report.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from monitor.errors import MonitorError

MISSING = frozenset({"", "NA", ".", "NaN", "nan", "N/A", "#N/A", "NULL"})
ROW_NAME_HEADERS = frozenset({"", "Unnamed: 0", "...1", "X", "rownames"})
#: share of numeric cells above which a column is meant as a number
NUMERIC_SHARE = 0.9


@dataclass(frozen=True)
class TableRead:
    """A file read for analysis, with what the reader did to it."""

    frame: pl.DataFrame
    missing: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def report_notes(self) -> list[str]:
        """Sentences for the model report: the reading notes and the missing values."""
        counts = [f"{c} {n}" for c, n in self.missing.items() if n]
        missing = (
            f"missing values per column in the data file: {', '.join(counts)}"
            if counts
            else "the data file has no missing values"
        )
        return [*self.notes, missing]


def read_table(path: str | Path) -> TableRead:
    """Read a .csv/.txt (R, Stata, SPSS exports) or .parquet file for analysis.

    Raises
    ------
    MonitorError
        The file is missing or unreadable, or a column is almost but not quite numeric
        (the message names the column, the rows and the values that are not numbers).
    """
    source = Path(path)
    if not source.is_file():
        raise MonitorError(f"data file {source} not found")
    suffix = source.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pl.read_parquet(source)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise MonitorError(f"cannot read {source}: {exc}") from exc
        return TableRead(frame, {c: frame[c].null_count() for c in frame.columns})
    if suffix not in {".csv", ".txt", ".tsv"}:
        raise MonitorError(f"{source}: use a .parquet or .csv file")
    text, encoding = _decode(source)
    separator = _separator(text)
    try:
        raw = pl.read_csv(
            io.StringIO(text), separator=separator, infer_schema=False, truncate_ragged_lines=False
        )
    except pl.exceptions.PolarsError as exc:
        raise MonitorError(f"cannot read {source}: {exc}") from exc
    notes: list[str] = []
    if encoding != "utf-8":
        notes.append(f"{source.name} read as {encoding} (not UTF-8)")
    raw, dropped = _drop_row_names(raw)
    if dropped:
        notes.append(f"the unnamed first column of row names ({dropped}) was dropped")
    decimal_comma = separator == ";"
    columns, missing = [], {}
    for name in raw.columns:
        column, n_missing = _column(raw[name], source, decimal_comma)
        columns.append(column)
        missing[name] = n_missing
    return TableRead(pl.DataFrame(columns), missing, tuple(notes))


def _decode(source: Path) -> tuple[str, str]:
    data = source.read_bytes()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _drop_row_names(raw: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """R's write.csv row names: an unnamed first column 1..n (or unique labels)."""
    first = raw.columns[0]
    if first.strip().strip('"') not in ROW_NAME_HEADERS or raw.width < 2:
        return raw, ""
    values = raw[first].str.strip_chars()
    if values.null_count() or values.n_unique() != raw.height:
        return raw, ""
    counting = values.to_list() == [str(i) for i in range(1, raw.height + 1)]
    return raw.drop(first), "1..n" if counting else "unique labels"


def _column(values: pl.Series, source: Path, decimal_comma: bool) -> tuple[pl.Series, int]:
    name = values.name
    stripped = values.str.strip_chars()
    absent = stripped.is_null() | stripped.is_in(list(MISSING))
    cells = pl.Series(name, [None if a else v for v, a in zip(stripped, absent, strict=True)])
    present = cells.drop_nulls()
    n_missing = int(absent.sum())
    if present.len() == 0:
        return cells.cast(pl.Float64), n_missing
    numbers = cells.str.replace(",", ".", literal=True) if decimal_comma else cells
    as_int = numbers.cast(pl.Int64, strict=False)
    if as_int.null_count() == cells.null_count():
        return as_int, n_missing
    as_float = numbers.cast(pl.Float64, strict=False)
    bad = as_float.is_null() & cells.is_not_null()
    if not bad.any():
        return as_float, n_missing
    share = 1 - bad.sum() / present.len()
    if share >= NUMERIC_SHARE:
        rows = [i + 2 for i in bad.arg_true().to_list()[:5]]  # +2: header line, 1-based
        found = sorted({str(v) for v in cells.filter(bad).to_list()})[:5]
        raise MonitorError(
            f"{source.name}: column {name!r} holds numbers but {int(bad.sum())} cell(s) are "
            f"not: {', '.join(repr(v) for v in found)} (line(s) {', '.join(map(str, rows))}); "
            "write missing values as empty, NA or '.', or fix these cells"
        )
    dates = cells.str.to_date(strict=False)
    if dates.null_count() == cells.null_count():
        return dates, n_missing
    return cells, n_missing
