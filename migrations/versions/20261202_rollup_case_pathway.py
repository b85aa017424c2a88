"""case_pathway: each child's care path per subject and half-year (case rollup)

The care-pathway dashboard followed every signal of a network's pupils to referral and
care from the raw case rows per request (~150 ms p95 at 10 M rows). case_pathway holds
the paths of the current rows, kept by monitor.rollups in the writing transaction, on
SQLite and PostgreSQL. Filled here from the rows already stored.

Revision ID: 20261202_rollup
Revises: 20261202_part
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261202_rollup"
down_revision: str | None = "20261202_part"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_pathway",
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("referrer", sa.String(length=60), nullable=False),
        sa.Column("care_type", sa.String(length=60), nullable=True),
        sa.Column("ending", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint(
            "subject_id", "period_code", "child_id", name=op.f("pk_case_pathway")
        ),
    )
    op.create_index("ix_case_pathway_child", "case_pathway", ["child_id"])
    from monitor.rollups import rebuild  # the paths of the rows already stored

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_case_pathway_child", table_name="case_pathway")
    op.drop_table("case_pathway")
