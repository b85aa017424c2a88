"""published figures: who publishes an indicator, the publisher's status of a figure

An indicator published by a statistics office (CBS StatLine) names its publisher; such a
figure is stored as published and never pooled. A published aggregate row keeps CBS's
status (voorlopig, nader_voorlopig, definitief): a later status is a correction, a new
row, so "as of" shows what CBS said then. The append-only trigger of
aggregate_measurement now also keeps ``status`` fixed.

Revision ID: 20261201_cbs
Revises: 0006
Create Date: 2026-12-01 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261201_cbs"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: aggregate_measurement's append-only trigger with ``status`` (schema.measurements).
TRIGGER = {
    "postgresql": "CREATE TRIGGER aggregate_measurement_append_only BEFORE UPDATE ON aggregate_measurement FOR EACH ROW WHEN ((OLD.organisation_id, OLD.indicator_id, OLD.reporting_org_id, OLD.submission_id, OLD.period_code, OLD.period_start, OLD.period_end, OLD.category, OLD.value, OLD.numerator, OLD.denominator, OLD.source_kind, OLD.status, OLD.recorded_at) IS DISTINCT FROM (NEW.organisation_id, NEW.indicator_id, NEW.reporting_org_id, NEW.submission_id, NEW.period_code, NEW.period_start, NEW.period_end, NEW.category, NEW.value, NEW.numerator, NEW.denominator, NEW.source_kind, NEW.status, NEW.recorded_at) OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS DISTINCT FROM NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS DISTINCT FROM NEW.superseded_by_id)) EXECUTE FUNCTION aggregate_measurement_append_only()",
    "sqlite": "CREATE TRIGGER aggregate_measurement_append_only BEFORE UPDATE ON aggregate_measurement FOR EACH ROW WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.indicator_id IS NOT NEW.indicator_id OR OLD.reporting_org_id IS NOT NEW.reporting_org_id OR OLD.submission_id IS NOT NEW.submission_id OR OLD.period_code IS NOT NEW.period_code OR OLD.period_start IS NOT NEW.period_start OR OLD.period_end IS NOT NEW.period_end OR OLD.category IS NOT NEW.category OR OLD.value IS NOT NEW.value OR OLD.numerator IS NOT NEW.numerator OR OLD.denominator IS NOT NEW.denominator OR OLD.source_kind IS NOT NEW.source_kind OR OLD.status IS NOT NEW.status OR OLD.recorded_at IS NOT NEW.recorded_at OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS NOT NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS NOT NEW.superseded_by_id) BEGIN SELECT RAISE(ABORT, 'aggregate_measurement: a stored row never changes; a correction is a new row that supersedes it'); END",
}
#: The trigger as of revision 0005, for the downgrade.
OLD_TRIGGER = {
    "postgresql": "CREATE TRIGGER aggregate_measurement_append_only BEFORE UPDATE ON aggregate_measurement FOR EACH ROW WHEN ((OLD.organisation_id, OLD.indicator_id, OLD.reporting_org_id, OLD.submission_id, OLD.period_code, OLD.period_start, OLD.period_end, OLD.category, OLD.value, OLD.numerator, OLD.denominator, OLD.source_kind, OLD.recorded_at) IS DISTINCT FROM (NEW.organisation_id, NEW.indicator_id, NEW.reporting_org_id, NEW.submission_id, NEW.period_code, NEW.period_start, NEW.period_end, NEW.category, NEW.value, NEW.numerator, NEW.denominator, NEW.source_kind, NEW.recorded_at) OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS DISTINCT FROM NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS DISTINCT FROM NEW.superseded_by_id)) EXECUTE FUNCTION aggregate_measurement_append_only()",
    "sqlite": "CREATE TRIGGER aggregate_measurement_append_only BEFORE UPDATE ON aggregate_measurement FOR EACH ROW WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.indicator_id IS NOT NEW.indicator_id OR OLD.reporting_org_id IS NOT NEW.reporting_org_id OR OLD.submission_id IS NOT NEW.submission_id OR OLD.period_code IS NOT NEW.period_code OR OLD.period_start IS NOT NEW.period_start OR OLD.period_end IS NOT NEW.period_end OR OLD.category IS NOT NEW.category OR OLD.value IS NOT NEW.value OR OLD.numerator IS NOT NEW.numerator OR OLD.denominator IS NOT NEW.denominator OR OLD.source_kind IS NOT NEW.source_kind OR OLD.recorded_at IS NOT NEW.recorded_at OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS NOT NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS NOT NEW.superseded_by_id) BEGIN SELECT RAISE(ABORT, 'aggregate_measurement: a stored row never changes; a correction is a new row that supersedes it'); END",
}


def _drop_trigger(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS aggregate_measurement_append_only ON aggregate_measurement"
        )
    else:
        op.execute("DROP TRIGGER IF EXISTS aggregate_measurement_append_only")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_trigger(dialect)
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
    with op.batch_alter_table("aggregate_measurement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
    op.execute(TRIGGER[dialect])


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_trigger(dialect)
    with op.batch_alter_table("aggregate_measurement", schema=None) as batch_op:
        batch_op.drop_column("status")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_column("publisher")
    op.execute(OLD_TRIGGER[dialect])
