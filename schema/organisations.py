"""Organisations (municipalities, networks, partners), network membership over time, events
and the figures networks commit to (targets, reporting obligations)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from schema.base import OrgKind, check_in, utcnow


class Organisation(SQLModel, table=True):
    """A municipality (CBS code ``GMxxxx``), a network or a partner organisation."""

    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(check_in("kind", OrgKind), name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=30, index=True)
    cbs_code: str | None = Field(default=None, max_length=6, unique=True)
    brin: str | None = Field(default=None, max_length=6, unique=True)
    municipality_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    subtype: str | None = Field(
        default=None, max_length=40, description="For networks: wijkteam, ikc, pact, ..."
    )
    population_0_17: int | None = Field(default=None, description="For size comparison groups.")
    created_at: datetime = Field(default_factory=utcnow)


class NetworkMembership(SQLModel, table=True):
    """A partner belongs to a network from ``valid_from`` up to (not including) ``valid_to``.

    ``recorded_at``: when the membership was entered, so that a network's figures "as of" an
    earlier moment count only the members known then; empty for memberships entered before
    it was kept (known at any moment)."""

    __tablename__ = "network_membership"
    __table_args__ = (
        UniqueConstraint("network_id", "member_id", "valid_from", name="uq_membership"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="dates"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="organisation.id", index=True)
    member_id: int = Field(foreign_key="organisation.id", index=True)
    valid_from: date
    valid_to: date | None = None
    recorded_at: datetime | None = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """Something a network did or that happened (start of a programme, a new protocol).

    Drawn on charts and used as the break in interrupted time series and DiD."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_org_date", "organisation_id", "event_date"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    event_date: date
    kind: str = Field(max_length=40, description="programme_start, protocol, staffing, other")
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    recorded_at: datetime = Field(default_factory=utcnow)


class Target(SQLModel, table=True):
    """A goal a network or municipality set for an indicator, to be reached by a date."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "indicator_code", "category", "target_date", name="uq_target"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    indicator_code: str = Field(max_length=40)
    category: str = Field(default="", max_length=60, description='"" when not disaggregated.')
    target_value: float
    target_date: date
    note: str = Field(default="", max_length=500)
    set_at: datetime = Field(default_factory=utcnow)


class ReportingObligation(SQLModel, table=True):
    """Organisation X is expected to report indicator Y each period, within ``due_days``
    after the period ends (the basis of completeness / reporting-rate figures)."""

    __tablename__ = "reporting_obligation"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id",
            "indicator_code",
            "about_organisation_id",
            "valid_from",
            name="uq_obligation_about",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    indicator_code: str = Field(max_length=40)
    about_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", description="Whose figure (default: own)."
    )
    valid_from: date
    valid_to: date | None = None
    due_days: int = Field(default=60, ge=0)
