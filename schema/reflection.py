"""Reflection sessions ("dialooggesprekken") of a network, with notes, agreed actions and
the answers to the turn-the-curve questions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from schema.base import utcnow


class ReflectionSession(SQLModel, table=True):
    """A meeting where a network looks at its figures as they were known on ``held_on``."""

    __tablename__ = "reflection_session"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    held_on: date
    title: str = Field(max_length=200)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ReflectionNote(SQLModel, table=True):
    """A note or agreed action recorded against a session (actions name an organisation,
    never an individual professional)."""

    __tablename__ = "reflection_note"
    __table_args__ = (CheckConstraint("kind IN ('note', 'action')", name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="reflection_session.id", index=True)
    kind: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner_organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    due_on: date | None = None
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


#: The turn-the-curve questions asked beside an indicator's trend (Friedman, 2005).
CURVE_QUESTIONS = ("story", "partners", "what_works", "plan")


class ReflectionAnswer(SQLModel, table=True):
    """The answer a session gave to one turn-the-curve question about one indicator
    (the story behind the curve, partners, what works, what we will do)."""

    __tablename__ = "reflection_answer"
    __table_args__ = (
        CheckConstraint("question IN ('story', 'partners', 'what_works', 'plan')", name="question"),
        UniqueConstraint("session_id", "indicator_code", "question", name="uq_reflection_answer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="reflection_session.id", index=True)
    indicator_code: str = Field(max_length=40)
    question: str = Field(max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    answered_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    answered_at: datetime = Field(default_factory=utcnow)
