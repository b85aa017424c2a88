"""Shared vocabulary of the schema: the enumerations and small column helpers.

Enumerations are stored as short strings (portable across SQLite and PostgreSQL, no native
enum types to migrate); the Python enums below are the one list of allowed values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import SQLModel

# Stable constraint names, so migrations are reproducible on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table a model class is mapped to (``Model.__table__``, typed: SQLModel declares
    no ``__table__`` for type checkers)."""
    table = sa.inspect(model).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class _Stored(Protocol):
    id: int | None


def id_of(row: _Stored) -> int:
    """The database id of a stored (flushed or loaded) row. Model ids are ``int | None``
    because a new row has none until it is flushed; asking before that is a programming
    error, said here rather than as a NULL foreign key further on."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: add and flush it first")
    return row.id


_recording_moment: ContextVar[datetime | None] = ContextVar("recording_moment", default=None)


def utcnow() -> datetime:
    """Current time in UTC, timezone-aware (SQLModel stores UTC on SQLite and PostgreSQL),
    or the moment set by :func:`recorded_at` while a history is being loaded."""
    moment = _recording_moment.get()
    return moment if moment is not None else datetime.now(UTC)


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Record everything written inside as received at ``moment`` (timezone-aware): for
    loading submissions as partners sent them over the years (the demo, the oracle, tests).
    Never used by the web app or the API, where "now" is the real clock."""
    if moment.tzinfo is None:
        raise ValueError("recorded_at needs a timezone-aware moment")
    token = _recording_moment.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _recording_moment.reset(token)


class Level(StrEnum):
    """Who an indicator is measured for."""

    CASE = "case"
    NETWORK = "network"
    MUNICIPALITY = "municipality"


class Domain(StrEnum):
    """What an indicator is about."""

    CHILD_OUTCOME = "child_outcome"
    REFERRAL = "referral"
    CARE_USE = "care_use"
    COLLABORATION = "collaboration"
    CONTEXT = "context"
    PARTICIPATION = "participation"


class ValueType(StrEnum):
    """How an indicator's value is expressed."""

    NUMBER = "number"  # continuous measurement with a unit (score, hours, days, EUR)
    COUNT = "count"  # whole number >= 0
    PERCENTAGE = "percentage"  # 0-100
    PROPORTION = "proportion"  # 0-1
    SCALE = "scale"  # ordinal/interval scale (1-5)
    BOOLEAN = "boolean"  # 0/1
    CATEGORY = "category"  # one of the allowed categories; value empty
    EVENT = "event"  # something happened on a date (optionally with a category)
    EPISODE = "episode"  # start and end dates (optionally with categories)
    RATE = "rate"  # derived: numerator / denominator x factor, evaluated at query time


class Direction(StrEnum):
    """Which way is better. ``two_sided`` indicators get alert bands, not better/worse."""

    UP = "up"
    DOWN = "down"
    TWO_SIDED = "two_sided"
    DESCRIPTIVE = "descriptive"


class PeriodType(StrEnum):
    """Reporting period (aggregates) or measurement rhythm (case level)."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"
    EVENT = "event"
    EPISODE = "episode"
    PLAN_REVIEW = "plan_review"


class SourceKind(StrEnum):
    """Where a figure comes from; series of different kinds are never mixed."""

    REGISTERED = "registered"
    SURVEY = "survey"
    OBSERVED = "observed"


class OrgKind(StrEnum):
    """Kinds of organisation."""

    MUNICIPALITY = "municipality"
    NETWORK = "network"
    SAMENWERKINGSVERBAND = "samenwerkingsverband"
    SCHOOL = "school"
    CHILDCARE = "childcare"
    YOUTH_CARE_PROVIDER = "youth_care_provider"
    JGZ = "jgz"

    @property
    def is_network(self) -> bool:
        """Networks and samenwerkingsverbanden have members over time."""
        return self in (OrgKind.NETWORK, OrgKind.SAMENWERKINGSVERBAND)


class Sex(StrEnum):
    """Registered sex of a child (m, f, x = other/unknown)."""

    MALE = "m"
    FEMALE = "f"
    OTHER = "x"


class Role(StrEnum):
    """Roles a user holds, each scoped to an organisation (admin: global)."""

    ADMIN = "admin"
    MUNICIPALITY_OFFICER = "municipality_officer"
    PARTNER_ENTRY = "partner_entry"
    NETWORK_VIEWER = "network_viewer"
    RESEARCHER = "researcher"


class SubmissionStatus(StrEnum):
    """Outcome of one submitted batch."""

    ACCEPTED = "accepted"  # every row stored
    PARTIAL = "partial"  # --accept-valid: valid rows stored, others reported
    REJECTED = "rejected"  # nothing stored
    DUPLICATE = "duplicate"  # identical file already accepted: nothing to do
    DRY_RUN = "dry_run"  # validated only


def created_on(item: object, dialect: str) -> bool:
    """Whether a table, constraint or index of the models exists on ``dialect``: tables
    with ``info["only_on"]``, constraints and indexes with ``ddl_if``.

    Used by Alembic's comparison, so that a SQLite-only constraint is not reported missing
    on PostgreSQL."""
    only_on = getattr(item, "info", {}).get("only_on")  # a table kept on one database only
    if only_on is not None:
        return only_on == dialect
    condition = getattr(item, "_ddl_if", None)  # set by SQLAlchemy's HasConditionalDDL
    return condition is None or condition.dialect is None or condition.dialect == dialect


def check_in(column: str, enum: type[StrEnum]) -> str:
    """SQL CHECK expression restricting ``column`` to the values of ``enum``."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({values})"


def append_only_ddl(table: str, fixed: list[str] | None, dialect: str) -> list[str]:
    """Triggers that keep ``table`` append-only on ``dialect`` (``postgresql``/``sqlite``).

    ``fixed`` None: rows are never updated or deleted (the audit trail). Otherwise the
    ``fixed`` columns never change and the supersession stamps (``superseded_at``,
    ``superseded_by_id``) are set once, from empty; rows may still be deleted (erasure of a
    child's data)."""
    name = f"{table}_append_only"
    if fixed is None:
        message = f"{table} is append-only: its rows are never changed or deleted"
        if dialect == "sqlite":
            return [
                f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                for event in ("UPDATE", "DELETE")
            ]
        return [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{message}';"
            "\nEND $$",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    message = f"{table}: a stored row never changes; a correction is a new row that supersedes it"
    stamps = ("superseded_at", "superseded_by_id")
    if dialect == "sqlite":
        changed = [f"OLD.{c} IS NOT NEW.{c}" for c in fixed]
        changed += [f"(OLD.{c} IS NOT NULL AND OLD.{c} IS NOT NEW.{c})" for c in stamps]
        return [
            f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN {' OR '.join(changed)} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        ]
    old = ", ".join(f"OLD.{c}" for c in fixed)
    new = ", ".join(f"NEW.{c}" for c in fixed)
    changed = [f"({old}) IS DISTINCT FROM ({new})"]
    changed += [f"(OLD.{c} IS NOT NULL AND OLD.{c} IS DISTINCT FROM NEW.{c})" for c in stamps]
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{message}';"
        "\nEND $$",
        f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
        f"WHEN ({' OR '.join(changed)}) EXECUTE FUNCTION {name}()",
    ]
