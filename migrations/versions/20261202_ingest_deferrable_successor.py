"""superseded_by_id references are deferrable (PostgreSQL)

A correction batch stamps each replaced row with ``superseded_at`` and its successor's
``superseded_by_id`` in one UPDATE, just before the successors (whose ids it drew from the
table's sequence) are inserted; the reference is checked when both statements are done
(``SET CONSTRAINTS ALL DEFERRED`` ... ``IMMEDIATE``). ``DEFERRABLE INITIALLY IMMEDIATE``:
every other writer keeps the check per statement. A table whose self-reference is gone
(e.g. a partitioned one) is left alone. SQLite checks nothing here (its path links the rows
after the insert), so nothing changes there.

Revision ID: 20261202_ingest
Revises: 20261201_history
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261202_ingest"
down_revision: str | None = "20261201_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("case_measurement", "aggregate_measurement", "participation")


def _alter(mode: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        name = f"fk_{table}_superseded_by_id_{table}"
        op.execute(
            f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{name}') "
            f"THEN ALTER TABLE {table} ALTER CONSTRAINT {name} {mode}; END IF; END $$"
        )


def upgrade() -> None:
    _alter("DEFERRABLE INITIALLY IMMEDIATE")


def downgrade() -> None:
    _alter("NOT DEFERRABLE")
