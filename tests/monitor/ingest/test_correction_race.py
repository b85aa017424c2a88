"""PostgreSQL: a batch that corrects some rows and adds others, while another batch makes
one of its new keys current between the correction's statements. The first batch must not
take that row for its own unchanged one (its value differs): its insert meets the row in
the current-row index, the batch is retried, and its own value ends up current."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from monitor.ingest import ingest_frame
from tests.monitor.ingest.helpers import case_row

K1 = "2024-03-01"  # stored before, corrected by batch A
K2 = "2024-03-31"  # new in batch A, made current by batch B meanwhile


def _current(session: Session) -> dict[str, float]:
    rows = session.execute(
        text("SELECT observed_on, value FROM case_measurement WHERE superseded_at IS NULL")
    ).all()
    return {str(day): value for day, value in rows}


def test_a_row_made_current_meanwhile_is_not_taken_for_unchanged(orgs, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers queue on one file lock: the interleaving cannot occur")
    first = ingest_frame(orgs, pl.DataFrame([case_row(date=K1, value="1")]),
                         file_name="first.csv", organisation_code="SCH-01")  # fmt: skip
    assert first.status == "accepted"
    interleaved: list[str] = []

    def b_commits_meanwhile(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001, PLR0913
        if interleaved or "_same = true" not in statement:
            return
        interleaved.append("B")
        with Session(engine) as other:
            other.execute(text("SET statement_timeout = '20s'"))  # never wait on A forever
            report = ingest_frame(other, pl.DataFrame([case_row(date=K2, value="5")]),
                                  file_name="b.csv", organisation_code="SCH-01")  # fmt: skip
            interleaved.append(report.status)

    event.listen(engine, "before_cursor_execute", b_commits_meanwhile)
    try:
        with Session(engine) as session:
            a = ingest_frame(
                session,
                pl.DataFrame([case_row(date=K1, value="2"), case_row(date=K2, value="3")]),
                file_name="a.csv",
                organisation_code="SCH-01",
            )
    finally:
        event.remove(engine, "before_cursor_execute", b_commits_meanwhile)
    assert interleaved == ["B", "accepted"]
    assert a.status == "accepted" and a.rows_unchanged == 0, a.summary()
    orgs.rollback()
    assert _current(orgs) == {K1: 2.0, K2: 3.0}  # A committed last: its values are current
