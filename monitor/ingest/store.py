"""Atomic writes of validated rows, with corrections by supersession.

Rows are inserted in bulk inside the caller's one transaction (:mod:`monitor.ingest.bulk`:
COPY on PostgreSQL, executemany on SQLite), never through the ORM.

A correction never overwrites. For each incoming row the *current* stored row with the same
key (e.g. child, reporting organisation, indicator, category, date, source kind) is found
in bulk, set-based (:mod:`monitor.ingest.supersede`):

* same values: the incoming row is *unchanged* and not stored again;
* different values: the old row gets ``superseded_at = now`` and ``superseded_by_id`` =
  the new row, which is inserted with ``recorded_at = now``. A fixed number of statements
  per batch, never one per row.

So the figures "as of" a moment ``t`` are the rows with ``recorded_at <= t`` and
(``superseded_at`` null or ``> t``): see :func:`current_filter`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import ColumnElement, Executable, Table, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from monitor import rollups
from monitor.asof import known_at
from monitor.ingest import supersede

# CHUNK, Progress, copy_frame, is_postgres and write_rows: re-exported for callers
from monitor.ingest.bulk import CHUNK as CHUNK
from monitor.ingest.bulk import Progress as Progress
from monitor.ingest.bulk import copy_frame as copy_frame
from monitor.ingest.bulk import is_postgres as is_postgres
from monitor.ingest.bulk import write_rows as write_rows
from schema import AggregateMeasurement, CaseMeasurement, Child, Participation, table_of

_SQLITE_IN = 900


@dataclass(frozen=True)
class TableSpec:
    """How rows of one table are keyed and compared for supersession."""

    table: Table
    key: tuple[str, ...]
    compare: tuple[str, ...]
    columns: tuple[str, ...]
    #: the date column of the key that partitions the table: every look-up bounds it
    period: str


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
    period="observed_on",
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
    period="valid_from",
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
    period="period_start",
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


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


_temp_names = itertools.count()


def store_table(
    session: Session,
    spec: TableSpec,
    rows: pl.DataFrame,
    *,
    now: datetime,
    progress: Progress | None = None,
) -> StoreCounts:
    """Write validated ``rows`` (table column names) with supersession; returns the counts.

    Set-based whatever the batch size (:mod:`monitor.ingest.supersede`): one probe for
    current rows in the batch's key range (none: a plain bulk insert), else a fixed number
    of statements that match, stamp and insert."""
    connection = session.connection()
    if rows.height == 0:
        return StoreCounts()
    if is_postgres(connection):
        # JIT compilation is priced by the plans' cost estimates, which grow with the table
        # (~0.6 s a batch at 50 M rows), and never pays off for index look-ups of a batch
        connection.execute(text("SET LOCAL jit = off"))
    rows = rows.with_columns(recorded_at=pl.lit(now, dtype=pl.Datetime("us", "UTC")))
    rows = rows.select(spec.columns)
    if not supersede.current_in_range(connection, spec, rows):
        write_rows(connection, spec.table, rows, progress)
        counts = StoreCounts(inserted=rows.height)
    else:
        write = supersede.postgres if is_postgres(connection) else supersede.sqlite
        inserted, superseded, unchanged = write(connection, spec, rows, now, progress)
        counts = StoreCounts(inserted=inserted, superseded=superseded, unchanged=unchanged)
    if spec.table.name == CaseMeasurement.__tablename__ and counts.inserted:
        # the case rollups follow in the same transaction (a correction keeps its child)
        only_corrections = counts.inserted == counts.superseded  # no new key
        children = (
            rollups.corrected_children(connection, rows)
            if only_corrections
            else rollups.touched_children([rows])
        )
        rollups.refresh_children(connection, children)
    return counts


def count_rows(session: Session, table: Table) -> int:
    """Number of rows in ``table`` (used by tests and the benchmark)."""
    return int(session.connection().execute(select(func.count()).select_from(table)).scalar_one())
