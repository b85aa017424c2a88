"""The readers the dashboards' faster paths rely on, on SQLite and PostgreSQL:
:func:`monitor.query.common.connection_frame` (``COPY ... TO STDOUT`` read by polars on
PostgreSQL) keeps an empty text apart from a null, dates, numbers and quotes as stored;
:func:`monitor.query.common.among_parameter` selects the same rows as ``IN``;
:func:`monitor.catalogue.newest_indicators` picks the newest version of each code."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import literal, select, union_all
from sqlmodel import Session

from monitor.catalogue import get_indicator, newest_indicators
from monitor.query.common import among, among_parameter, array_text, connection_frame
from schema import Indicator, Organisation, table_of

SCHEMA = {"n": pl.Int64, "text": pl.String, "day": pl.Date, "value": pl.Float64}


def _row(n: int, text: str | None, day: date | None, value: float | None):  # noqa: ANN202
    return select(
        literal(n).label("n"),
        literal(text).label("text"),
        literal(day).label("day"),
        literal(value).label("value"),
    )


def test_empty_text_null_dates_and_quotes_survive(session: Session) -> None:
    rows = [
        (1, "", date(2024, 1, 2), 2.5),
        (2, None, None, None),
        (3, 'a, "quoted"\ttext', date(1999, 12, 31), -0.125),
    ]
    statement = union_all(*(_row(*r) for r in rows))
    frame = connection_frame(session.connection(), statement, SCHEMA).sort("n")
    assert frame.rows() == rows
    assert frame["text"][0] == "" and frame["text"][1] is None


def test_no_rows_is_an_empty_frame_of_the_schema(session: Session) -> None:
    statement = _row(1, "x", None, None).where(literal(1) == 0)
    frame = connection_frame(session.connection(), statement, SCHEMA)
    assert frame.is_empty() and frame.schema == pl.Schema(SCHEMA)


def test_among_selects_the_same_rows_as_in(catalogue: Session) -> None:
    session = catalogue
    for k in range(5):
        session.add(Organisation(code=f"ORG{k}", name=f"Org {k}", kind="network"))
    session.flush()
    o = table_of(Organisation).c
    ids = sorted(session.execute(select(o.id)).scalars())
    wanted = ids[1::2]
    dialect = session.get_bind().dialect.name
    by_value = session.execute(select(o.id).where(among(o.id, wanted, dialect))).scalars()
    value = array_text(wanted) if dialect == "postgresql" else wanted
    by_name = session.execute(
        select(o.id).where(among_parameter(o.id, "wanted", dialect)), {"wanted": value}
    ).scalars()
    assert sorted(by_value) == sorted(by_name) == wanted


def test_newest_indicators_takes_the_highest_version(catalogue: Session) -> None:
    session = catalogue
    first = get_indicator(session, "NW_REF")
    newer = Indicator(**first.model_dump(exclude={"id", "version"}), version=first.version + 1)
    session.add(newer)
    session.flush()
    found = newest_indicators(session, ["NW_REF", "NW_CHILDREN", "NO_SUCH_CODE"])
    assert set(found) == {"NW_REF", "NW_CHILDREN"}
    assert found["NW_REF"].version == first.version + 1
    assert found["NW_CHILDREN"].version == get_indicator(session, "NW_CHILDREN").version
