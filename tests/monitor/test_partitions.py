"""Yearly partitions of the measurement history (PostgreSQL): each row lands in its year's
partition or in DEFAULT; ``monitor db upgrade`` creates the missing years from the
catalogue's first year to this year + 2, splits a year out of DEFAULT when rows of it
landed there (ids, indexes, current-row key kept), is idempotent, and names what is left
in DEFAULT. SQLite has one table and nothing to do."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from monitor.partitions import ensure_partitions
from schema import CaseMeasurement, table_of
from tests.factories import build_world

TABLE = table_of(CaseMeasurement)
THIS_YEAR = datetime.now(UTC).year


@pytest.fixture
def world(catalogue: Session):  # noqa: ANN201
    return build_world(catalogue)


def _postgres(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only (SQLite keeps one table)")


def _add(session: Session, observed_on: date, category: str = "") -> int:
    row = session.execute(select(TABLE).order_by(TABLE.c.id).limit(1)).one()
    fields = {k: v for k, v in row._mapping.items() if k != "id"}
    return session.execute(
        insert(TABLE)
        .values(**{**fields, "observed_on": observed_on, "category": category})
        .returning(TABLE.c.id)
    ).scalar_one()


def _partition_of(session: Session, row_id: int) -> str:
    return session.execute(
        text("SELECT tableoid::regclass::text FROM case_measurement WHERE id = :i"), {"i": row_id}
    ).scalar_one()


def _years(session: Session) -> list[int]:
    names = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'case_measurement'::regclass"
        )
    ).scalars()
    return sorted(int(n[-4:]) for n in names if n != "case_measurement_default")


def test_sqlite_has_nothing_to_partition(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert ensure_partitions(engine).added == []


def test_each_row_lands_in_its_years_partition(world, session):
    _postgres(session)
    # the catalogue's earliest valid_from is 2015-01-01 (monitor/data, the Jeugdwet)
    assert _years(session) == list(range(2015, THIS_YEAR + 3))
    stored = session.execute(select(TABLE.c.id).order_by(TABLE.c.id).limit(1)).scalar_one()
    assert _partition_of(session, stored) == "case_measurement_y2023"  # the world's rows
    on_new_year = _add(session, date(2024, 1, 1), "a")
    on_new_years_eve = _add(session, date(2024, 12, 31), "b")
    far_ahead = _add(session, date(THIS_YEAR + 3, 6, 1), "c")
    assert _partition_of(session, on_new_year) == "case_measurement_y2024"
    assert _partition_of(session, on_new_years_eve) == "case_measurement_y2024"
    assert _partition_of(session, far_ahead) == "case_measurement_default"


def test_upgrade_splits_years_out_of_default_and_is_idempotent(world, session, engine):
    _postgres(session)
    early, late = _add(session, date(2010, 5, 1), "a"), _add(session, date(2040, 5, 1), "b")
    session.commit()
    assert _partition_of(session, early) == "case_measurement_default"
    session.close()
    report = ensure_partitions(engine)
    assert report.years == range(2010, THIS_YEAR + 3)
    assert "case_measurement_y2010: split: 1 rows moved out of case_measurement_default" in (
        report.added
    )
    assert {f"case_measurement_y{y}: created" for y in range(2011, 2015)} <= set(report.added)
    assert report.outside == {"case_measurement": {2040: 1}}
    assert _partition_of(session, early) == "case_measurement_y2010"  # same id
    session.commit()  # a partition is added only while no transaction reads the table
    assert ensure_partitions(engine).added == []  # idempotent
    ahead = ensure_partitions(engine, through=2040)
    assert "case_measurement_y2040: split: 1 rows moved out of case_measurement_default" in (
        ahead.added
    )
    assert ahead.outside == {}
    assert _partition_of(session, late) == "case_measurement_y2040"
    # the split partition has the parent's indexes: the current-row key still refuses a
    # second current row for the same key
    indexes = text("SELECT count(*) FROM pg_indexes WHERE tablename = :t")
    count = {
        t: session.execute(indexes, {"t": f"case_measurement_{t}"}).scalar_one()
        for t in ("y2010", "y2023")
    }
    assert count == {"y2010": 4, "y2023": 4}  # the primary key and three indexes
    with pytest.raises(IntegrityError, match="case_measurement_y2010_child_id_reporting_org"):
        _add(session, date(2010, 5, 1), "a")
    session.rollback()


def test_cli_upgrade_creates_partitions_and_names_what_is_left_in_default(
    world, session, engine, cli
):
    _postgres(session)
    _add(session, date(2041, 2, 1), "a")
    session.commit()
    code, out, _ = cli("db", "upgrade")
    assert code == 0
    assert f"yearly partitions 2015-{THIS_YEAR + 2}: 0 added" in out
    assert "case_measurement_default holds rows outside the yearly partitions (2041: 1)" in out
    code, out, _ = cli("db", "upgrade", "--partitions-through", "2041")
    assert code == 0
    assert "case_measurement_y2041: split: 1 rows moved" in out
    assert "aggregate_measurement_y2041: created" in out
