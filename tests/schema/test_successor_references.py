"""``superseded_by_id`` names an existing row of the same table, on both databases:
SQLite by a foreign key, PostgreSQL (partitioned tables: no foreign key can name ``id``
alone) by the statement triggers of ``schema.partitions.SUCCESSOR_DDL``. A dangling
successor is refused on insert and update; a successor still named cannot be deleted or
renumbered; a real supersession and the erasure of a whole chain are accepted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, InternalError
from sqlmodel import Session

from schema import AggregateMeasurement, CaseMeasurement, table_of
from tests.factories import build_world

REFUSED = (IntegrityError, InternalError)
LATER = datetime(2024, 6, 1, tzinfo=UTC)
MISSING = 999_999


@pytest.fixture
def world(catalogue: Session):  # noqa: ANN201
    return build_world(catalogue)


@pytest.fixture(params=[CaseMeasurement, AggregateMeasurement], ids=["case", "aggregate"])
def table(request: pytest.FixtureRequest) -> Table:
    return table_of(request.param)


def _copy_of_a_row(session: Session, table: Table, **change: object) -> tuple[int, int]:
    """(id of a stored current row, id of a new row copying it with ``change``)."""
    old = session.execute(
        select(table).where(table.c.superseded_at.is_(None)).order_by(table.c.id).limit(1)
    ).one()
    fields = {k: v for k, v in old._mapping.items() if k not in {"id", "superseded_at"}}
    new_id = session.execute(
        insert(table).values(**{**fields, **change}).returning(table.c.id)
    ).scalar_one()
    return old.id, new_id


def _refused(session: Session, statement, table: Table) -> None:  # noqa: ANN001
    with pytest.raises(REFUSED) as refused:
        session.execute(statement)
        session.flush()
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        assert f"{table.name}.superseded_by_id" in str(refused.value)


def test_a_dangling_successor_is_refused(world, session, table):
    old, _ = _copy_of_a_row(session, table, category="x", value=1.0)
    session.commit()
    _refused(
        session,
        update(table)
        .where(table.c.id == old)
        .values(superseded_at=LATER, superseded_by_id=MISSING),
        table,
    )
    _refused(session, insert(table).values(**_fields(session, table, MISSING)), table)
    assert (
        session.execute(select(table.c.superseded_by_id).where(table.c.id == old)).scalar() is None
    )


def _fields(session: Session, table: Table, successor: int) -> dict:
    row = session.execute(select(table).order_by(table.c.id).limit(1)).one()
    fields = {k: v for k, v in row._mapping.items() if k != "id"}
    return {**fields, "category": "y", "superseded_at": LATER, "superseded_by_id": successor}


def test_a_named_successor_cannot_be_deleted_or_renumbered(world, session, table):
    key = table.c.observed_on if "observed_on" in table.c else table.c.period_start
    old, new = _copy_of_a_row(session, table, category="z", value=2.0)
    session.execute(update(table).where(table.c.id == old).values(superseded_at=LATER))
    session.execute(update(table).where(table.c.id == old).values(superseded_by_id=new))
    session.commit()
    _refused(session, delete(table).where(table.c.id == new), table)
    _refused(session, update(table).where(table.c.id == new).values(id=MISSING), table)
    # a successor in another period (on PostgreSQL another partition) is found too
    in_2019 = (
        {"observed_on": date(2019, 3, 1)}
        if key.name == "observed_on"
        else {"period_code": "2019-H1", "period_start": date(2019, 1, 1),
              "period_end": date(2019, 6, 30)}
    )  # fmt: skip
    _, elsewhere = _copy_of_a_row(session, table, category="w", **in_2019)
    session.execute(
        update(table).where(table.c.id == elsewhere).values(superseded_at=LATER)
    )  # a stored row of 2019 superseded by the current row of another year
    session.execute(update(table).where(table.c.id == elsewhere).values(superseded_by_id=new))
    session.commit()
    # erasing the whole chain at once leaves nothing dangling: accepted
    before = session.execute(select(func.count()).select_from(table)).scalar_one()
    session.execute(delete(table).where(table.c.id.in_([old, new, elsewhere])))
    session.commit()
    assert session.execute(select(func.count()).select_from(table)).scalar_one() == before - 3
