"""A correction never overwrites, and the audit trail is never rewritten, whoever writes:
the database itself refuses to change a stored measurement (only its supersession stamps
are set, once) and to change or delete an audit entry, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from monitor import audit
from schema import AggregateMeasurement, AuditEntry, CaseMeasurement
from tests.factories import build_world

CASE = CaseMeasurement.__table__
AGGREGATE = AggregateMeasurement.__table__
AUDIT = AuditEntry.__table__
NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
def world(catalogue: Session):  # noqa: ANN201
    return build_world(catalogue)


def _refused(session: Session, statement, match: str) -> None:  # noqa: ANN001
    with pytest.raises(DatabaseError, match=match):
        session.connection().execute(statement)
        session.commit()
    session.rollback()


@pytest.mark.parametrize("table", [CASE, AGGREGATE], ids=["case", "aggregate"])
@pytest.mark.parametrize(
    "change", [{"value": 99.0}, {"category": "x"}, {"recorded_at": NOW}], ids=str
)
def test_a_stored_measurement_never_changes(world, session, table, change):
    row_id = session.execute(select(func.min(table.c.id))).scalar_one()
    before = session.execute(select(table).where(table.c.id == row_id)).one()
    _refused(session, update(table).where(table.c.id == row_id).values(**change), "never changes")
    assert session.execute(select(table).where(table.c.id == row_id)).one() == before


def test_supersession_stamps_are_set_once(world, session):
    first, second = session.execute(select(CASE.c.id).order_by(CASE.c.id).limit(2)).scalars()
    stamp = update(CASE).where(CASE.c.id == first)
    session.connection().execute(stamp.values(superseded_at=NOW, superseded_by_id=second))
    session.commit()
    later = datetime(2024, 7, 1, tzinfo=UTC)
    _refused(session, stamp.values(superseded_at=later), "never changes")
    _refused(session, stamp.values(superseded_at=None), "never changes")
    _refused(session, stamp.values(superseded_by_id=first), "never changes")


def test_a_measurement_may_be_erased(world, session):
    """Erasure of a child's data is a deletion, not a change: allowed."""
    before = session.execute(select(func.count()).select_from(CASE)).scalar_one()
    row_id = session.execute(select(func.max(CASE.c.id))).scalar_one()
    session.connection().execute(delete(CASE).where(CASE.c.id == row_id))
    session.commit()
    assert session.execute(select(func.count()).select_from(CASE)).scalar_one() == before - 1


def test_the_audit_trail_is_never_changed_or_deleted(world, session):
    audit.record(session, "login", username="admin", target="test")
    session.commit()
    entries = session.execute(select(AUDIT)).all()
    _refused(session, update(AUDIT).values(username="someone else"), "append-only")
    _refused(session, delete(AUDIT), "append-only")
    assert session.execute(select(AUDIT)).all() == entries
    session.connection().execute(insert(AUDIT).values(action="login", username="x", at=NOW))
    session.commit()
    assert len(session.execute(select(AUDIT)).all()) == len(entries) + 1
