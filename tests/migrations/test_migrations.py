"""The migrated schema equals the models (no drift), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import schema
from monitor import db
from schema.base import created_on


def test_migrated_schema_has_no_drift(engine):
    with engine.connect() as conn:
        dialect = conn.dialect.name

        def include(item, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
            return reflected or created_on(item, dialect)

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
