"""CBS StatLine figures in: a table (download or OData API) through its mapping YAML into
the catalogue's published indicators, via the ordinary aggregate ingest.

Public API::

    from monitor.ingest.cbs import import_table
    result = import_table(session, "82972NED", importer="GM0363", file="82972NED.csv")

Each figure becomes an aggregate row about the municipality (or comparison region: the
Netherlands, a size class) that CBS names, sent by ``importer``; CBS's status of the figure
(voorlopig, nader_voorlopig, definitief) is stored with it, so a later definitive figure is
a correction with history (:mod:`monitor.ingest.store`). Withheld cells (``.``) store
nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import polars as pl
from sqlmodel import Session, col, select

from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.ingest.cbs.mapping import MAPPINGS, TableMapping, load_mapping, take_forms
from monitor.ingest.cbs.statline import (
    StatLineTable,
    column_stem,
    fetch_odata,
    read_download,
    read_odata_folder,
)
from monitor.ingest.pipeline import ingest_frame
from monitor.ingest.report import IngestReport
from monitor.periods import parse_period
from schema import Organisation
from schema.base import OrgKind

__all__ = [
    "MAPPINGS", "CbsImport", "TableMapping", "import_table", "load_demo_tables",
    "load_mapping", "size_band", "to_aggregate",
]  # fmt: skip
#: Organisation subtypes of CBS's comparison regions.
COUNTRY, SIZE_CLASS = "cbs_country", "cbs_size_class"
_SIZE = re.compile(
    r"(?:(\d[\d ]*\d) tot (\d[\d ]*\d)|minder dan (\d[\d ]*\d)|(\d[\d ]*\d)(?: inwoners)? of meer)"
)


@dataclass
class LeftOut:
    """What a table's conversion left out, and why."""

    withheld: int = 0
    unmapped_columns: list[str] = field(default_factory=list)
    skipped_regions: list[str] = field(default_factory=list)
    unmapped_categories: list[str] = field(default_factory=list)


@dataclass
class CbsImport:
    """What one import did: the ingest report and what was left out, and why."""

    report: IngestReport
    withheld: int = 0
    unmapped_columns: list[str] = field(default_factory=list)
    skipped_regions: list[str] = field(default_factory=list)
    unmapped_categories: list[str] = field(default_factory=list)


def size_band(title: str) -> tuple[int, int] | None:
    """CBS's size-class title to inhabitants [low, high): ``20 000 tot 50 000 inwoners``."""
    text = title.lower()
    if "inwoners" not in text:
        return None
    match = _SIZE.search(text)
    if not match:
        return None
    low, high, below, above = (int(g.replace(" ", "")) if g else None for g in match.groups())
    if below is not None:
        return 0, below
    if above is not None:
        return above, 10**9
    assert low is not None and high is not None
    return low, high


def _region_orgs(session: Session, titles: dict[str, str]) -> dict[str, str]:
    """CBS comparison regions as organisations (created once): key -> organisation code."""
    out = {}
    for key, title in titles.items():
        found = session.exec(select(Organisation).where(col(Organisation.code) == key)).first()
        if found is None:
            subtype = SIZE_CLASS if size_band(title) else COUNTRY
            session.add(
                Organisation(
                    code=key, name=f"{title} (CBS)", kind=OrgKind.MUNICIPALITY, subtype=subtype
                )
            )
        out[key] = key
    session.commit()
    return out


def _municipalities(session: Session, wanted: list[str] | None) -> dict[str, str]:
    """CBS GM code -> our organisation code, for registered municipalities."""
    rows = session.exec(
        select(col(Organisation.code), col(Organisation.cbs_code)).where(
            col(Organisation.kind) == OrgKind.MUNICIPALITY
        )
    ).all()
    known = {(cbs or code).upper(): code for code, cbs in rows if (cbs or code).startswith("GM")}
    if wanted:
        missing = [w for w in wanted if w.upper() not in known]
        if missing:
            raise NotFoundError(f"municipality {', '.join(missing)} is not registered here")
        return {w.upper(): known[w.upper()] for w in wanted}
    return known


def _resolve_topics(table: StatLineTable, mapping: TableMapping) -> None:
    """Topics the mapping names by title path: their keys in this table join ``columns``."""
    for key, path in table.topic_titles.items():
        if path in mapping.topics_by_title:
            # by its exact key: another topic may share the stem (e.g. the same title under
            # another group)
            mapping.columns[key] = mapping.topics_by_title[path]
    if mapping.topics_by_title and not any(
        p in mapping.topics_by_title for p in table.topic_titles.values()
    ):
        raise ValidationFailed(
            problems=[RowProblem(table.source, None, None, None,
                                 "the mapping names its topics by title; a CSV download has "
                                 "keys only: import from the API or a saved copy of its "
                                 "answers (DataProperties.json)")],
            summary=f"{table.source}: topics cannot be matched",
        )  # fmt: skip


def _category_of(title: str, categories: dict[str, str]) -> str | None:
    """A dimension value's catalogue category; ``Rechter, ...`` matches by its start."""
    if title in categories:
        return categories[title]
    for name, code in categories.items():
        if name.endswith("...") and title.startswith(name.removesuffix("...").strip()):
            return code
    return None


def _categories(table: StatLineTable, mapping: TableMapping) -> dict[str, str | None]:
    """Category key -> catalogue category (None: not in the mapping)."""
    if table.category_dimension is None and mapping.category_dimension is None:
        return {}
    if table.category_dimension != mapping.category_dimension:
        found, wanted = table.category_dimension, mapping.category_dimension
        raise ValidationFailed(
            problems=[RowProblem(table.source, None, found, None,
                                 f"the table's category dimension is {found or 'missing'}, the "
                                 f"mapping expects {wanted or 'none'} (a CSV download has no "
                                 "dimension titles: import from the API or a saved copy)")],
            summary=f"{table.source}: category dimension does not match the mapping",
        )  # fmt: skip
    return {k: _category_of(t, mapping.categories) for k, t in table.category_titles.items()}


def to_aggregate(
    table: StatLineTable,
    mapping: TableMapping,
    municipalities: dict[str, str],
    regions: dict[str, str],
) -> tuple[pl.DataFrame, LeftOut]:
    """Long StatLine rows to aggregate rows (organisation, indicator, period, value, status)."""
    _resolve_topics(table, mapping)
    left_out = LeftOut()
    categories = {} if mapping.form_dimension else _categories(table, mapping)
    rows = table.rows.with_columns(
        pl.col("category_key")
        .replace_strict(categories, default=None, return_dtype=pl.String)
        .alias("category")
    )
    if mapping.form_dimension:
        rows, left_out.unmapped_categories = take_forms(table, mapping)
    elif categories:
        unmapped = rows.filter(pl.col("category").is_null())
        left_out.unmapped_categories = sorted(
            {table.category_titles.get(k, k) for k in unmapped["category_key"].to_list()}
        )
        rows = rows.filter(pl.col("category").is_not_null())
    exact = [c for c in mapping.columns if c != column_stem(c)]
    rows = rows.with_columns(
        pl.when(pl.col("column").is_in(exact)).then(pl.col("column")).otherwise(pl.col("stem"))
        .alias("stem")
    )  # fmt: skip
    known_stems = set(mapping.columns)
    left_out.unmapped_columns = sorted(
        set(rows.filter(~pl.col("stem").is_in(list(known_stems)))["column"].to_list())
    )
    rows = rows.filter(pl.col("stem").is_in(list(known_stems)))
    places = {**municipalities, **regions}
    left_out.skipped_regions = sorted(
        set(
            rows.filter(
                ~pl.col("region").is_in(list(places)) & ~pl.col("region").str.contains("^(WK|BU)")
            )["region"].to_list()
        )
    )
    rows = rows.filter(pl.col("region").is_in(list(places)))
    left_out.withheld = rows.filter(pl.col("value").is_null()).height
    rows = rows.filter(pl.col("value").is_not_null())
    types: dict[str, str | None] = {}
    for text in rows["period"].unique().to_list():
        try:
            types[text] = parse_period(text).type.value
        except ValueError:
            types[text] = None
    lookup = [(s, p, c) for s, by in mapping.columns.items() for p, c in by.items()]
    codes = pl.DataFrame(lookup, schema=["stem", "_type", "indicator"], orient="row")
    frame = (
        rows.with_columns(
            pl.col("period")
            .replace_strict(types, default=None, return_dtype=pl.String)
            .alias("_type"),
            pl.col("region").replace_strict(places, return_dtype=pl.String).alias("organisation"),
        )
        .join(codes, on=["stem", "_type"], how="left")
        .with_columns(
            # a period CBS uses but the mapping does not map keeps the first code, so that the
            # aggregate checks name the mismatch (this indicator is reported per ...)
            pl.coalesce(
                "indicator",
                pl.col("stem").replace_strict(
                    {s: next(iter(by.values())) for s, by in mapping.columns.items()},
                    return_dtype=pl.String,
                ),
            ).alias("indicator")
        )
        .sort("row", "column")
        .select(
            "organisation",
            "indicator",
            "period",
            pl.col("value").map_elements(_text, return_dtype=pl.String).alias("value"),
            pl.col("category").replace("", None),
            pl.col("status").fill_null("definitief").alias("status"),
        )
    )
    return frame, left_out


def _text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def import_table(
    session: Session,
    table_id: str,
    *,
    importer: str,
    municipalities: list[str] | None = None,
    file: Path | str | None = None,
    client: httpx.Client | None = None,
    mapping_dir: Path | None = None,
    user_id: int | None = None,
) -> CbsImport:
    """Import ``table_id`` from ``file`` (a StatLine CSV download, or a folder with the
    API's saved answers) or, without a file, from CBS's OData API; all or nothing, as
    every ingest."""
    mapping = load_mapping(table_id, mapping_dir)
    wanted = [m.strip().upper() for m in municipalities or []]
    if file is not None and Path(file).is_dir():
        table = read_odata_folder(file, mapping.table, mapping.period)
    elif file is not None:
        if mapping.topics_by_title or mapping.category_dimension:
            raise ValidationFailed(
                problems=[RowProblem(Path(file).name, None, None, None,
                                     f"{mapping.table}'s topics cannot be matched in a CSV "
                                     "download: the mapping names topics and categories by "
                                     "their titles, a download has keys only; import from the "
                                     "API (no --file) or a saved copy of its answers (a folder)")],
                summary=f"{Path(file).name}: topics cannot be matched",
            )  # fmt: skip
        table = read_download(file, mapping.table, mapping.period, mapping.form_dimension)
    else:
        table = fetch_odata(
            mapping.table, regions=wanted or None, client=client, fixed_period=mapping.period
        )
    titles = dict(mapping.regions)
    titles.update({k: v for k, v in table.region_titles.items() if size_band(v)})
    present = set(table.rows["region"].unique().to_list())
    regions = _region_orgs(session, {k: v for k, v in titles.items() if k in present})
    frame, left_out = to_aggregate(table, mapping, _municipalities(session, wanted), regions)
    name = f"{mapping.table} (CBS OData)" if file is None else Path(file).name
    report = ingest_frame(
        session,
        frame,
        file_name=name,
        organisation_code=importer,
        user_id=user_id,
        channel="cbs",
        shape="aggregate",
    )
    return CbsImport(
        report=report,
        withheld=left_out.withheld,
        unmapped_columns=left_out.unmapped_columns,
        skipped_regions=left_out.skipped_regions,
        unmapped_categories=left_out.unmapped_categories,
    )


#: The demo's CBS tables (invented figures in the API's layout, see their README).
DEMO_TABLES = Path(__file__).resolve().parents[2] / "data" / "cbs_demo"


def load_demo_tables(session: Session, importer: str) -> list[CbsImport]:
    """Import the demo's CBS tables (inhabitants first: they place a municipality in its
    size class), sent by ``importer``."""
    results = []
    for table in ("85984NED", "82972NED", "85099NED"):
        results.append(import_table(session, table, importer=importer, file=DEMO_TABLES / table))
    return results
