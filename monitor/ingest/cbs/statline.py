"""CBS StatLine tables in: a downloaded CSV (the "onbewerkte dataset", TypedDataSet) or the
OData API (``opendata.cbs.nl/ODataApi/odata/<table>``), both to one long frame.

What CBS's files look like, and what is done about it:

* CSV with ``;`` and a UTF-8 BOM, every cell quoted; region keys padded with spaces
  (``"GM0034    "``): stripped.
* Topic columns carry a position suffix that changes between yearly editions of a table
  (``JongerenMetJeugdzorgInNatura_87`` in one year, ``..._91`` in a later one): matched by
  their stem (:func:`column_stem`).
* ``.`` (with or without padding) is a withheld or unknown cell: no figure, never a zero.
* Periods ``2018JJ00`` (year), ``2024HJ01`` (half year), ``2024KW02``, ``2024MM03``. A
  trailing ``*`` / ``**`` (StatLine's mark for voorlopig / nader voorlopig) is read as the
  figure's status; the API gives the status in its ``Perioden`` metadata.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import polars as pl

from monitor.errors import RowProblem, ValidationFailed

ODATA_ROOT = "https://opendata.cbs.nl/ODataApi/odata"
#: Columns of a TypedDataSet that are dimensions, not topics.
DIMENSIONS = ("ID", "RegioS", "WijkenEnBuurten", "Perioden")
#: Text columns of Kerncijfers wijken en buurten (names, region kind, codes): not figures.
TEXT_STEMS = ("Gemeentenaam", "SoortRegio", "Codering", "IndelingswijzigingWijkenEnBuurten")
STATUS_MARKS = {"**": "nader_voorlopig", "*": "voorlopig"}
CBS_STATUS = {
    "definitief": "definitief",
    "voorlopig": "voorlopig",
    "nader voorlopig": "nader_voorlopig",
}
LONG_SCHEMA = {
    "row": pl.Int64,
    "region": pl.String,
    "period": pl.String,
    "status": pl.String,
    "column": pl.String,
    "stem": pl.String,
    "raw": pl.String,
    "value": pl.Float64,
    "category_key": pl.String,
}


def column_stem(name: str) -> str:
    """``JongerenMetJeugdzorgInNatura_87`` -> ``JongerenMetJeugdzorgInNatura``."""
    return re.sub(r"_\d+$", "", name.strip())


@dataclass
class StatLineTable:
    """One table read: long rows (region, period, status, column, value) and its source."""

    table_id: str
    source: str
    rows: pl.DataFrame
    region_titles: dict[str, str]
    #: topic key -> its title path in DataProperties ("Group / Subgroup / Topic")
    topic_titles: dict[str, str] = field(default_factory=dict)
    #: the table's one other dimension (e.g. Verwijzer jeugdzorg): its title, key -> title
    category_dimension: str | None = None
    category_titles: dict[str, str] = field(default_factory=dict)


@dataclass
class Metadata:
    """What DataProperties and the dimension feeds say about a table's columns."""

    topic_titles: dict[str, str] = field(default_factory=dict)
    dimension_key: str | None = None
    dimension_title: str | None = None
    dimension_titles: dict[str, str] = field(default_factory=dict)


def metadata(feed: Callable[[str], list[dict[str, object]]]) -> Metadata:
    """Topic title paths and the category dimension, from ``feed(name)`` (the API's
    answers for ``DataProperties`` and for the dimension's own feed)."""
    properties = feed("DataProperties")
    by_id = {p.get("ID"): p for p in properties}
    out = Metadata()

    def path(item: dict[str, object]) -> str:
        parts = [str(item.get("Title", "")).strip()]
        parent = by_id.get(item.get("ParentID"))
        while parent is not None:
            parts.insert(0, str(parent.get("Title", "")).strip())
            parent = by_id.get(parent.get("ParentID"))
        return " / ".join(parts)

    for item in properties:
        kind, key = str(item.get("Type", "")), str(item.get("Key", "")).strip()
        if kind == "Topic":
            out.topic_titles[key] = path(item)
        elif kind == "Dimension" and key not in DIMENSIONS:
            if out.dimension_key is not None:
                raise ValidationFailed(
                    problems=[_problem("DataProperties", None, key, None,
                                       "more than one category dimension; not supported")],
                    summary="CBS table has more than one category dimension",
                )  # fmt: skip
            out.dimension_key, out.dimension_title = key, str(item.get("Title", "")).strip()
    if out.dimension_key:
        out.dimension_titles = {
            str(r["Key"]).strip(): str(r["Title"]).strip() for r in feed(out.dimension_key)
        }
    return out


def _problem(file_name: str, row: int | None, column: str | None, value: str | None, reason: str):
    return RowProblem(file_name, row, column, value, reason)


def _split_period(text: str) -> tuple[str, str | None]:
    cleaned = text.strip()
    for mark, status in STATUS_MARKS.items():
        if cleaned.endswith(mark):
            return cleaned[: -len(mark)].strip(), status
    return cleaned, None


def _number(raw: str) -> float | None:
    text = raw.strip()
    if text in ("", ".", "x", "-"):
        return None
    return float(text.replace(",", "."))


def _long(
    records: list[dict[str, object]],
    file_name: str,
    period_status: dict[str, str] | None = None,
    fixed_period: str | None = None,
    category_column: str | None = None,
) -> pl.DataFrame:
    """Wide TypedDataSet records (row number -> cells) to long rows; bad cells refused."""
    problems: list[RowProblem] = []
    out: list[tuple] = []
    region_key = None
    for index, record in enumerate(records, start=2):
        if region_key is None:
            region_key = next((k for k in ("RegioS", "WijkenEnBuurten") if k in record), None)
            if region_key is None or ("Perioden" not in record and fixed_period is None):
                raise ValidationFailed(
                    problems=[
                        _problem(
                            file_name,
                            1,
                            None,
                            ", ".join(list(record)[:8]),
                            "not a StatLine table: it needs the columns RegioS (or "
                            "WijkenEnBuurten) and Perioden",
                        )
                    ],
                    summary=f"{file_name}: not a CBS StatLine download",
                )
        region = str(record[region_key] or "").strip()
        period, status = _split_period(str(record.get("Perioden") or fixed_period or ""))
        if period_status and status is None:
            status = period_status.get(period)
        category = str(record.get(category_column) or "").strip() if category_column else None
        for column, cell in record.items():
            if column in DIMENSIONS or column == category_column:
                continue
            if column_stem(column) in TEXT_STEMS:
                continue
            raw = "" if cell is None else str(cell)
            try:
                value = cell if isinstance(cell, int | float) else _number(raw)
            except ValueError:
                problems.append(
                    _problem(file_name, index, column, raw.strip()[:40], "not a number")
                )
                continue
            out.append(
                (index, region, period, status, column, column_stem(column), raw.strip(), value,
                 category)
            )  # fmt: skip
    if problems:
        raise ValidationFailed(
            problems=problems, summary=f"{file_name}: {len(problems)} cell(s) are not numbers"
        )
    return pl.DataFrame(out, schema=LONG_SCHEMA, orient="row")


def read_download(
    path: Path | str,
    table_id: str,
    fixed_period: str | None = None,
    category_column: str | None = None,
) -> StatLineTable:
    """A StatLine CSV download (``;``, BOM, quoted, padded keys) as long rows;
    ``category_column``: the table's other dimension, whose keys a download carries."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("cp1252")
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    records = [dict(r) for r in reader]
    if not records:
        raise ValidationFailed(
            problems=[_problem(path.name, None, None, None, "the file holds no data rows")],
            summary=f"{path.name}: empty StatLine download",
        )
    if category_column and category_column not in records[0]:
        raise ValidationFailed(
            problems=[_problem(path.name, 1, category_column, None,
                               f"the column {category_column} is missing: this is not a "
                               f"download of {table_id}")],
            summary=f"{path.name}: not a download of {table_id}",
        )  # fmt: skip
    rows = _long(records, path.name, None, fixed_period, category_column)
    return StatLineTable(table_id, path.name, rows, {})


def _from_feeds(
    table_id: str,
    name: str,
    feed: Callable[[str], list[dict[str, object]]],
    records: list[dict[str, object]],
    fixed_period: str | None,
) -> StatLineTable:
    """A table from the API's feeds (live or saved): records, status, titles, topics."""
    status = {
        str(p["Key"]).strip(): CBS_STATUS.get(
            str(p.get("Status", "")).strip().lower(), "definitief"
        )
        for p in ([] if fixed_period else feed("Perioden"))
    }
    dimension = "WijkenEnBuurten" if fixed_period else "RegioS"
    titles = {str(r["Key"]).strip(): str(r["Title"]).strip() for r in feed(dimension)}
    meta = metadata(feed)
    rows = _long(records, name, status, fixed_period, meta.dimension_key)
    return StatLineTable(
        table_id, name, rows, titles, meta.topic_titles, meta.dimension_title,
        meta.dimension_titles,
    )  # fmt: skip


def fetch_odata(
    table_id: str,
    *,
    regions: list[str] | None = None,
    client: httpx.Client | None = None,
    root: str = ODATA_ROOT,
    fixed_period: str | None = None,
) -> StatLineTable:
    """The table from CBS's OData API (TypedDataSet; Perioden, RegioS, DataProperties and
    a category dimension's feed for status, titles and topics).

    ``regions``: only these municipalities (GM keys; CBS pads keys, ``startswith`` matches
    them) besides the regions that are not municipalities."""
    own = client is None
    client = client or httpx.Client(timeout=60.0)
    try:
        base = f"{root}/{table_id}"
        query: dict[str, str] = {}
        if regions:
            key = "WijkenEnBuurten" if fixed_period else "RegioS"
            # the municipalities asked for, and every region that is not a municipality
            # (the Netherlands, size classes, provinces...)
            terms = " or ".join(
                [*(f"startswith({key},'{r}')" for r in regions), f"not startswith({key},'GM')"]
            )
            query = {"$filter": terms}
        records = _pages(client, f"{base}/TypedDataSet", query)
        return _from_feeds(
            table_id,
            f"{table_id} (CBS OData)",
            lambda feed: _pages(client, f"{base}/{feed}"),
            records,
            fixed_period,
        )
    finally:
        if own:
            client.close()


def read_odata_folder(
    folder: Path | str, table_id: str, fixed_period: str | None = None
) -> StatLineTable:
    """A saved copy of the API's answers (``TypedDataSet.json``, ``Perioden.json``,
    ``RegioS.json`` or ``WijkenEnBuurten.json``, ``DataProperties.json``..., each
    ``{"value": [...]}``), read as :func:`fetch_odata` reads the live API."""
    folder = Path(folder)

    def feed(name: str) -> list[dict[str, object]]:
        path = folder / f"{name}.json"
        if not path.is_file():
            return []
        try:
            body = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise ValidationFailed(
                problems=[
                    _problem(path.name, exc.lineno, None, None, f"not valid JSON: {exc.msg}")
                ],
                summary=f"{path.name} could not be read",
            ) from None
        return list(body.get("value", []))

    records = feed("TypedDataSet")
    if not records:
        raise ValidationFailed(
            problems=[_problem(folder.name, None, None, None,
                               "holds no TypedDataSet.json with records")],
            summary=f"{folder.name}: not a saved CBS OData table",
        )  # fmt: skip
    return _from_feeds(table_id, f"{folder.name}/TypedDataSet.json", feed, records, fixed_period)


def _pages(
    client: httpx.Client, url: str, query: dict[str, str] | None = None
) -> list[dict[str, object]]:
    """All records of an OData v3 feed, following ``odata.nextLink`` (which carries the
    query on)."""
    out: list[dict[str, object]] = []
    next_url: str | None = url
    params: dict[str, str] | None = {**(query or {}), "$format": "json"}
    while next_url:
        if params is None and "$format=" not in next_url:
            next_url += ("&" if "?" in next_url else "?") + "$format=json"
        response = client.get(next_url, params=params)
        params = None
        response.raise_for_status()
        body = response.json()
        out.extend(body.get("value", []))
        next_url = body.get("odata.nextLink")
    return out
