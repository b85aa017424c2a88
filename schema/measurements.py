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


class AggregateCell(SQLModel, table=True):
    """PostgreSQL rollup: the figure that counts now for every aggregate series, kept by
    triggers on aggregate_measurement (:data:`AGGREGATE_CELL_DDL`), for the dashboards.

    One row per organisation, indicator code, period, source kind and category: the
    latest recorded current row (``derived`` false), and per organisation and period
    where categories but no total were sent, a derived total (``derived`` true; category
    "") with the sum of the parts' values, the sum and the mean of their figures. A
    figure is the value, or for a proportion sent as numerator and denominator only,
    numerator / denominator x 100. Figures "as of" an earlier moment are never read from
    here. SQLite reads aggregate_measurement directly and has no such table."""

    __tablename__ = "aggregate_cell"
    __table_args__ = (
        # one indicator's totals (or categories) of many organisations: comparison groups
        Index("ix_aggregate_cell_code_category", "indicator_code", "category", "organisation_id"),
        {"info": {"only_on": "postgresql"}},
    )

    indicator_code: str = Field(primary_key=True, max_length=40)
    organisation_id: int = Field(primary_key=True)
    period_code: str = Field(primary_key=True, max_length=10)
    source_kind: str = Field(primary_key=True, max_length=20)
    category: str = Field(primary_key=True, max_length=60)
    period_start: date
    period_end: date
    derived: bool = False
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    figure: float | None = None
    parts_value_sum: float | None = None
    parts_figure_sum: float | None = None
    parts_figure_mean: float | None = None


#: Advisory lock serialising rollup refreshes until commit: a second writer recomputes its
#: cells only once the first one's rows are visible (no lost update, no key conflict).
AGGREGATE_CELL_LOCK = 20261129
_CELL_COLUMNS = (
    "indicator_code, organisation_id, period_code, source_kind, category, period_start, "
    "period_end, derived, value, numerator, denominator, figure, parts_value_sum, "
    "parts_figure_sum, parts_figure_mean"
)
#: PostgreSQL DDL keeping aggregate_cell in step with aggregate_measurement (also run by
#: migration 0004): every statement that writes aggregate rows recomputes the cells of
#: the organisations and indicator codes it touched, inside the same transaction.
AGGREGATE_CELL_DDL = [
    f"""CREATE FUNCTION aggregate_cell_refresh(orgs integer[], codes text[]) RETURNS void
LANGUAGE sql AS $$
SELECT pg_advisory_xact_lock({AGGREGATE_CELL_LOCK});
DELETE FROM aggregate_cell WHERE organisation_id = ANY(orgs) AND indicator_code = ANY(codes);
INSERT INTO aggregate_cell ({_CELL_COLUMNS})
WITH ranked AS (
  SELECT i.code, a.organisation_id, a.period_code, a.source_kind, a.category, a.period_start,
         a.period_end, a.value, a.numerator, a.denominator,
         CASE WHEN a.value IS NULL AND a.denominator > 0
              THEN CAST(a.numerator AS double precision) / a.denominator * 100
              ELSE a.value END AS figure,
         row_number() OVER (
           PARTITION BY a.organisation_id, i.code, a.period_code, a.category, a.source_kind
           ORDER BY a.recorded_at DESC, a.id DESC) AS rank
  FROM aggregate_measurement a JOIN indicator i ON i.id = a.indicator_id
  WHERE a.superseded_at IS NULL AND a.organisation_id = ANY(orgs) AND i.code = ANY(codes)
), latest AS (SELECT * FROM ranked WHERE rank = 1)
SELECT code, organisation_id, period_code, source_kind, category, period_start, period_end,
       false, value, numerator, denominator, figure, NULL, NULL, NULL
FROM latest
UNION ALL
SELECT code, organisation_id, period_code, source_kind, '', period_start,
       period_end, true, NULL, NULL, NULL, NULL,
       sum(value), sum(figure), avg(figure)
FROM latest
GROUP BY code, organisation_id, period_code, period_start, period_end, source_kind
HAVING count(*) FILTER (WHERE category <> '') > 0 AND count(*) FILTER (WHERE category = '') = 0
$$""",
    """CREATE FUNCTION aggregate_cell_after_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM aggregate_cell_refresh(
      ARRAY(SELECT DISTINCT organisation_id FROM old_rows),
      ARRAY(SELECT DISTINCT i.code FROM old_rows o JOIN indicator i ON i.id = o.indicator_id));
  ELSE
    PERFORM aggregate_cell_refresh(
      ARRAY(SELECT DISTINCT organisation_id FROM new_rows),
      ARRAY(SELECT DISTINCT i.code FROM new_rows n JOIN indicator i ON i.id = n.indicator_id));
  END IF;
  IF TG_OP = 'UPDATE' THEN  -- a row moved to another organisation or indicator
    PERFORM aggregate_cell_refresh(
      ARRAY(SELECT DISTINCT organisation_id FROM old_rows),
      ARRAY(SELECT DISTINCT i.code FROM old_rows o JOIN indicator i ON i.id = o.indicator_id));
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER aggregate_cell_on_insert AFTER INSERT ON aggregate_measurement "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION aggregate_cell_after_write()",
    "CREATE TRIGGER aggregate_cell_on_update AFTER UPDATE ON aggregate_measurement "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION aggregate_cell_after_write()",
    "CREATE TRIGGER aggregate_cell_on_delete AFTER DELETE ON aggregate_measurement "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION aggregate_cell_after_write()",
]
for _statement in AGGREGATE_CELL_DDL:
    # after every table exists (the functions name aggregate_cell and aggregate_measurement)
    event.listen(
        SQLModel.metadata,
        "after_create",
        DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"),
    )


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
