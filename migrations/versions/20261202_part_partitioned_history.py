"""case_measurement and aggregate_measurement partitioned by year (PostgreSQL)

Each table becomes a RANGE-partitioned table (case rows by ``observed_on``, aggregates by
``period_start``) with a partition a year, from the earliest year in the data or the
catalogue to the current year + 2, and a DEFAULT partition. In one transaction per
table: the old table is renamed, the partitioned one created in its shape, every row
copied (ids kept, the id sequence handed over), the old table dropped, and its indexes,
triggers and foreign keys recreated on the new one; the primary key becomes
``(id, <partition key>)``. The self-reference ``superseded_by_id`` is no foreign key any
more (nothing can reference ``id`` alone of a partitioned table): triggers check it per
statement. The downgrade copies the rows back into one table each. SQLite: unchanged.

Revision ID: 20261202_part
Revises: 20261201_history
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "20261202_part"
down_revision: str | None = "20261201_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = {"case_measurement": "observed_on", "aggregate_measurement": "period_start"}
FIRST_YEAR, YEARS_AHEAD = 2015, 2

# frozen copies of schema.partitions.PARTITION_FUNCTION_DDL and SUCCESSOR_DDL
PARTITION_FUNCTION = "CREATE FUNCTION measurement_partition_add(\n  parent text, key text, year integer) RETURNS text LANGUAGE plpgsql AS $$\nDECLARE\n  part text := parent || '_y' || year;\n  fallback text := parent || '_default';\n  lo date := make_date(year, 1, 1);\n  hi date := make_date(year + 1, 1, 1);\n  held bigint;\nBEGIN\n  IF to_regclass(part) IS NOT NULL THEN\n    RETURN 'present';\n  END IF;\n  -- writers wait (readers do not) until the partition is in place\n  EXECUTE format('LOCK TABLE ONLY %I IN SHARE ROW EXCLUSIVE MODE', parent);\n  EXECUTE format('LOCK TABLE %I IN SHARE ROW EXCLUSIVE MODE', fallback);\n  EXECUTE format('SELECT count(*) FROM %I WHERE %I >= %L AND %I < %L',\n                 fallback, key, lo, key, hi) INTO held;\n  IF held = 0 THEN\n    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',\n                   part, parent, lo, hi);\n    RETURN 'created';\n  END IF;\n  -- split the year out of the default partition: move its rows (ids and stamps kept) into\n  -- a table of the parent's shape, then attach that as the year's partition\n  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',\n                 part, parent);\n  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) '\n                 'INSERT INTO %I SELECT * FROM moved', fallback, key, lo, key, hi, part);\n  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',\n                 parent, part, lo, hi);\n  RETURN 'split: ' || held || ' rows moved out of ' || fallback;\nEND $$"
SUCCESSOR = [
    "CREATE FUNCTION case_measurement_successor_exists() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.superseded_by_id IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM case_measurement p\n                      WHERE p.id = n.superseded_by_id AND p.observed_on = n.observed_on)\n      AND NOT EXISTS (SELECT 1 FROM case_measurement p WHERE p.id = n.superseded_by_id)) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'case_measurement.superseded_by_id names no existing case_measurement row';\n  END IF;\n  RETURN NULL;\nEND $$",
    "CREATE TRIGGER case_measurement_successor_on_insert AFTER INSERT ON case_measurement REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_measurement_successor_exists()",
    "CREATE TRIGGER case_measurement_successor_on_update AFTER UPDATE ON case_measurement REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_measurement_successor_exists()",
    "CREATE FUNCTION case_measurement_successor_deleted() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM old_rows o JOIN case_measurement m ON m.superseded_by_id = o.id) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'case_measurement row is still named by case_measurement.superseded_by_id';\n  END IF;\n  RETURN NULL;\nEND $$",
    "CREATE TRIGGER case_measurement_successor_deleted AFTER DELETE ON case_measurement REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_measurement_successor_deleted()",
    "CREATE FUNCTION case_measurement_successor_renumbered() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM case_measurement m WHERE m.superseded_by_id = OLD.id) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'case_measurement row is still named by case_measurement.superseded_by_id';\n  END IF;\n  RETURN NEW;\nEND $$",
    "CREATE TRIGGER case_measurement_successor_renumbered BEFORE UPDATE OF id ON case_measurement FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION case_measurement_successor_renumbered()",
    "CREATE FUNCTION aggregate_measurement_successor_exists() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.superseded_by_id IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM aggregate_measurement p\n                      WHERE p.id = n.superseded_by_id AND p.period_start = n.period_start)\n      AND NOT EXISTS (SELECT 1 FROM aggregate_measurement p WHERE p.id = n.superseded_by_id)) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'aggregate_measurement.superseded_by_id names no existing aggregate_measurement row';\n  END IF;\n  RETURN NULL;\nEND $$",
    "CREATE TRIGGER aggregate_measurement_successor_on_insert AFTER INSERT ON aggregate_measurement REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aggregate_measurement_successor_exists()",
    "CREATE TRIGGER aggregate_measurement_successor_on_update AFTER UPDATE ON aggregate_measurement REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aggregate_measurement_successor_exists()",
    "CREATE FUNCTION aggregate_measurement_successor_deleted() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM old_rows o JOIN aggregate_measurement m ON m.superseded_by_id = o.id) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'aggregate_measurement row is still named by aggregate_measurement.superseded_by_id';\n  END IF;\n  RETURN NULL;\nEND $$",
    "CREATE TRIGGER aggregate_measurement_successor_deleted AFTER DELETE ON aggregate_measurement REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION aggregate_measurement_successor_deleted()",
    "CREATE FUNCTION aggregate_measurement_successor_renumbered() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM aggregate_measurement m WHERE m.superseded_by_id = OLD.id) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'aggregate_measurement row is still named by aggregate_measurement.superseded_by_id';\n  END IF;\n  RETURN NEW;\nEND $$",
    "CREATE TRIGGER aggregate_measurement_successor_renumbered BEFORE UPDATE OF id ON aggregate_measurement FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION aggregate_measurement_successor_renumbered()",
]


def _scalar(sql: str, **params: object) -> object:
    return op.get_bind().execute(sa.text(sql), params).scalar()


def _definitions(table: str) -> list[str]:
    """CREATE statements of ``table``'s indexes (not the primary key), user triggers and
    foreign keys to other tables, naming the table as ``{table}``."""
    bind, regclass = op.get_bind(), {"t": table}
    indexes = bind.execute(
        sa.text(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = to_regclass(:t) AND NOT i.indisprimary ORDER BY i.indexrelid"
        ),
        regclass,
    ).scalars()
    triggers = bind.execute(
        sa.text(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = to_regclass(:t) "
            "AND NOT tgisinternal AND tgname NOT LIKE '%\\_successor\\_%' ORDER BY oid"
        ),
        regclass,
    ).scalars()
    foreign = bind.execute(
        sa.text(
            "SELECT 'ALTER TABLE {table} ADD CONSTRAINT ' || quote_ident(conname) || ' ' || "
            "pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(:t) "
            "AND contype = 'f' AND confrelid <> conrelid ORDER BY oid"
        ),
        regclass,
    ).scalars()
    named = [
        d.replace(f" ON ONLY public.{table} ", " ON {table} ").replace(
            f" ON public.{table} ", " ON {table} "
        )
        for d in [*indexes, *triggers]
    ]
    return named + list(foreign)


def _years() -> range:
    """The earliest year in the data or the catalogue (or FIRST_YEAR) to now + 2."""
    earliest = _scalar(
        "SELECT CAST(extract(year FROM least((SELECT min(observed_on) FROM case_measurement),"
        " (SELECT min(period_start) FROM aggregate_measurement),"
        " (SELECT min(valid_from) FROM indicator))) AS integer)"
    )
    last = datetime.now(UTC).year + YEARS_AHEAD
    first = FIRST_YEAR if earliest is None else min(int(str(earliest)), last)
    return range(first, last + 1)


def _rebuild(table: str, key: str | None, years: range) -> None:
    """Copy ``table`` into a new table of its shape, partitioned by ``key`` (None: not
    partitioned), keeping ids, the sequence, indexes, triggers and foreign keys."""
    old = f"{table}_previous"
    definitions = _definitions(table)
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    partition_by = f" PARTITION BY RANGE ({key})" if key else ""
    op.execute(
        f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS){partition_by}"
    )
    if key:
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        for year in years:
            _scalar("SELECT measurement_partition_add(:t, :k, :y)", t=table, k=key, y=year)
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
    op.execute(f"DROP TABLE {old}")
    primary = f"id, {key}" if key else "id"
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({primary})")
    for statement in definitions:
        op.execute(statement.replace("{table}", table))
    if not key:  # the self-reference is a foreign key again
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_superseded_by_id_{table} "
            f"FOREIGN KEY (superseded_by_id) REFERENCES {table} (id)"
        )
    op.execute(f"ANALYZE {table}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(PARTITION_FUNCTION)
    years = _years()
    for table, key in KEYS.items():
        _rebuild(table, key, years)
    for statement in SUCCESSOR:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in KEYS:
        for name in ("on_insert", "on_update", "deleted", "renumbered"):
            op.execute(f"DROP TRIGGER {table}_successor_{name} ON {table}")
        for name in ("exists", "deleted", "renumbered"):
            op.execute(f"DROP FUNCTION {table}_successor_{name}()")
        _rebuild(table, None, range(0))
    op.execute("DROP FUNCTION measurement_partition_add(text, text, integer)")
