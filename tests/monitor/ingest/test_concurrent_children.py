"""Twenty batches sharing a child that is new to the monitor, submitted at the same time
(#12 item 18): on PostgreSQL every one is stored (no 500: the child is inserted
``ON CONFLICT DO NOTHING``, a colliding row key retries the batch) and there is exactly one
child row; on SQLite, whose writers queue on one file lock, each is stored or answers a
clear ConflictError (409) — never anything else — and there is still one child."""

from __future__ import annotations

import threading

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from monitor.errors import ConflictError
from monitor.ingest import ingest_frame
from schema import CaseMeasurement, Child
from tests.monitor.ingest.helpers import case_row

THREADS = 20


def test_twenty_batches_sharing_a_new_child(orgs, engine):
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = [None] * THREADS

    def submit(index: int) -> None:
        # every batch: the shared new child K-1 on its own date, plus a row key all share
        rows = [case_row(date=f"2024-01-{index + 1:02d}"), case_row(date="2024-03-31")]
        frame = pl.DataFrame(rows)
        with Session(engine) as session:
            barrier.wait()
            try:
                report = ingest_frame(
                    session, frame, file_name=f"batch-{index}.csv", organisation_code="SCH-01"
                )
                outcomes[index] = report.status
            except ConflictError as exc:
                outcomes[index] = exc
            except BaseException as exc:  # noqa: BLE001 - anything else is the failure
                outcomes[index] = exc

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    unexpected = [o for o in outcomes if o != "accepted" and not isinstance(o, ConflictError)]
    assert not unexpected, unexpected
    if engine.dialect.name == "postgresql":
        assert outcomes == ["accepted"] * THREADS
    orgs.rollback()
    assert orgs.execute(select(func.count()).select_from(Child)).scalar_one() == 1
    stored = sum(o == "accepted" for o in outcomes)
    current = orgs.execute(
        select(func.count())
        .select_from(CaseMeasurement)
        .where(CaseMeasurement.superseded_at.is_(None))
    ).scalar_one()
    assert current == stored + 1  # one row per stored batch's own date, one shared
