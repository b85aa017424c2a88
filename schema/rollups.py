"""Rollups of the current case rows that the dashboards read instead of the raw rows.

Kept by :mod:`monitor.rollups` in the writing transaction (ingest, corrections,
withdrawals, membership changes) on SQLite and PostgreSQL alike, and rebuilt by
``monitor db rebuild-rollups``. They hold figures *as known now* only: anything asked
"as of" an earlier moment reads the raw rows.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class CasePathway(SQLModel, table=True):
    """Each child's care path per subject and half-year, from the current case rows: the
    path :func:`monitor.figures.cases.child_paths` follows (first signal in the half-year,
    first referral on or after it, first care episode on or after that, its ending).

    ``subject_id``: the network whose pupil the child was in the signal's month, or the
    municipality the child lives in. One row per subject, half-year and child; the
    dashboards count children per link from here and apply disclosure control on top."""

    __tablename__ = "case_pathway"
    __table_args__ = (Index("ix_case_pathway_child", "child_id"),)

    subject_id: int = Field(primary_key=True)
    period_code: str = Field(primary_key=True, max_length=10)
    child_id: int = Field(primary_key=True)
    referrer: str = Field(max_length=60)
    care_type: str | None = Field(default=None, max_length=60)
    ending: str | None = Field(default=None, max_length=60)
