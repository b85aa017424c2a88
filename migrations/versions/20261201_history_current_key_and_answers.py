"""one current aggregate figure per key whoever sent it; turn-the-curve answers

``uq_aggregate_current`` no longer includes the reporter: a network figure re-sent by the
municipality supersedes the network's row instead of standing beside it. Keys that hold
several current rows from before (one per reporter) keep the latest recorded one current;
the others are marked superseded by it at its recorded time, as a re-send would have done.
``reflection_answer`` holds a session's answers to the turn-the-curve questions.

Revision ID: 20261201_history
Revises: 0007ijw
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261201_history"
down_revision: str | None = "0007ijw"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT = sa.text("superseded_at IS NULL")
_KEY = ["organisation_id", "indicator_id", "category", "period_start", "period_end", "source_kind"]
_SAME_KEY = " AND ".join(f"n.{c} = a.{c}" for c in _KEY)
_LATEST = (
    f"SELECT n.{{column}} FROM aggregate_measurement n WHERE n.superseded_at IS NULL "
    f"AND {_SAME_KEY} ORDER BY n.recorded_at DESC, n.id DESC LIMIT 1"
)
_SUPERSEDE_OLDER = f"""
UPDATE aggregate_measurement AS a
SET superseded_at = ({_LATEST.format(column="recorded_at")}),
    superseded_by_id = ({_LATEST.format(column="id")})
WHERE a.superseded_at IS NULL AND EXISTS (
  SELECT 1 FROM aggregate_measurement n WHERE n.superseded_at IS NULL AND {_SAME_KEY}
  AND (n.recorded_at > a.recorded_at OR (n.recorded_at = a.recorded_at AND n.id > a.id)))
"""


def upgrade() -> None:
    op.drop_index(
        "uq_aggregate_current",
        table_name="aggregate_measurement",
        sqlite_where=_CURRENT,
        postgresql_where=_CURRENT,
    )
    op.execute(_SUPERSEDE_OLDER)
    op.create_index(
        "uq_aggregate_current",
        "aggregate_measurement",
        _KEY,
        unique=True,
        sqlite_where=_CURRENT,
        postgresql_where=_CURRENT,
    )
    op.create_table(
        "reflection_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "question IN ('story', 'partners', 'what_works', 'plan')",
            name=op.f("ck_reflection_answer_question"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["app_user.id"],
            name=op.f("fk_reflection_answer_answered_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["reflection_session.id"],
            name=op.f("fk_reflection_answer_session_id_reflection_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection_answer")),
        sa.UniqueConstraint(
            "session_id", "indicator_code", "question", name="uq_reflection_answer"
        ),
    )
    op.create_index(
        op.f("ix_reflection_answer_session_id"), "reflection_answer", ["session_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reflection_answer_session_id"), table_name="reflection_answer")
    op.drop_table("reflection_answer")
    op.drop_index(
        "uq_aggregate_current",
        table_name="aggregate_measurement",
        sqlite_where=_CURRENT,
        postgresql_where=_CURRENT,
    )
    op.create_index(
        "uq_aggregate_current",
        "aggregate_measurement",
        [*_KEY, "reporting_org_id"],
        unique=True,
        sqlite_where=_CURRENT,
        postgresql_where=_CURRENT,
    )
