"""case_measurement's references hold on both databases: SQLite by foreign keys,
PostgreSQL by set-based statement triggers. A bulk insert naming a missing child, indicator,
organisation or submission is refused as a whole; a stored row's references never change;
a child or submission that a measurement names cannot be deleted or renumbered."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, InternalError
from sqlmodel import Session

from monitor.ingest.store import count_rows
from schema import CaseMeasurement, Child, Submission
from tests.factories import build_world

TABLE = CaseMeasurement.__table__
REFUSED = (IntegrityError, InternalError)


def _row(world, session: Session, **change) -> dict:  # noqa: ANN001
    child = session.execute(select(Child)).scalars().first()
    row = {
        "child_id": child.id,
        "indicator_id": session.execute(select(CaseMeasurement.indicator_id)).scalars().first(),
        "reporting_org_id": world.orgs["11AA"].id,
        "submission_id": world.submission_id,
        "observed_on": date(2023, 6, 1),
        "value": 1.0,
        "category": "",
        "source_kind": "registered",
        "recorded_at": datetime(2024, 2, 1, tzinfo=UTC),
    }
    return {**row, **change}


@pytest.fixture
def world(catalogue: Session):  # noqa: ANN201
    return build_world(catalogue)


@pytest.mark.parametrize(
    "column", ["child_id", "indicator_id", "reporting_org_id", "submission_id"]
)
def test_a_batch_naming_a_missing_parent_is_refused_whole(world, session, column):
    before = count_rows(session, TABLE)
    good = [_row(world, session, observed_on=date(2023, 6, d)) for d in range(1, 20)]
    bad = _row(world, session, observed_on=date(2023, 7, 1), **{column: 999_999})
    with pytest.raises(REFUSED) as refused:
        session.connection().execute(insert(TABLE), [*good, bad])
        session.commit()
    session.rollback()
    assert count_rows(session, TABLE) == before
    if session.bind.dialect.name == "postgresql":
        assert f"case_measurement.{column} names no existing" in str(refused.value)


def test_a_batch_with_valid_references_is_stored(world, session):
    before = count_rows(session, TABLE)
    rows = [_row(world, session, observed_on=date(2023, 6, d)) for d in range(1, 20)]
    session.connection().execute(insert(TABLE), rows)
    session.commit()
    assert count_rows(session, TABLE) == before + 19


def test_references_of_a_stored_row_never_change(world, session):
    other = session.execute(select(Child).where(Child.pseudonym == "p001")).scalar_one()
    with pytest.raises(REFUSED):
        session.connection().execute(
            update(TABLE).where(TABLE.c.child_id != other.id).values(child_id=999_999)
        )
        session.commit()
    session.rollback()
    with pytest.raises(REFUSED, match="never change"):  # even to an existing child
        session.connection().execute(
            update(TABLE).where(TABLE.c.child_id != other.id).values(child_id=other.id)
        )
    session.rollback()
    # the supersession stamps may change
    session.connection().execute(
        update(TABLE).where(TABLE.c.id == 1).values(superseded_at=datetime.now(UTC))
    )
    session.commit()


@pytest.mark.parametrize("parent", [Child, Submission])
def test_a_named_parent_cannot_be_deleted_or_renumbered(world, session, parent):
    table = parent.__table__
    named = session.execute(select(TABLE.c.child_id, TABLE.c.submission_id)).first()
    parent_id = named.child_id if parent is Child else named.submission_id
    with pytest.raises(REFUSED):
        session.connection().execute(delete(table).where(table.c.id == parent_id))
        session.commit()
    session.rollback()
    with pytest.raises(REFUSED):
        session.connection().execute(
            update(table).where(table.c.id == parent_id).values(id=parent_id + 100_000)
        )
        session.commit()
    session.rollback()
    assert session.get(parent, parent_id) is not None
