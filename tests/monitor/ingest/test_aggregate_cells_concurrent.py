"""Two transactions writing figures of the same organisation and indicator at the same
time (PostgreSQL): the second waits for the first's rollup refresh, both commit, and the
rollup equals a full recomputation — no lost update, no key conflict."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session

from monitor.catalogue import get_indicator
from monitor.organisations import get_organisation
from tests.monitor.ingest.test_aggregate_cells import CELLS, EVERYTHING

INSERT = text(
    "INSERT INTO aggregate_measurement (organisation_id, indicator_id, reporting_org_id, "
    "submission_id, period_code, period_start, period_end, category, value, source_kind, "
    "recorded_at) VALUES (:org, :ind, :org, :sub, :code, :start, :end, :cat, :value, "
    "'registered', :at)"
)


def test_concurrent_writers_keep_the_rollup_whole(orgs, engine):
    session = orgs
    if engine.dialect.name != "postgresql":
        pytest.skip("aggregate_cell and its lock exist on PostgreSQL only")
    org = get_organisation(session, "NW-OOST").id
    indicator = get_indicator(session, "NW_REF").id
    submission = session.execute(
        text(
            "INSERT INTO submission (organisation_id, channel, shape, file_name, checksum, "
            "received_at, rows_read, rows_accepted, rows_rejected, rows_superseded, "
            "rows_unchanged, status, message) VALUES (:org, 'cli', 'aggregate', 'f', 'c', "
            "now(), 0, 0, 0, 0, 0, 'accepted', '') RETURNING id"
        ),
        {"org": org},
    ).scalar_one()
    session.commit()
    row = {"org": org, "ind": indicator, "sub": submission, "code": "2024-H1",
           "start": "2024-01-01", "end": "2024-06-30", "at": datetime.now(UTC)}  # fmt: skip
    first = engine.connect()
    first.begin()
    first.execute(INSERT, {**row, "cat": "huisarts", "value": 10})  # holds the rollup lock
    done: list[BaseException | None] = []

    def second() -> None:
        try:
            with engine.begin() as conn:  # blocks until the first commits
                conn.execute(INSERT, {**row, "cat": "jeugdarts", "value": 5})
            done.append(None)
        except BaseException as exc:  # noqa: BLE001
            done.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=2)
    assert thread.is_alive(), "the second writer should wait for the first one's refresh"
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert done == [None]
    with Session(engine) as check:
        kept = check.execute(text(CELLS)).all()
        derived = [r for r in kept if r.derived and r.period_code == "2024-H1"]
        assert [r.parts_value_sum for r in derived] == [15.0]  # both writers' parts
        check.execute(text(EVERYTHING))
        assert check.execute(text(CELLS)).all() == kept
        check.rollback()
