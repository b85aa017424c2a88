"""Corrections by supersession, set-based: a fixed number of statements per batch.

:func:`current_in_range` tells whether any current row could share a key with the batch (a
first load needs nothing more than its insert). Otherwise, per dialect:

* PostgreSQL (:func:`postgres`): the batch is COPYed once into a temporary staging table
  whose ``id`` column takes the measurement table's own sequence, so every new row has its
  id before it is stored. One statement then matches the staged rows to the current rows
  (the current-row index, with the period column bounded so that partitions prune), marks
  unchanged ones and stamps each replaced row's ``superseded_at`` and ``superseded_by_id``
  (one new row version per replaced row); one ``INSERT ... SELECT`` stores the new rows;
  one query verifies every link. The successor check of :mod:`schema.partitions` runs per
  statement and would refuse a link to a row not yet inserted: the ingest defers it
  (:data:`~schema.partitions.SUCCESSOR_CHECK`, transaction-local) to that verification.
  Participation (a foreign key, not deferrable) is linked by a third UPDATE instead.
* SQLite (:func:`sqlite`): the current rows are looked up through a temporary key table,
  compared in polars, stamped by one UPDATE, the new rows inserted, and the replaced rows
  linked to their successors by one more UPDATE.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from monitor.ingest.bulk import Progress, copy_frame, write_rows
from schema.partitions import PARTITION_KEYS, SUCCESSOR_CHECK

if TYPE_CHECKING:
    from monitor.ingest.store import TableSpec

#: (inserted, superseded, unchanged)
Counts = tuple[int, int, int]
_names = itertools.count()
_TEMP_TYPES: dict[pl.DataType | type[pl.DataType], type[TypeEngine[Any]]] = {
    pl.Int64: Integer,
    pl.Date: Date,
    pl.String: String,
    pl.Float64: Float,
}


def current_in_range(connection: Connection, spec: TableSpec, keys: pl.DataFrame) -> bool:
    """Whether a current row lies within the batch's bounds on every non-text key column
    (one index probe): when none does, no row of the batch can supersede anything."""
    table = spec.table
    bounds = [
        table.c[c].between(keys[c].min(), keys[c].max())
        for c in spec.key
        if keys.schema[c] != pl.String
    ]
    probe = select(table.c.id).where(table.c.superseded_at.is_(None), *bounds).limit(1)
    return connection.execute(probe).first() is not None


class DanglingSuccessor(RuntimeError):
    """A replaced row would name a successor that was not stored (the batch rolls back)."""


def postgres(
    connection: Connection,
    spec: TableSpec,
    rows: pl.DataFrame,
    now: datetime,
    progress: Progress | None,
) -> Counts:
    """Stage, supersede and insert ``rows`` (``spec.columns``) in one pass each."""
    target, period = spec.table.name, spec.period
    # a partitioned table's successor check (a trigger) can be left to verify_successors;
    # a foreign key (participation) cannot: there the link waits for the insert
    deferred = target in PARTITION_KEYS
    stage = f"_ingest_stage_{next(_names)}"
    connection.execute(
        text(
            f'CREATE TEMPORARY TABLE "{stage}" (LIKE "{target}" INCLUDING DEFAULTS, '
            "_old_id bigint, _same boolean) ON COMMIT DROP"
        )
    )
    copy_frame(connection, stage, rows, progress)  # ids drawn from the table's sequence
    connection.execute(text(f'ANALYZE "{stage}"'))  # so the match walks the current-row index
    bounds = {"low": rows[period].min(), "high": rows[period].max()}
    # (the planner keeps its hash joins: with them off, the oracle's corrections of a few
    # thousand rows took 10-47 s a statement, nested loops over the stage; with them on, 0.1 s)
    prior = set_local(connection, {SUCCESSOR_CHECK: "deferred"} if deferred else {})
    on = " AND ".join(f'm."{c}" = s."{c}"' for c in spec.key)
    same = " AND ".join(f'm."{c}" IS NOT DISTINCT FROM s."{c}"' for c in spec.compare)
    in_range = f'm."{period}" BETWEEN :low AND :high'
    link = ", superseded_by_id = s.id" if deferred else ""
    # the replaced rows are stamped (and linked) by the statement that finds them, through
    # the current-row index; their staged successors learn whom they replace by a join of
    # the stage with the returned ids, not of the table with the stage a second time
    superseded = connection.execute(
        text(
            f"""WITH replaced AS (
  UPDATE "{target}" m SET superseded_at = :now{link}
  FROM "{stage}" s
  WHERE m.superseded_at IS NULL AND {on} AND {in_range} AND NOT ({same})
  RETURNING m.id AS old_id, s.id AS new_id
)
UPDATE "{stage}" s SET _old_id = r.old_id, _same = false FROM replaced r WHERE s.id = r.new_id"""
        ),
        {"now": now, **bounds},
    ).rowcount
    # the unchanged rows: looked up for the staged rows that replaced nothing, values
    # compared again (a row another batch made current meanwhile is not "unchanged": the
    # insert then meets it in the current-row index and the batch is retried)
    unchanged = connection.execute(
        text(
            f'UPDATE "{stage}" s SET _old_id = m.id, _same = true FROM "{target}" m '
            f"WHERE s._old_id IS NULL AND m.superseded_at IS NULL AND {on} AND {in_range} "
            f"AND {same}"
        ),
        bounds,
    ).rowcount
    inserted = insert_new(connection, spec, stage)
    if deferred:
        verify_successors(connection, spec, stage, bounds, prior)
        return int(inserted), int(superseded), int(unchanged)
    if superseded:
        connection.execute(
            text(
                f'UPDATE "{target}" m SET superseded_by_id = s.id FROM "{stage}" s '
                f'WHERE m.id = s._old_id AND NOT s._same AND m."{period}" = s."{period}" '
                f'AND m."{period}" BETWEEN :low AND :high'
            ),
            bounds,
        )
    set_local(connection, prior)
    return int(inserted), int(superseded), int(unchanged)


def set_local(connection: Connection, settings: dict[str, str]) -> dict[str, str]:
    """Set ``settings`` for the rest of the transaction, in one statement; returns the
    values they had."""
    if not settings:
        return {}
    sets, params = _set_configs(settings)
    had = ", ".join(
        f"coalesce(current_setting(:n{i}, true), '') AS p{i}" for i in range(len(settings))
    )
    kept = ", ".join(f"p.p{i}" for i in range(len(settings)))
    row = connection.execute(
        text(f"SELECT {kept}, {sets} FROM (SELECT {had} OFFSET 0) p"), params
    ).one()
    return dict(zip(settings, row[: len(settings)], strict=True))


def _set_configs(settings: dict[str, str]) -> tuple[str, dict[str, str]]:
    """``set_config(name, value, true)`` (transaction-local) for each setting, as one SQL
    select list with its parameters (``n0``, ``v0``, ...)."""
    params: dict[str, str] = {}
    for i, (name, value) in enumerate(settings.items()):
        params |= {f"n{i}": name, f"v{i}": value}
    return ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(settings))), params


def insert_new(connection: Connection, spec: TableSpec, stage: str) -> int:
    """Store the staged rows that are new or changed (ids as staged); returns how many."""
    columns = ", ".join(f'"{c}"' for c in ("id", *spec.columns))
    return connection.execute(
        text(
            f'INSERT INTO "{spec.table.name}" ({columns}) SELECT {columns} FROM "{stage}" '
            "WHERE _old_id IS NULL OR NOT _same ORDER BY id"
        )
    ).rowcount


def verify_successors(
    connection: Connection,
    spec: TableSpec,
    stage: str,
    bounds: dict[str, Any],
    restore: dict[str, str],
) -> None:
    """The successor check left to the ingest, in one statement: every row this batch
    replaced names a stored row of its own key; the deferral ends here (``restore``: the
    settings as they were). Raises :class:`DanglingSuccessor` otherwise."""
    target, period = spec.table.name, spec.period
    on = " AND ".join(f'p."{c}" = m."{c}"' for c in spec.key)
    sets, params = _set_configs(restore)
    dangling, *_ = connection.execute(
        text(
            # each staged row looks up its replaced row (LATERAL: the stage drives; its
            # statistics predate the match, which filled _old_id and _same, and a plan
            # driven by the table's rows in range rescanned the stage for each of them)
            f"""SELECT (SELECT count(*) FROM "{stage}" s CROSS JOIN LATERAL (
          SELECT m.* FROM "{target}" m
          WHERE m.id = s._old_id AND m."{period}" = s."{period}"
            AND m."{period}" BETWEEN :low AND :high
          LIMIT 1) m
        WHERE s._old_id IS NOT NULL AND NOT s._same AND NOT EXISTS (
          SELECT 1 FROM "{target}" p WHERE p.id = m.superseded_by_id AND {on}
            AND p."{period}" BETWEEN :low AND :high)){", " if sets else ""}{sets}"""
        ),
        {**bounds, **params},
    ).one()
    if dangling:
        raise DanglingSuccessor(
            f"{dangling} replaced {target} rows name no stored successor of their key"
        )


def sqlite(
    connection: Connection,
    spec: TableSpec,
    rows: pl.DataFrame,
    now: datetime,
    progress: Progress | None,
) -> Counts:
    """Look up, compare in polars, stamp, insert, link: five statements per batch."""
    existing = _existing_current(connection, spec, rows.select(spec.key))
    merged = rows.join(existing, on=list(spec.key), how="left", nulls_equal=True)
    same = pl.all_horizontal(
        [pl.col(c).eq_missing(pl.col(f"_old_{c}").cast(rows.schema[c])) for c in spec.compare]
    )
    has_old = pl.col("_old_id").is_not_null()
    merged = merged.with_columns(_unchanged=has_old & same)
    old_ids = merged.filter(has_old & ~pl.col("_unchanged"))["_old_id"]
    table = spec.table
    if old_ids.len():
        # before the insert: the current-row index admits one current row per key
        connection.execute(
            update(table).where(_id_in(table)).values(superseded_at=now),
            {"ids": _id_list(old_ids)},
        )
    new = merged.filter(~pl.col("_unchanged")).select(spec.columns)
    write_rows(connection, table, new, progress)
    if old_ids.len():
        successor = table.alias("successor")
        connection.execute(
            update(table)
            .where(
                _id_in(table),
                successor.c.superseded_at.is_(None),
                *[successor.c[c] == table.c[c] for c in spec.key],
            )
            .values(superseded_by_id=successor.c.id),
            {"ids": _id_list(old_ids)},
        )
    return new.height, old_ids.len(), int(merged["_unchanged"].sum())


def _existing_current(connection: Connection, spec: TableSpec, keys: pl.DataFrame) -> pl.DataFrame:
    """Current stored rows whose key matches a row of ``keys`` (via a temporary key table)."""
    table = spec.table
    name = f"_ingest_keys_{next(_names)}"
    temp = Table(
        name,
        MetaData(),
        *[Column(c, _TEMP_TYPES[keys.schema[c]]()) for c in spec.key],
        prefixes=["TEMPORARY"],
    )
    temp.create(connection)
    try:
        write_rows(connection, temp, keys)
        joined = (
            select(
                *[temp.c[c] for c in spec.key],
                table.c.id.label("_old_id"),
                *[table.c[c].label(f"_old_{c}") for c in spec.compare],
            )
            .select_from(temp)
            .join(table, and_(*[table.c[c] == temp.c[c] for c in spec.key]))
            .where(table.c.superseded_at.is_(None))
        )
        rows = connection.execute(joined).all()
    finally:
        temp.drop(connection)
    names = [*spec.key, "_old_id", *[f"_old_{c}" for c in spec.compare]]
    if not rows:
        return pl.DataFrame(
            schema={
                **keys.schema,
                "_old_id": pl.Int64,
                **{n: pl.Null for n in names[-len(spec.compare) :]},
            }
        )
    found = pl.DataFrame(
        [tuple(r) for r in rows], schema=names, orient="row", infer_schema_length=None
    )
    return found.with_columns([pl.col(c).cast(keys.schema[c]) for c in spec.key])


def _id_list(ids: pl.Series) -> str:
    """Row ids as one JSON-array body ("1,2,3"): no per-element conversion by the driver."""
    return ",".join(ids.cast(pl.String).to_list())


def _id_in(table: Table) -> ColumnElement[bool]:
    """``table.id`` is one of the ids in the text parameter ``ids`` (:func:`_id_list`)."""
    ids = bindparam("ids", type_=String)
    listed = func.json_each(literal("[", String) + ids + literal("]", String)).table_valued("value")
    return table.c.id.in_(select(listed.c.value))
