"""aggregate_cell: the figure that counts now per aggregate series (PostgreSQL rollup)

The dashboards pool every network's latest figures per period; ranking all rows of all
networks per request cost ~85 ms at 200 networks. aggregate_cell keeps the latest current
row per series and the derived totals, maintained by statement triggers on
aggregate_measurement in the writing transaction. PostgreSQL only: SQLite reads
aggregate_measurement directly.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The rollup's functions and triggers as of this revision (schema.rollups builds
#: the same).
DDL = [
    "CREATE FUNCTION aggregate_cell_refresh(orgs integer[], codes text[]) RETURNS void\nLANGUAGE sql AS $$\nSELECT pg_advisory_xact_lock(20261129);\nDELETE FROM aggregate_cell WHERE organisation_id = ANY(orgs) AND indicator_code = ANY(codes);\nINSERT INTO aggregate_cell (indicator_code, organisation_id, period_code, source_kind, category, period_start, period_end, derived, value, numerator, denominator, figure, parts_value_sum, parts_figure_sum, parts_figure_mean)\nWITH ranked AS (\n  SELECT i.code, a.organisation_id, a.period_code, a.source_kind, a.category, a.period_start,\n         a.period_end, a.value, a.numerator, a.denominator,\n         CASE WHEN a.value IS NULL AND a.denominator > 0\n              THEN CAST(a.numerator AS double precision) / a.denominator * 100\n              ELSE a.value END AS figure,\n         row_number() OVER (\n           PARTITION BY a.organisation_id, i.code, a.period_code, a.category, a.source_kind\n           ORDER BY a.recorded_at DESC, a.id DESC) AS rank\n  FROM aggregate_measurement a JOIN indicator i ON i.id = a.indicator_id\n  WHERE a.superseded_at IS NULL AND a.organisation_id = ANY(orgs) AND i.code = ANY(codes)\n), latest AS (SELECT * FROM ranked WHERE rank = 1)\nSELECT code, organisation_id, period_code, source_kind, category, period_start, period_end,\n       false, value, numerator, denominator, figure, NULL, NULL, NULL\nFROM latest\nUNION ALL\nSELECT code, organisation_id, period_code, source_kind, '', period_start,\n       period_end, true, NULL, NULL, NULL, NULL,\n       sum(value), sum(figure), avg(figure)\nFROM latest\nGROUP BY code, organisation_id, period_code, period_start, period_end, source_kind\nHAVING count(*) FILTER (WHERE category <> '') > 0 AND count(*) FILTER (WHERE category = '') = 0\n$$",
    "CREATE FUNCTION aggregate_cell_after_write() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    PERFORM aggregate_cell_refresh(\n      ARRAY(SELECT DISTINCT organisation_id FROM old_rows),\n      ARRAY(SELECT DISTINCT i.code FROM old_rows o JOIN indicator i ON i.id = o.indicator_id));\n  ELSE\n    PERFORM aggregate_cell_refresh(\n      ARRAY(SELECT DISTINCT organisation_id FROM new_rows),\n      ARRAY(SELECT DISTINCT i.code FROM new_rows n JOIN indicator i ON i.id = n.indicator_id));\n  END IF;\n  IF TG_OP = 'UPDATE' THEN  -- a row moved to another organisation or indicator\n    PERFORM aggregate_cell_refresh(\n      ARRAY(SELECT DISTINCT organisation_id FROM old_rows),\n      ARRAY(SELECT DISTINCT i.code FROM old_rows o JOIN indicator i ON i.id = o.indicator_id));\n  END IF;\n  RETURN NULL;\nEND $$",
    "CREATE TRIGGER aggregate_cell_on_insert AFTER INSERT ON aggregate_measurement REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aggregate_cell_after_write()",
    "CREATE TRIGGER aggregate_cell_on_update AFTER UPDATE ON aggregate_measurement REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aggregate_cell_after_write()",
    "CREATE TRIGGER aggregate_cell_on_delete AFTER DELETE ON aggregate_measurement REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION aggregate_cell_after_write()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "aggregate_cell",
        sa.Column("indicator_code", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("derived", sa.Boolean(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("figure", sa.Float(), nullable=True),
        sa.Column("parts_value_sum", sa.Float(), nullable=True),
        sa.Column("parts_figure_sum", sa.Float(), nullable=True),
        sa.Column("parts_figure_mean", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint(
            "indicator_code",
            "organisation_id",
            "period_code",
            "source_kind",
            "category",
            name=op.f("pk_aggregate_cell"),
        ),
    )
    for statement in DDL:
        op.execute(statement)
    op.execute(
        "SELECT aggregate_cell_refresh(ARRAY(SELECT id FROM organisation), "
        "ARRAY(SELECT DISTINCT code FROM indicator))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS aggregate_cell_on_{event} ON aggregate_measurement")
    op.execute("DROP FUNCTION IF EXISTS aggregate_cell_after_write()")
    op.execute("DROP FUNCTION IF EXISTS aggregate_cell_refresh(integer[], text[])")
    op.drop_table("aggregate_cell")
