"""aggregate_cell: an index by indicator and category for comparison groups

The trend page pools one indicator's totals over every network per request; without an
index leading with the indicator and the category, PostgreSQL read the whole rollup (all
indicators, every category) to find them. PostgreSQL only, like the table.

Revision ID: 20261203_dash
Revises: 20261203_corr
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261203_dash"
down_revision: str | None = "20261203_corr"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_aggregate_cell_code_category",
        "aggregate_cell",
        ["indicator_code", "category", "organisation_id"],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_aggregate_cell_code_category", table_name="aggregate_cell")
