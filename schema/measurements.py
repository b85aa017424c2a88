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

from sqlalchemy import CheckConstraint, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from schema.base import Sex, SourceKind, SubmissionStatus, check_in, utcnow

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


class CaseMeasurement(SQLModel, table=True):
    """One observation of a case-level indicator for one child, by one reporting partner."""

    __tablename__ = "case_measurement"
    __table_args__ = (
        CheckConstraint(check_in("source_kind", SourceKind), name="source_kind"),
        Index("ix_case_indicator_date", "indicator_id", "observed_on"),
        Index("ix_case_child_indicator", "child_id", "indicator_id"),
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
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id")
    indicator_id: int = Field(foreign_key="indicator.id")
    reporting_org_id: int = Field(foreign_key="organisation.id")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    observed_on: date = Field(description="Observation date; start date for episodes.")
    end_date: date | None = Field(default=None, description="End date for episodes.")
    value: float | None = None
    category: str = Field(default="", max_length=60, description='"" when not disaggregated.')
    end_reason: str | None = Field(default=None, max_length=60)
    source_kind: str = Field(max_length=20)
    recorded_at: datetime = Field(default_factory=utcnow)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = Field(default=None, foreign_key="case_measurement.id")


class AggregateMeasurement(SQLModel, table=True):
    """A network or municipality figure for one period (value, or numerator + denominator)."""

    __tablename__ = "aggregate_measurement"
    __table_args__ = (
        CheckConstraint(check_in("source_kind", SourceKind), name="source_kind"),
        CheckConstraint("period_end >= period_start", name="period"),
        Index(
            "ix_aggregate_indicator_org_period", "indicator_id", "organisation_id", "period_start"
        ),
        Index(
            "uq_aggregate_current",
            "organisation_id",
            "indicator_id",
            "category",
            "period_start",
            "period_end",
            "source_kind",
            "reporting_org_id",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
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
    recorded_at: datetime = Field(default_factory=utcnow)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = Field(default=None, foreign_key="aggregate_measurement.id")


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
