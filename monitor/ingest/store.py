"""Bulk, atomic writes of validated rows, with corrections by supersession.

Measurement rows never go through the ORM: SQLite gets SQLAlchemy Core ``insert()``
executemany, PostgreSQL gets psycopg 3 ``COPY ... FROM STDIN`` on the session's own
connection, so everything happens inside the caller's one transaction.

A correction never overwrites. For each incoming row the *current* stored row with the same
key (e.g. child, reporting organisation, indicator, category, date, source kind) is looked
up in bulk (a temporary key table joined to the measurements):

* same values: the incoming row is *unchanged* and not stored again;
* different values: the old row gets ``superseded_at = now`` and ``superseded_by_id`` =
  the new row, which is inserted with ``recorded_at = now``. Both stamps are set for the
  whole batch by one UPDATE each, never one statement per row.

So the figures "as of" a moment ``t`` are the rows with ``recorded_at <= t`` and
(``superseded_at`` null or ``> t``): see :func:`current_filter`.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    ColumnElement,
    Date,
    Executable,
    Float,
    FromClause,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    any_,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from monitor import rollups
from monitor.asof import known_at
from schema import AggregateMeasurement, CaseMeasurement, Child, Participation, table_of
from schema.partitions import PARTITION_KEYS

Progress = Callable[[int], None]
CHUNK = 50_000
_SQLITE_IN = 900


@dataclass(frozen=True)
class TableSpec:
    """How rows of one table are keyed and compared for supersession."""

    table: Table
    key: tuple[str, ...]
    compare: tuple[str, ...]
    columns: tuple[str, ...]


CASE = TableSpec(
    table_of(CaseMeasurement),
    key=("child_id", "reporting_org_id", "indicator_id", "category", "observed_on", "source_kind"),
    compare=("value", "end_date", "end_reason"),
    columns=(
        "child_id",
        "indicator_id",
        "reporting_org_id",
        "submission_id",
        "observed_on",
        "end_date",
        "value",
        "category",
        "end_reason",
        "source_kind",
        "recorded_at",
    ),
)
PARTICIPATION = TableSpec(
    table_of(Participation),
    key=("child_id", "network_id", "reporting_org_id", "valid_from"),
    compare=("valid_to", "intensity"),
    columns=(
        "child_id",
        "network_id",
        "reporting_org_id",
        "submission_id",
        "valid_from",
        "valid_to",
        "intensity",
        "intensity_unit",
        "recorded_at",
    ),
)
#: A figure has one reporter: the key leaves the reporting organisation out, so that a
#: municipality's re-send of a network's figure supersedes the network's row (the new row
#: records who sent it, ``reporting_org_id``, and when, ``recorded_at``). The current-row
#: index ``uq_aggregate_current`` has the same key, so a key has at most one current row.
AGGREGATE = TableSpec(
    table_of(AggregateMeasurement),
    key=(
        "organisation_id",
        "indicator_id",
        "category",
        "period_start",
        "period_end",
        "source_kind",
    ),
    compare=("value", "numerator", "denominator", "status"),
    columns=(
        "organisation_id",
        "indicator_id",
        "reporting_org_id",
        "submission_id",
        "period_code",
        "period_start",
        "period_end",
        "category",
        "value",
        "numerator",
        "denominator",
        "source_kind",
        "status",
        "recorded_at",
    ),
)


@dataclass
class StoreCounts:
    """What one table write did."""

    inserted: int = 0
    superseded: int = 0
    unchanged: int = 0


def current_filter(table: Table, as_of: datetime | None = None) -> ColumnElement[bool]:
    """Rows current now (``as_of`` None) or as they were known at ``as_of``
    (:func:`monitor.asof.known_at`, the one as-of rule)."""
    return known_at(table, as_of)


def is_postgres(connection: Connection) -> bool:
    """True on PostgreSQL (COPY path), False on SQLite (Core executemany path)."""
    return connection.dialect.name == "postgresql"


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def copy_frame(
    connection: Connection, table: str, frame: pl.DataFrame, progress: Progress | None = None
) -> None:
    """PostgreSQL: one ``COPY table (columns) FROM STDIN`` statement, fed with CSV text
    that polars writes chunk by chunk (``progress`` after each chunk sent).

    Uses the psycopg connection under the session, so it is part of the open transaction,
    and the table's statement triggers run once for the whole frame. Empty strings are
    written quoted (stored as ''), nulls unquoted (stored as NULL)."""
    import psycopg

    raw = connection.connection.driver_connection
    assert raw is not None  # a connection in use holds its driver's connection
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    statement = f'COPY "{table}" ({columns}) FROM STDIN (FORMAT csv)'
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for start in range(0, frame.height, CHUNK):
                buffer = io.BytesIO()
                frame.slice(start, CHUNK).write_csv(
                    buffer, include_header=False, datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z"
                )
                copy.write(buffer.getvalue())
                if progress:
                    progress(min(start + CHUNK, frame.height))
    except psycopg.errors.IntegrityError as exc:
        # the driver's own error, raised past SQLAlchemy: give it SQLAlchemy's type, so the
        # caller's handling (retry, 409) is the same as for every other statement
        raise IntegrityError(statement, None, exc) from exc
    except psycopg.Error as exc:
        raise DBAPIError(statement, None, exc) from exc


def write_rows(
    connection: Connection,
    table: Table,
    frame: pl.DataFrame,
    progress: Progress | None = None,
) -> None:
    """Insert ``frame`` (columns named as the table's) in chunks, reporting progress."""
    if is_postgres(connection):
        copy_frame(connection, table.name, frame, progress)
        return
    done = 0
    for start in range(0, frame.height, CHUNK):
        chunk = frame.slice(start, CHUNK)
        connection.execute(insert(table), chunk.to_dicts())
        done += chunk.height
        if progress:
            progress(done)


def lookup_children(session: Session, pseudonyms: list[str]) -> dict[str, int]:
    """Child ids of the pseudonyms already stored, in bulk."""
    connection = session.connection()
    table = table_of(Child)
    found: dict[str, int] = {}
    if is_postgres(connection):
        # one text parameter split by the server: no per-element conversion in Python
        # (pseudonyms are hexadecimal or "org:ref" digests, never containing a newline)
        query: Executable = text(
            "SELECT pseudonym, id FROM child WHERE pseudonym = ANY(string_to_array(:p, E'\\n'))"
        )
        for chunk in _chunks(pseudonyms, 200_000):
            rows = connection.execute(query, {"p": "\n".join(chunk)})
            found.update({p: i for p, i in rows})
        return found
    for chunk in _chunks(pseudonyms, _SQLITE_IN):
        query = select(table.c.pseudonym, table.c.id).where(table.c.pseudonym.in_(list(chunk)))
        found.update({p: i for p, i in connection.execute(query)})
    return found


def insert_children(session: Session, children: pl.DataFrame, now: datetime) -> dict[str, int]:
    """Insert new children (pseudonym, birth_month, sex, municipality_id); returns the ids of
    all of them.

    ``INSERT ... ON CONFLICT (pseudonym) DO NOTHING``: a child that a concurrent batch
    stored first (it committed while this one was validating) is not a conflict; its id is
    looked up like any other. On PostgreSQL the rows travel by COPY into a temporary table
    first, so the insert itself is one statement."""
    if children.height == 0:
        return {}
    connection = session.connection()
    table = table_of(Child)
    # in pseudonym order, so that the unique index on it is walked once, not at random
    frame = (
        children.select("pseudonym", "birth_month", "sex", "municipality_id")
        .with_columns(first_seen_at=pl.lit(now, dtype=pl.Datetime("us", "UTC")))
        .sort("pseudonym")
    )
    if not is_postgres(connection):
        statement = sqlite_insert(table).on_conflict_do_nothing(index_elements=["pseudonym"])
        for start in range(0, frame.height, CHUNK):
            connection.execute(statement, frame.slice(start, CHUNK).to_dicts())
        return lookup_children(session, frame["pseudonym"].to_list())
    name = f"_ingest_children_{next(_temp_names)}"
    connection.execute(
        text(
            f'CREATE TEMPORARY TABLE "{name}" (pseudonym varchar(64), birth_month date, '
            "sex varchar(1), municipality_id integer, first_seen_at timestamptz) "
            "ON COMMIT DROP"
        )
    )
    copy_frame(connection, name, frame)
    connection.execute(
        text(
            "INSERT INTO child (pseudonym, birth_month, sex, municipality_id, first_seen_at) "
            f'SELECT pseudonym, birth_month, sex, municipality_id, first_seen_at FROM "{name}" '
            "ORDER BY pseudonym ON CONFLICT (pseudonym) DO NOTHING"
        )
    )
    connection.execute(text(f'DROP TABLE "{name}"'))
    return lookup_children(session, frame["pseudonym"].to_list())


_TEMP_TYPES: dict[pl.DataType | type[pl.DataType], type[TypeEngine[Any]]] = {
    pl.Int64: Integer,
    pl.Date: Date,
    pl.String: String,
    pl.Float64: Float,
}
_temp_names = itertools.count()


def _existing_current(connection: Connection, spec: TableSpec, keys: pl.DataFrame) -> pl.DataFrame:
    """Current stored rows whose key matches a row of ``keys`` (via a temporary key table)."""
    table = spec.table
    empty = pl.DataFrame(
        schema={**keys.schema, "_old_id": pl.Int64, **{f"_old_{c}": pl.Null for c in spec.compare}}
    )
    bounds = [
        table.c[c].between(keys[c].min(), keys[c].max())
        for c in spec.key
        if keys.schema[c] != pl.String
    ]
    probe = select(table.c.id).where(table.c.superseded_at.is_(None), *bounds).limit(1)
    if connection.execute(probe).first() is None:
        return empty  # nothing stored in range: a first load needs no key table
    name = f"_ingest_keys_{next(_temp_names)}"
    temp = Table(
        name,
        MetaData(),
        *[Column(c, _TEMP_TYPES[keys.schema[c]]()) for c in spec.key],
        prefixes=["TEMPORARY"],
    )
    temp.create(connection)
    try:
        write_rows(connection, temp, keys)
        if is_postgres(connection):
            # statistics of the key table, so that the join walks the current-row index
            # for a small batch instead of scanning the whole measurement table
            connection.execute(text(f'ANALYZE "{name}"'))
        joined = (
            select(
                *[temp.c[c] for c in spec.key],
                table.c.id.label("_old_id"),
                *[table.c[c].label(f"_old_{c}") for c in spec.compare],
            )
            .select_from(temp)
            .join(table, and_(*[table.c[c] == temp.c[c] for c in spec.key]))
            .where(table.c.superseded_at.is_(None), *bounds)
        )
        rows = connection.execute(joined).all()
    finally:
        temp.drop(connection)
    if not rows:
        return empty
    names = [*spec.key, "_old_id", *[f"_old_{c}" for c in spec.compare]]
    found = pl.DataFrame(
        [tuple(r) for r in rows], schema=names, orient="row", infer_schema_length=None
    )
    return found.with_columns([pl.col(c).cast(keys.schema[c]) for c in spec.key])


def store_table(
    session: Session,
    spec: TableSpec,
    rows: pl.DataFrame,
    *,
    now: datetime,
    progress: Progress | None = None,
) -> StoreCounts:
    """Write validated ``rows`` (table column names) with supersession; returns the counts.

    Set-based whatever the batch size: one look-up of the current rows (a key table joined
    through the current-row index), one UPDATE stamping ``superseded_at`` on every replaced
    row, the insert (COPY on PostgreSQL), and one UPDATE linking each replaced row to its
    successor (:func:`_link_superseded`)."""
    connection = session.connection()
    counts = StoreCounts()
    if rows.height == 0:
        return counts
    existing = _existing_current(connection, spec, rows.select(spec.key))
    merged = rows.join(existing, on=list(spec.key), how="left", nulls_equal=True)
    same = pl.all_horizontal(
        [pl.col(c).eq_missing(pl.col(f"_old_{c}").cast(rows.schema[c])) for c in spec.compare]
    )
    has_old = pl.col("_old_id").is_not_null()
    merged = merged.with_columns(_unchanged=has_old & same)
    merged = merged.with_columns(_supersedes=has_old & ~pl.col("_unchanged"))
    counts.unchanged = int(merged["_unchanged"].sum())
    old_ids = merged.filter("_supersedes")["_old_id"]
    counts.superseded = old_ids.len()
    table = spec.table
    span = _partition_span(table, rows)
    if counts.superseded:
        # before the insert: the current-row index admits one current row per key
        connection.execute(
            update(table)
            .where(_id_in(connection, table), *_within(table, span))
            .values(superseded_at=now),
            {"ids": _id_list(old_ids)},
        )
    new = merged.filter(~pl.col("_unchanged")).with_columns(
        recorded_at=pl.lit(now, dtype=pl.Datetime("us", "UTC"))
    )
    write_rows(connection, table, new.select(spec.columns), progress)
    counts.inserted = new.height
    if counts.superseded:
        _link_superseded(connection, spec, old_ids, span)
    if table.name == CaseMeasurement.__tablename__:  # the case rollups follow, same transaction
        rollups.refresh_children(connection, rollups.touched_children([new]))
    return counts


Span = tuple[str, Any, Any] | None


def _partition_span(table: Table, rows: pl.DataFrame) -> Span:
    """On a partitioned table, the batch's range of the partition key (part of the key: a
    replaced row lies in it), so that the planner reads only the partitions it spans."""
    key = PARTITION_KEYS.get(table.name)
    return None if key is None else (key, rows[key].min(), rows[key].max())


def _within(table: FromClause, span: Span) -> list[ColumnElement[bool]]:
    """``table``'s rows inside ``span`` (no condition when not partitioned)."""
    return [] if span is None else [table.c[span[0]].between(span[1], span[2])]


def _id_list(ids: pl.Series) -> str:
    """Row ids as one text parameter ("1,2,3"): no per-element conversion by the driver."""
    return ",".join(ids.cast(pl.String).to_list())


def _id_in(connection: Connection, table: Table) -> ColumnElement[bool]:
    """``table.id`` is one of the ids in the text parameter ``ids`` (:func:`_id_list`), as
    one condition the planner resolves through the primary key."""
    ids = bindparam("ids", type_=String)
    if is_postgres(connection):
        return table.c.id == any_(cast(func.string_to_array(ids, ","), ARRAY(BigInteger)))
    listed = func.json_each(literal("[", String) + ids + literal("]", String)).table_valued("value")
    return table.c.id.in_(select(listed.c.value))


def _link_superseded(
    connection: Connection, spec: TableSpec, old_ids: pl.Series, span: Span
) -> None:
    """Set ``superseded_by_id`` of each replaced row (``old_ids``) to the id of the row now
    current for the same key: one UPDATE joining the replaced rows (primary key) to their
    successors (the current-row index), both within the batch's partitions (``span``)."""
    table = spec.table
    successor = table.alias("successor")
    connection.execute(
        update(table)
        .where(
            _id_in(connection, table),
            *_within(table, span),
            *_within(successor, span),
            successor.c.superseded_at.is_(None),
            *[successor.c[c] == table.c[c] for c in spec.key],
        )
        .values(superseded_by_id=successor.c.id),
        {"ids": _id_list(old_ids)},
    )


def count_rows(session: Session, table: Table) -> int:
    """Number of rows in ``table`` (used by tests and the benchmark)."""
    return int(session.connection().execute(select(func.count()).select_from(table)).scalar_one())
