"""Children (pseudonyms only), case-level and aggregate measurements, participation, and
the submissions they arrived in.

Every measurement carries valid time (the date or period it is about) and recorded time
(``recorded_at``; ``superseded_at`` once a correction replaced it). A correction never
overwrites: it inserts a new row and stamps the old one, so any figure can be reproduced
"as of" an earlier moment: rows with ``recorded_at <= t`` and (``superseded_at`` null or
``> t``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, CheckConstraint, Column, ForeignKeyConstraint, Index, Text, event, text
from sqlmodel import Field, SQLModel

from schema.base import (
    Sex,
    SourceKind,
    SubmissionStatus,
    append_only_ddl,
    check_in,
    table_of,
    utcnow,
)
from schema.partitions import PARTITION_KEYS, sqlite_only_successor

_CURRENT = text("superseded_at IS NULL")


class Submission(SQLModel, table=True):
    """One batch: who sent which file when, its checksum, counts and outcome."""

    __tablename__ = "submission"
    __table_args__ = (
        CheckConstraint(check_in("status", SubmissionStatus), name="status"),
        Index("ix_submission_org_checksum", "organisation_id", "checksum"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    channel: str = Field(max_length=20, description="cli, api, form, dhis2")
    shape: str = Field(max_length=20, description="case, aggregate, dhis2")
    file_name: str = Field(max_length=255)
    checksum: str = Field(max_length=64)
    received_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_superseded: int = 0
    rows_unchanged: int = 0
    status: str = Field(max_length=20)
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Child(SQLModel, table=True):
    """A child, known only by a keyed pseudonym. No name, BSN or address is ever stored."""

    __tablename__ = "child"
    __table_args__ = (CheckConstraint(check_in("sex", Sex), name="sex"),)

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(max_length=64, unique=True)
    birth_month: date = Field(description="First day of the birth month.")
    sex: str = Field(max_length=1)
    municipality_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    first_seen_at: datetime = Field(default_factory=utcnow)


#: case_measurement's references to these tables are checked per row by SQLite's foreign
#: keys; on PostgreSQL, where per-row foreign-key triggers cost more than the rest of a
#: bulk load together, by the set-based triggers of :data:`CASE_INTEGRITY_DDL`.
CASE_REFERENCES = {
    "child_id": "child",
    "indicator_id": "indicator",
    "reporting_org_id": "organisation",
    "submission_id": "submission",
}


def _sqlite_only_foreign_keys() -> tuple[ForeignKeyConstraint, ...]:
    return tuple(
        ForeignKeyConstraint(
            [column], [f"{target}.id"], name=f"fk_case_measurement_{column}_{target}"
        ).ddl_if(dialect="sqlite")
        for column, target in CASE_REFERENCES.items()
    )


class CaseMeasurement(SQLModel, table=True):
    """One observation of a case-level indicator for one child, by one reporting partner.

    The high-volume table: it carries only the indexes its readers need (the current-row
    key, organisation/indicator/date and indicator/date), and on PostgreSQL its references
    are checked once per statement (:data:`CASE_INTEGRITY_DDL`), not once per row, and it
    is partitioned by year of ``observed_on`` (:mod:`schema.partitions`)."""

    __tablename__ = "case_measurement"
    __table_args__ = (
        CheckConstraint(check_in("source_kind", SourceKind), name="source_kind"),
        *_sqlite_only_foreign_keys(),
        Index("ix_case_indicator_date", "indicator_id", "observed_on"),
        Index("ix_case_org_indicator_date", "reporting_org_id", "indicator_id", "observed_on"),
        Index(
            "uq_case_current",
            "child_id",
            "reporting_org_id",
            "indicator_id",
            "category",
            "observed_on",
            "source_kind",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
        sqlite_only_successor("case_measurement"),
        {"postgresql_partition_by": f"RANGE ({PARTITION_KEYS['case_measurement']})"},
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int
    indicator_id: int
    reporting_org_id: int
    submission_id: int
    observed_on: date = Field(description="Observation date; start date for episodes.")
    end_date: date | None = Field(default=None, description="End date for episodes.")
    value: float | None = None
    category: str = Field(default="", max_length=60, description='"" when not disaggregated.')
    end_reason: str | None = Field(default=None, max_length=60)
    source_kind: str = Field(max_length=20)
    recorded_at: datetime = Field(default_factory=utcnow)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = None


def _integrity_ddl() -> list[str]:
    """PostgreSQL: case_measurement's references, checked per statement and set-based.

    An insert checks its new rows against the four parent tables (a transition table); a
    parent row that a measurement names cannot be deleted or renumbered; the references of
    a stored measurement never change (:data:`APPEND_ONLY_DDL`). The guarantees of foreign
    keys (NO ACTION), at the cost of one query per statement instead of four trigger calls
    per row."""
    refuse = (
        "RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = "
        "'case_measurement.' || missing || ' names no existing ' || parent || ' row'"
    )
    # children: one anti-join; the few distinct indicator/organisation/submission triples
    # of a batch: one pass to find them, then three look-ups each
    checks = f"""  IF EXISTS (SELECT 1 FROM new_rows n
             WHERE NOT EXISTS (SELECT 1 FROM child p WHERE p.id = n.child_id)) THEN
    missing := 'child_id'; parent := 'child';
    {refuse};
  END IF;
  WITH k AS (SELECT DISTINCT indicator_id, reporting_org_id, submission_id FROM new_rows)
  SELECT CASE
      WHEN NOT EXISTS (SELECT 1 FROM indicator p WHERE p.id = k.indicator_id) THEN 'indicator_id'
      WHEN NOT EXISTS (SELECT 1 FROM organisation p WHERE p.id = k.reporting_org_id)
        THEN 'reporting_org_id'
      WHEN NOT EXISTS (SELECT 1 FROM submission p WHERE p.id = k.submission_id)
        THEN 'submission_id'
    END INTO missing
  FROM k
  WHERE NOT EXISTS (SELECT 1 FROM indicator p WHERE p.id = k.indicator_id)
     OR NOT EXISTS (SELECT 1 FROM organisation p WHERE p.id = k.reporting_org_id)
     OR NOT EXISTS (SELECT 1 FROM submission p WHERE p.id = k.submission_id)
  LIMIT 1;
  IF missing IS NOT NULL THEN
    parent := CASE missing WHEN 'indicator_id' THEN 'indicator'
                           WHEN 'reporting_org_id' THEN 'organisation' ELSE 'submission' END;
    {refuse};
  END IF;"""
    statements = [
        "CREATE FUNCTION case_measurement_check_references() RETURNS trigger "
        "LANGUAGE plpgsql AS $$\nDECLARE\n  missing text;\n  parent text;\n"
        f"BEGIN\n{checks}\n  RETURN NULL;\nEND $$",
        "CREATE TRIGGER case_measurement_references AFTER INSERT ON case_measurement "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION case_measurement_check_references()",
    ]
    for column, target in CASE_REFERENCES.items():
        on_delete, on_renumber = f"{target}_deleted_{column}", f"{target}_renumbered_{column}"
        refuse = (
            "    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = "
            f"'{target} row is still named by case_measurement.{column}';"
        )
        statements += [
            f"CREATE FUNCTION {on_delete}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"  IF EXISTS (SELECT 1 FROM old_rows o JOIN case_measurement m "
            f"ON m.{column} = o.id) THEN\n{refuse}\n  END IF;\n  RETURN NULL;\nEND $$",
            f"CREATE TRIGGER {on_delete} AFTER DELETE ON {target} "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {on_delete}()",
            f"CREATE FUNCTION {on_renumber}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"  IF EXISTS (SELECT 1 FROM case_measurement m WHERE m.{column} = OLD.id) THEN\n"
            f"{refuse}\n  END IF;\n  RETURN NEW;\nEND $$",
            f"CREATE TRIGGER {on_renumber} BEFORE UPDATE OF id ON {target} FOR EACH ROW "
            f"WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {on_renumber}()",
        ]
    return statements


#: The PostgreSQL DDL of the set-based reference checks (also run by migration 0003).
CASE_INTEGRITY_DDL = _integrity_ddl()
for _statement in CASE_INTEGRITY_DDL:
    # parents exist before case_measurement, so everything can be created after it
    event.listen(
        table_of(CaseMeasurement),
        "after_create",
        DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"),
    )


class AggregateMeasurement(SQLModel, table=True):
    """A network or municipality figure for one period (value, or numerator + denominator)."""

    __tablename__ = "aggregate_measurement"
    __table_args__ = (
        CheckConstraint(check_in("source_kind", SourceKind), name="source_kind"),
        CheckConstraint("period_end >= period_start", name="period"),
        Index(
            "ix_aggregate_indicator_org_period", "indicator_id", "organisation_id", "period_start"
        ),
        # one current figure per key, whoever sent it (the network or its municipality):
        # a re-send by another reporter supersedes, it never stands beside the old row
        Index(
            "uq_aggregate_current",
            "organisation_id",
            "indicator_id",
            "category",
            "period_start",
            "period_end",
            "source_kind",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
        sqlite_only_successor("aggregate_measurement"),
        {"postgresql_partition_by": f"RANGE ({PARTITION_KEYS['aggregate_measurement']})"},
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", description="Whose figure.")
    indicator_id: int = Field(foreign_key="indicator.id")
    reporting_org_id: int = Field(foreign_key="organisation.id", description="Who sent it.")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    period_code: str = Field(max_length=10, description="Canonical code, e.g. 2024-H1.")
    period_start: date
    period_end: date
    category: str = Field(default="", max_length=60, description='"" when not disaggregated.')
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    source_kind: str = Field(max_length=20)
    status: str | None = Field(
        default=None,
        max_length=20,
        description="The publisher's status of a published figure (CBS: voorlopig, "
        "nader_voorlopig, definitief); a new status is a correction, a new row.",
    )
    recorded_at: datetime = Field(default_factory=utcnow)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = None


class Participation(SQLModel, table=True):
    """A child took part in a network's programme from ``valid_from`` to ``valid_to``,
    with an intensity (e.g. contact hours per month): the exposure for effect analyses."""

    __tablename__ = "participation"
    __table_args__ = (
        Index("ix_participation_network", "network_id", "valid_from"),
        Index(
            "uq_participation_current",
            "child_id",
            "network_id",
            "reporting_org_id",
            "valid_from",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    network_id: int = Field(foreign_key="organisation.id")
    reporting_org_id: int = Field(foreign_key="organisation.id")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    valid_from: date
    valid_to: date | None = None
    intensity: float | None = None
    intensity_unit: str = Field(default="hours_per_month", max_length=30)
    recorded_at: datetime = Field(default_factory=utcnow)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = Field(default=None, foreign_key="participation.id")


def _fixed_columns(model: type[SQLModel]) -> list[str]:
    """Every column of a measurement table but its key and the supersession stamps."""
    stamps = {"id", "superseded_at", "superseded_by_id"}
    return [c.name for c in table_of(model).columns if c.name not in stamps]


#: Per dialect, the triggers that keep measurements and the audit trail append-only (also
#: run by migration 0005): a correction is a new row, never an edit.
APPEND_ONLY_DDL = {
    dialect: [
        statement
        for model in (CaseMeasurement, AggregateMeasurement, Participation)
        for statement in append_only_ddl(model.__tablename__, _fixed_columns(model), dialect)
    ]
    + append_only_ddl("audit_entry", None, dialect)
    for dialect in ("postgresql", "sqlite")
}
for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        event.listen(
            SQLModel.metadata,
            "after_create",
            DDL(_statement.replace("%", "%%")).execute_if(dialect=_dialect),
        )
