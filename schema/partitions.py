"""PostgreSQL: the measurement history partitioned by year of observation.

``case_measurement`` (by ``observed_on``) and ``aggregate_measurement`` (by
``period_start``) are declaratively RANGE-partitioned, one partition a year
(``<table>_y2024`` holds 2024-01-01 up to, not including, 2025-01-01) and a DEFAULT
partition (``<table>_default``) for any other date, so that no insert ever fails. Indexes
are declared on the parent (each partition gets its own); the primary key is
``(id, <key>)`` because a unique index on a partitioned table must hold the partition key,
and ids still come from one sequence, so ``id`` alone stays unique.

For the same reason no foreign key can point at ``id`` alone: the self-reference
``superseded_by_id`` is checked per statement by the triggers of :func:`successor_ddl`
(SQLite keeps its foreign key and one unpartitioned table). Partitions are added by
:data:`PARTITION_FUNCTION_DDL` (the migration, and ``monitor db upgrade`` for the years
ahead); it moves a year's rows out of the DEFAULT partition when it has some.
"""

from __future__ import annotations

import re

from sqlalchemy import ForeignKeyConstraint

#: The partitioned tables and their partition keys (a date column).
PARTITION_KEYS = {"case_measurement": "observed_on", "aggregate_measurement": "period_start"}

#: How many years past the current one have a partition ready.
YEARS_AHEAD = 2

#: First partitioned year when neither data nor catalogue says earlier: the Jeugdwet
#: (2015-01-01), the shipped catalogue's earliest ``valid_from``.
FIRST_YEAR = 2015


def partition_name(table: str, year: int) -> str:
    """The partition of ``table`` holding ``year``."""
    return f"{table}_y{year}"


def default_partition(table: str) -> str:
    """The DEFAULT partition of ``table``: every date no year partition holds."""
    return f"{table}_default"


def sqlite_only_successor(table: str) -> ForeignKeyConstraint:
    """``superseded_by_id`` references the same table: a foreign key on SQLite; on
    PostgreSQL, where the table is partitioned and ``id`` alone is no unique key, the
    triggers of :data:`SUCCESSOR_DDL`."""
    return ForeignKeyConstraint(
        ["superseded_by_id"], [f"{table}.id"], name=f"fk_{table}_superseded_by_id_{table}"
    ).ddl_if(dialect="sqlite")


def is_partition(name: str) -> bool:
    """Whether the table ``name`` is a partition (reflected by Alembic's comparison as a
    table of its own, but defined by its parent)."""
    tables = "|".join(PARTITION_KEYS)
    return re.fullmatch(rf"({tables})_(y[0-9]{{4}}|default)", name) is not None


#: ``measurement_partition_add(parent, key, year)``: create ``parent``'s partition for
#: ``year`` unless it exists; rows of that year already in the DEFAULT partition are moved
#: into it first (under a lock on the DEFAULT partition). Returns what it did.
PARTITION_FUNCTION_DDL = """CREATE FUNCTION measurement_partition_add(
  parent text, key text, year integer) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  part text := parent || '_y' || year;
  fallback text := parent || '_default';
  lo date := make_date(year, 1, 1);
  hi date := make_date(year + 1, 1, 1);
  held bigint;
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN 'present';
  END IF;
  -- writers wait (readers do not) until the partition is in place
  EXECUTE format('LOCK TABLE ONLY %I IN SHARE ROW EXCLUSIVE MODE', parent);
  EXECUTE format('LOCK TABLE %I IN SHARE ROW EXCLUSIVE MODE', fallback);
  EXECUTE format('SELECT count(*) FROM %I WHERE %I >= %L AND %I < %L',
                 fallback, key, lo, key, hi) INTO held;
  IF held = 0 THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                   part, parent, lo, hi);
    RETURN 'created';
  END IF;
  -- split the year out of the default partition: move its rows (ids and stamps kept) into
  -- a table of the parent's shape, then attach that as the year's partition
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                 part, parent);
  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) '
                 'INSERT INTO %I SELECT * FROM moved', fallback, key, lo, key, hi, part);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                 parent, part, lo, hi);
  RETURN 'split: ' || held || ' rows moved out of ' || fallback;
END $$"""


#: A transaction-local setting (``SET LOCAL``): ``deferred`` while an ingest stamps and links
#: replaced rows to successors it inserts next, and verifies itself, set-based, in the same
#: transaction (:func:`monitor.ingest.supersede.postgres`).
SUCCESSOR_CHECK = "monitor.successor_check"


def successor_ddl(table: str, key: str) -> list[str]:
    """PostgreSQL: ``table.superseded_by_id`` names an existing row of ``table``, checked
    per statement (the foreign key's guarantees, NO ACTION, without it).

    A written row's successor must exist (looked up in the row's own partition first: a
    correction keeps the key, ``key`` included); a row that others name as their
    successor cannot be deleted or renumbered. While :data:`SUCCESSOR_CHECK` is
    ``deferred`` the write check is left to the writer that set it (the ingest)."""
    named = f"{table}.superseded_by_id"
    refuse_missing = (
        "    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = "
        f"'{named} names no existing {table} row';"
    )
    refuse_named = (
        "    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = "
        f"'{table} row is still named by {named}';"
    )
    check, deleted, renumbered = (
        f"{table}_successor_exists",
        f"{table}_successor_deleted",
        f"{table}_successor_renumbered",
    )
    return [
        f"CREATE FUNCTION {check}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"  IF current_setting('{SUCCESSOR_CHECK}', true) = 'deferred' THEN\n"
        "    RETURN NULL;\n  END IF;\n"
        "  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.superseded_by_id IS NOT NULL\n"
        f"      AND NOT EXISTS (SELECT 1 FROM {table} p\n"
        f"                      WHERE p.id = n.superseded_by_id AND p.{key} = n.{key})\n"
        f"      AND NOT EXISTS (SELECT 1 FROM {table} p WHERE p.id = n.superseded_by_id)) THEN\n"
        f"{refuse_missing}\n  END IF;\n  RETURN NULL;\nEND $$",
        *[
            f"CREATE TRIGGER {table}_successor_on_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {check}()"
            for event in ("INSERT", "UPDATE")
        ],
        f"CREATE FUNCTION {deleted}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"  IF EXISTS (SELECT 1 FROM old_rows o JOIN {table} m ON m.superseded_by_id = o.id) "
        f"THEN\n{refuse_named}\n  END IF;\n  RETURN NULL;\nEND $$",
        f"CREATE TRIGGER {deleted} AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {deleted}()",
        f"CREATE FUNCTION {renumbered}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"  IF EXISTS (SELECT 1 FROM {table} m WHERE m.superseded_by_id = OLD.id) THEN\n"
        f"{refuse_named}\n  END IF;\n  RETURN NEW;\nEND $$",
        f"CREATE TRIGGER {renumbered} BEFORE UPDATE OF id ON {table} FOR EACH ROW "
        f"WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {renumbered}()",
    ]


#: The PostgreSQL DDL of both tables' successor checks (also run by migration
#: 20261202_part; the write checks replaced by migration 20261203_corr).
SUCCESSOR_DDL = [
    statement for table, key in PARTITION_KEYS.items() for statement in successor_ddl(table, key)
]
