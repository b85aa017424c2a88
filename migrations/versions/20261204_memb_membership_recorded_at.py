"""network_membership.recorded_at: when a membership was entered

A network's figures "as of" an earlier moment (a reflection session's "as known then")
counted every membership stored now, so entering a school's membership afterwards, with a
start date in the past, changed what the network was said to have known then. Memberships
now carry the moment they were entered; those entered before this revision keep it empty
and count at any moment, as they did.

Revision ID: 20261204_memb
Revises: 20261203_dash
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261204_memb"
down_revision: str | None = "20261203_dash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("network_membership") as batch:
        batch.add_column(
            sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("network_membership") as batch:
        batch.drop_column("recorded_at")
