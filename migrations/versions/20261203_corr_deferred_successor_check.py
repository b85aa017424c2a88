"""Successor checks: an ingest may defer them to its own set-based verification

A correction batch stamped each replaced row twice (superseded_at before the insert of its
successors, superseded_by_id after it, because the per-statement successor check refuses a
reference to a row not yet inserted). The check functions now leave the check to the writer
while the transaction-local setting monitor.successor_check is 'deferred': the ingest sets
it, stamps and links in one UPDATE, inserts the successors, verifies every link itself in
one statement and resets the setting. Any other writer is checked as before.

Revision ID: 20261203_corr
Revises: 20261202_rollup
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261203_corr"
down_revision: str | None = "20261202_rollup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# frozen copies of the check functions of schema.partitions.successor_ddl, after and before
DEFERRABLE = [
    "CREATE OR REPLACE FUNCTION case_measurement_successor_exists() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF current_setting('monitor.successor_check', true) = 'deferred' THEN\n    RETURN NULL;\n  END IF;\n  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.superseded_by_id IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM case_measurement p\n                      WHERE p.id = n.superseded_by_id AND p.observed_on = n.observed_on)\n      AND NOT EXISTS (SELECT 1 FROM case_measurement p WHERE p.id = n.superseded_by_id)) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'case_measurement.superseded_by_id names no existing case_measurement row';\n  END IF;\n  RETURN NULL;\nEND $$",
    "CREATE OR REPLACE FUNCTION aggregate_measurement_successor_exists() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF current_setting('monitor.successor_check', true) = 'deferred' THEN\n    RETURN NULL;\n  END IF;\n  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.superseded_by_id IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM aggregate_measurement p\n                      WHERE p.id = n.superseded_by_id AND p.period_start = n.period_start)\n      AND NOT EXISTS (SELECT 1 FROM aggregate_measurement p WHERE p.id = n.superseded_by_id)) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'aggregate_measurement.superseded_by_id names no existing aggregate_measurement row';\n  END IF;\n  RETURN NULL;\nEND $$",
]
ALWAYS = [
    "CREATE OR REPLACE FUNCTION case_measurement_successor_exists() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.superseded_by_id IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM case_measurement p\n                      WHERE p.id = n.superseded_by_id AND p.observed_on = n.observed_on)\n      AND NOT EXISTS (SELECT 1 FROM case_measurement p WHERE p.id = n.superseded_by_id)) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'case_measurement.superseded_by_id names no existing case_measurement row';\n  END IF;\n  RETURN NULL;\nEND $$",
    "CREATE OR REPLACE FUNCTION aggregate_measurement_successor_exists() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.superseded_by_id IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM aggregate_measurement p\n                      WHERE p.id = n.superseded_by_id AND p.period_start = n.period_start)\n      AND NOT EXISTS (SELECT 1 FROM aggregate_measurement p WHERE p.id = n.superseded_by_id)) THEN\n    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'aggregate_measurement.superseded_by_id names no existing aggregate_measurement row';\n  END IF;\n  RETURN NULL;\nEND $$",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DEFERRABLE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in ALWAYS:
        op.execute(statement)
