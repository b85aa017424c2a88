"""The migrated schema equals the models (no drift), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import schema
from monitor import db
from schema.base import created_on
from schema.partitions import is_partition


def test_migrated_schema_has_no_drift(engine):
    with engine.connect() as conn:
        dialect = conn.dialect.name

        def include(item, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
            if reflected:  # a partition is part of its parent table
                return not (type_ == "table" and is_partition(name))
            return created_on(item, dialect)

        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include}
        )
        diff = compare_metadata(context, schema.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_database_is_at_head_and_upgrade_is_idempotent(engine):
    assert db.current_revision(engine) == db.head_revision()
    assert db.upgrade(engine) == db.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {
        "indicator",
        "organisation",
        "case_measurement",
        "aggregate_measurement",
        "submission",
        "app_user",
        "audit_entry",
        "participation",
    } <= tables


def test_empty_database_upgrades_from_scratch(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert db.current_revision(engine) is None
    assert db.upgrade(engine) == db.head_revision()


def test_require_migrated_names_the_fix(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        db.require_migrated(engine)
    except Exception as exc:  # noqa: BLE001
        assert "monitor db upgrade" in str(exc)
    else:
        raise AssertionError("an empty database must be refused")


def test_postgres_triggers_and_functions_match_the_models(engine):
    """Alembic does not compare functions and triggers: the migrated ones must be exactly
    what ``schema`` defines (append-only measurements and audit trail; on PostgreSQL also
    the reference checks of case_measurement and the aggregate_cell rollup, where SQLite
    has foreign keys)."""
    import re

    from sqlalchemy import text

    from schema.measurements import APPEND_ONLY_DDL, CASE_INTEGRITY_DDL
    from schema.partitions import PARTITION_FUNCTION_DDL, SUCCESSOR_DDL
    from schema.rollups import AGGREGATE_CELL_DDL

    ddl = [
        *CASE_INTEGRITY_DDL,
        *AGGREGATE_CELL_DDL,
        *APPEND_ONLY_DDL["postgresql"],
        PARTITION_FUNCTION_DDL,
        *SUCCESSOR_DDL,
    ]
    with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            for statement in APPEND_ONLY_DDL["sqlite"]:
                name = re.match(r"CREATE TRIGGER (\w+) ", statement).group(1)
                stored = conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
                    {"n": name},
                ).scalar_one()
                assert stored == statement, f"trigger {name} differs from schema"
            fks = inspect(conn).get_foreign_keys("case_measurement")
            assert {fk["constrained_columns"][0] for fk in fks} >= {
                "child_id",
                "indicator_id",
                "reporting_org_id",
                "submission_id",
            }
            return
        for statement in ddl:
            function = re.match(r"CREATE FUNCTION (\w+)\(", statement)
            if function:
                body = statement.split("$$")[1]
                stored = conn.execute(
                    text("SELECT prosrc FROM pg_proc WHERE proname = :n"),
                    {"n": function.group(1)},
                ).scalar_one()
                assert stored == body, f"{function.group(1)} differs from schema"
            trigger = re.match(r"CREATE TRIGGER (\w+) ", statement)
            if trigger:
                found = conn.execute(
                    # on the table itself (a partitioned table's row triggers are also
                    # cloned onto each partition)
                    text("SELECT count(*) FROM pg_trigger WHERE tgname = :n AND tgparentid = 0"),
                    {"n": trigger.group(1)},
                ).scalar_one()
                assert found == 1, f"trigger {trigger.group(1)} missing"
        # partitioned: no foreign key can name id alone (SUCCESSOR_DDL checks the successor)
        assert inspect(conn).get_foreign_keys("case_measurement") == []
        fks = inspect(conn).get_foreign_keys("aggregate_measurement")
        assert "superseded_by_id" not in {fk["constrained_columns"][0] for fk in fks}
