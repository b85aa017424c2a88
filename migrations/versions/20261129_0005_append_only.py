"""measurements and the audit trail append-only at the database level

A correction never overwrites: the columns of a stored case, aggregate or participation
row never change and its supersession stamps are set once; the audit trail is never
changed or deleted. Until now the code kept these rules; from here the database refuses
whatever would break them, whoever writes (SQLite and PostgreSQL triggers).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("case_measurement", "aggregate_measurement", "participation")
#: The triggers as of this revision, per dialect (schema.measurements builds the same).
DDL = {
    "postgresql": [
        "CREATE FUNCTION case_measurement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = 'case_measurement: a stored row never changes; a correction is a new row that supersedes it';\nEND $$",
        "CREATE TRIGGER case_measurement_append_only BEFORE UPDATE ON case_measurement FOR EACH ROW WHEN ((OLD.child_id, OLD.indicator_id, OLD.reporting_org_id, OLD.submission_id, OLD.observed_on, OLD.end_date, OLD.value, OLD.category, OLD.end_reason, OLD.source_kind, OLD.recorded_at) IS DISTINCT FROM (NEW.child_id, NEW.indicator_id, NEW.reporting_org_id, NEW.submission_id, NEW.observed_on, NEW.end_date, NEW.value, NEW.category, NEW.end_reason, NEW.source_kind, NEW.recorded_at) OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS DISTINCT FROM NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS DISTINCT FROM NEW.superseded_by_id)) EXECUTE FUNCTION case_measurement_append_only()",
        "CREATE FUNCTION aggregate_measurement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = 'aggregate_measurement: a stored row never changes; a correction is a new row that supersedes it';\nEND $$",
        "CREATE TRIGGER aggregate_measurement_append_only BEFORE UPDATE ON aggregate_measurement FOR EACH ROW WHEN ((OLD.organisation_id, OLD.indicator_id, OLD.reporting_org_id, OLD.submission_id, OLD.period_code, OLD.period_start, OLD.period_end, OLD.category, OLD.value, OLD.numerator, OLD.denominator, OLD.source_kind, OLD.recorded_at) IS DISTINCT FROM (NEW.organisation_id, NEW.indicator_id, NEW.reporting_org_id, NEW.submission_id, NEW.period_code, NEW.period_start, NEW.period_end, NEW.category, NEW.value, NEW.numerator, NEW.denominator, NEW.source_kind, NEW.recorded_at) OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS DISTINCT FROM NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS DISTINCT FROM NEW.superseded_by_id)) EXECUTE FUNCTION aggregate_measurement_append_only()",
        "CREATE FUNCTION participation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = 'participation: a stored row never changes; a correction is a new row that supersedes it';\nEND $$",
        "CREATE TRIGGER participation_append_only BEFORE UPDATE ON participation FOR EACH ROW WHEN ((OLD.child_id, OLD.network_id, OLD.reporting_org_id, OLD.submission_id, OLD.valid_from, OLD.valid_to, OLD.intensity, OLD.intensity_unit, OLD.recorded_at) IS DISTINCT FROM (NEW.child_id, NEW.network_id, NEW.reporting_org_id, NEW.submission_id, NEW.valid_from, NEW.valid_to, NEW.intensity, NEW.intensity_unit, NEW.recorded_at) OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS DISTINCT FROM NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS DISTINCT FROM NEW.superseded_by_id)) EXECUTE FUNCTION participation_append_only()",
        "CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = 'audit_entry is append-only: its rows are never changed or deleted';\nEND $$",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER case_measurement_append_only BEFORE UPDATE ON case_measurement FOR EACH ROW WHEN OLD.child_id IS NOT NEW.child_id OR OLD.indicator_id IS NOT NEW.indicator_id OR OLD.reporting_org_id IS NOT NEW.reporting_org_id OR OLD.submission_id IS NOT NEW.submission_id OR OLD.observed_on IS NOT NEW.observed_on OR OLD.end_date IS NOT NEW.end_date OR OLD.value IS NOT NEW.value OR OLD.category IS NOT NEW.category OR OLD.end_reason IS NOT NEW.end_reason OR OLD.source_kind IS NOT NEW.source_kind OR OLD.recorded_at IS NOT NEW.recorded_at OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS NOT NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS NOT NEW.superseded_by_id) BEGIN SELECT RAISE(ABORT, 'case_measurement: a stored row never changes; a correction is a new row that supersedes it'); END",
        "CREATE TRIGGER aggregate_measurement_append_only BEFORE UPDATE ON aggregate_measurement FOR EACH ROW WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.indicator_id IS NOT NEW.indicator_id OR OLD.reporting_org_id IS NOT NEW.reporting_org_id OR OLD.submission_id IS NOT NEW.submission_id OR OLD.period_code IS NOT NEW.period_code OR OLD.period_start IS NOT NEW.period_start OR OLD.period_end IS NOT NEW.period_end OR OLD.category IS NOT NEW.category OR OLD.value IS NOT NEW.value OR OLD.numerator IS NOT NEW.numerator OR OLD.denominator IS NOT NEW.denominator OR OLD.source_kind IS NOT NEW.source_kind OR OLD.recorded_at IS NOT NEW.recorded_at OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS NOT NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS NOT NEW.superseded_by_id) BEGIN SELECT RAISE(ABORT, 'aggregate_measurement: a stored row never changes; a correction is a new row that supersedes it'); END",
        "CREATE TRIGGER participation_append_only BEFORE UPDATE ON participation FOR EACH ROW WHEN OLD.child_id IS NOT NEW.child_id OR OLD.network_id IS NOT NEW.network_id OR OLD.reporting_org_id IS NOT NEW.reporting_org_id OR OLD.submission_id IS NOT NEW.submission_id OR OLD.valid_from IS NOT NEW.valid_from OR OLD.valid_to IS NOT NEW.valid_to OR OLD.intensity IS NOT NEW.intensity OR OLD.intensity_unit IS NOT NEW.intensity_unit OR OLD.recorded_at IS NOT NEW.recorded_at OR (OLD.superseded_at IS NOT NULL AND OLD.superseded_at IS NOT NEW.superseded_at) OR (OLD.superseded_by_id IS NOT NULL AND OLD.superseded_by_id IS NOT NEW.superseded_by_id) BEGIN SELECT RAISE(ABORT, 'participation: a stored row never changes; a correction is a new row that supersedes it'); END",
        "CREATE TRIGGER audit_entry_append_only_update BEFORE UPDATE ON audit_entry BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: its rows are never changed or deleted'); END",
        "CREATE TRIGGER audit_entry_append_only_delete BEFORE DELETE ON audit_entry BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: its rows are never changed or deleted'); END",
    ],
}


def upgrade() -> None:
    for statement in DDL[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*TABLES, "audit_entry"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only_update")
    op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only_delete")
