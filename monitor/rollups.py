"""Rollups of the current case rows, kept in the writing transaction, and read by the
dashboards instead of the raw rows (:class:`schema.CasePathway`).

``case_pathway`` holds each child's care path per subject and half-year, as
:func:`monitor.figures.cases.child_paths` follows it from the child's current rows:

* a **network**'s children: signals in a month the child attended one of the network's
  member schools (a school reported about the child that month while a member), whoever
  reported the signal; referrals and care wherever they were reported;
* a **municipality**'s children: signals, referrals and care of the children living
  there, whoever reported them.

Kept up to date by :func:`refresh_children` (ingest calls it once per stored batch, with
the children whose rows it wrote or superseded; withdrawals the same), by an ORM flush
hook (rows, children and memberships written through the ORM) and rebuilt whole by
:func:`rebuild` (``monitor db rebuild-rollups``). The rollup knows only the rows current
*now*: figures "as of" an earlier moment are computed from the raw rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import polars as pl
from sqlalchemy import (
    ColumnElement,
    and_,
    delete,
    event,
    extract,
    func,
    insert,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from monitor.figures.cases import child_paths
from monitor.periods import period_containing
from monitor.query.common import among, connection_frame
from schema import (
    CaseMeasurement,
    CasePathway,
    Child,
    Indicator,
    NetworkMembership,
    Organisation,
    OrgKind,
    PeriodType,
    table_of,
)

#: The indicators a care path is made of.
PATHWAY_INDICATORS = ("CH_SIGNAL", "CH_REF", "CH_CARE")
#: Children recomputed per round trip (ingest) and per step of a rebuild.
CHUNK = 5_000
REBUILD_STEP = 1_000_000

_PATH = table_of(CasePathway)
_CASE = table_of(CaseMeasurement)
_CHILD = table_of(Child)
_MEMBER = table_of(NetworkMembership)
_ORG = table_of(Organisation)
_PATH_SCHEMA = pl.Schema(
    {
        "subject_id": pl.Int64,
        "period_code": pl.String,
        "child_id": pl.Int64,
        "referrer": pl.String,
        "care_type": pl.String,
        "ending": pl.String,
    }
)


#: Selects children by their id column (``lambda child: child.in_(ids)``): applied to
#: each copy of the case table a statement reads.
Children = Callable[[Any], ColumnElement[bool]]


def refresh_children(connection: Connection, child_ids: Iterable[int]) -> int:
    """Recompute the paths of these children from their current rows (their old
    contributions removed first); returns the number of paths stored."""
    ids = sorted({int(i) for i in child_ids})
    dialect = connection.dialect.name
    stored = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stored += _refresh(
            connection,
            partial(among, ids=chunk, dialect=dialect),
            among(_PATH.c.child_id, chunk, dialect),
        )
    return stored


def refresh_network(connection: Connection, network_id: int) -> int:
    """Recompute every path a change of ``network_id``'s members can touch: the children
    its member schools ever reported about (after a membership change)."""
    members = select(_MEMBER.c.member_id).where(_MEMBER.c.network_id == network_id)
    children = (
        select(_CASE.c.child_id)
        .where(_CASE.c.reporting_org_id.in_(members), _CASE.c.superseded_at.is_(None))
        .distinct()
    )
    connection.execute(delete(_PATH).where(_PATH.c.subject_id == network_id))
    return refresh_children(connection, connection.execute(children).scalars())


def rebuild(connection: Connection) -> int:
    """Empty ``case_pathway`` and fill it from every current case row, set-based: the
    database joins signals to pupil months and homes for :data:`REBUILD_STEP` children
    at a time (one statement each, hash joins over the whole step); returns the number
    of paths stored."""
    connection.execute(delete(_PATH))
    if connection.dialect.name == "postgresql":  # parallel plans stalled on a busy machine
        connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    low, high = connection.execute(select(func.min(_CHILD.c.id), func.max(_CHILD.c.id))).one()
    stored = 0
    if low is None:
        return stored
    for start in range(int(low), int(high) + 1, REBUILD_STEP):
        stored += _refresh(connection, _ids_between(start, start + REBUILD_STEP - 1), None)
    return stored


def _ids_between(low: int, high: int) -> Children:
    def children(child: Any) -> ColumnElement[bool]:
        return child.between(low, high)

    return children


def _refresh(
    connection: Connection,
    children: Children,
    paths_of: ColumnElement[bool] | None,
) -> int:
    """Delete the paths selected by ``paths_of`` and store those computed from the
    current case rows of ``children`` (the same children)."""
    if paths_of is not None:
        connection.execute(delete(_PATH).where(paths_of))
    paths = compute_paths(connection, children)
    _write(connection, paths)
    return paths.height


def compute_paths(connection: Connection, children: Children) -> pl.DataFrame:
    """The paths (columns of case_pathway) of ``children`` from their current case rows,
    per network and municipality subject and half-year."""
    signals = connection_frame(
        connection,
        _subject_signals(children),
        {"subject_id": pl.Int64, "child_id": pl.Int64, "observed_on": pl.Date},
    )
    if signals.is_empty():  # no path starts without a signal
        return pl.DataFrame(schema=_PATH_SCHEMA)
    c, i = _CASE.c, table_of(Indicator).c
    later = connection_frame(
        connection,
        select(c.child_id, i.code, c.observed_on, c.end_date, c.category, c.end_reason)
        .join(table_of(Indicator), i.id == c.indicator_id)
        .where(children(c.child_id), c.superseded_at.is_(None), i.code.in_(PATHWAY_INDICATORS[1:])),
        {
            "child_id": pl.Int64,
            "code": pl.String,
            "observed_on": pl.Date,
            "end_date": pl.Date,
            "category": pl.String,
            "end_reason": pl.String,
        },
    )
    paths = child_paths(
        _with_half_year(signals).select("subject_id", "period_code", "child_id", "observed_on"),
        later.filter(pl.col("code") == "CH_REF"),
        later.filter(pl.col("code") == "CH_CARE"),
        by=["subject_id", "period_code"],
    )
    return paths.select(list(_PATH_SCHEMA)).cast(_PATH_SCHEMA)


def _with_half_year(signals: pl.DataFrame) -> pl.DataFrame:
    """Signals with the code of their half-year."""
    days = signals["observed_on"].unique().to_list()
    half = {d: period_containing(d, PeriodType.HALF_YEAR).code for d in days}
    return signals.with_columns(
        pl.col("observed_on").replace_strict(half, return_dtype=pl.String).alias("period_code")
    )


def _subject_signals(children: Children) -> Any:
    """(subject_id, child_id, observed_on) of the children's current signals, per subject:

    * each network whose member school reported about the child in the signal's month
      while a member (as :func:`monitor.query.network_pupil_months` finds pupils);
    * the municipality the child lives in."""
    signal, row = _CASE.alias("signal"), _CASE.alias("school_row")
    i, m, o, home = table_of(Indicator).c, _MEMBER.c, _ORG.c, _CHILD.c
    signals = (
        select(signal.c.child_id, signal.c.observed_on)
        .join(table_of(Indicator), i.id == signal.c.indicator_id)
        .where(
            children(signal.c.child_id),
            signal.c.superseded_at.is_(None),
            i.code == PATHWAY_INDICATORS[0],
        )
        .subquery("signals")
    )
    s, r = signals.c, row.c
    same_month = and_(
        extract("year", r.observed_on) == extract("year", s.observed_on),
        extract("month", r.observed_on) == extract("month", s.observed_on),
    )
    by_network = (
        select(m.network_id.label("subject_id"), s.child_id, s.observed_on)
        .distinct()
        .join(row, and_(r.child_id == s.child_id, same_month))
        .join(_MEMBER, m.member_id == r.reporting_org_id)
        .join(_ORG, o.id == m.member_id)
        .where(
            children(r.child_id),
            r.superseded_at.is_(None),
            o.kind == OrgKind.SCHOOL.value,
            r.observed_on >= m.valid_from,
            (m.valid_to.is_(None)) | (r.observed_on < m.valid_to),
        )
    )
    by_home = (
        select(home.municipality_id.label("subject_id"), s.child_id, s.observed_on)
        .join(_CHILD, home.id == s.child_id)
        .where(home.municipality_id.is_not(None))
    )
    return union_all(by_network, by_home)


def _write(connection: Connection, paths: pl.DataFrame) -> None:
    """Insert ``paths``: COPY on PostgreSQL, executemany on SQLite."""
    if paths.is_empty():
        return
    if connection.dialect.name != "postgresql":
        for start in range(0, paths.height, 50_000):
            connection.execute(insert(_PATH), paths.slice(start, 50_000).to_dicts())
        return
    raw = connection.connection.driver_connection
    assert raw is not None  # a connection in use holds its driver's connection
    columns = ", ".join(paths.columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY case_pathway ({columns}) FROM STDIN") as copy:
        for start in range(0, paths.height, 200_000):
            buffer = io.BytesIO()
            paths.slice(start, 200_000).write_csv(
                buffer, include_header=False, separator="\t", null_value="\\N", quote_style="never"
            )
            copy.write(buffer.getvalue())


# ------------------------------------------------------------- reading the rollup
def pathway_paths(session: Session, subject_id: int, period_code: str) -> pl.DataFrame:
    """The stored paths of one subject and half-year: child_id, referrer, care_type,
    ending (for :func:`monitor.figures.cases.path_links`, which applies disclosure)."""
    p = _PATH.c
    statement = select(p.child_id, p.referrer, p.care_type, p.ending).where(
        p.subject_id == subject_id, p.period_code == period_code
    )
    schema = {n: _PATH_SCHEMA[n] for n in ("child_id", "referrer", "care_type", "ending")}
    return connection_frame(session.connection(), statement, schema)


# ------------------------------------------------- writes through the ORM (tests, admin)
def _touched(session: OrmSession) -> tuple[set[int], set[int]]:
    """Children and networks whose paths the pending ORM changes can alter."""
    children: set[int] = set()
    networks: set[int] = set()
    for instance in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(instance, CaseMeasurement) and instance.child_id is not None:
            children.add(instance.child_id)
        elif (
            isinstance(instance, Child) and instance.id is not None and instance not in session.new
        ):
            children.add(instance.id)
        elif isinstance(instance, NetworkMembership):
            networks.add(instance.network_id)
    return children, networks


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context: object) -> None:
    """Keep case_pathway in step with case rows, children and memberships written
    through the ORM, in the same transaction."""
    children, networks = _touched(session)
    if not children and not networks:
        return
    connection = session.connection()
    for network in sorted(networks):
        refresh_network(connection, network)
    if children:
        refresh_children(connection, children)


def corrected_children(connection: Connection, rows: pl.DataFrame) -> list[int]:
    """The children whose paths a batch of corrections can change, when each row it stored
    replaced a current row of its own key: those of its pathway rows only. A corrected
    absence (or any other) row keeps its child, school and month, and with them the
    school months a network's paths are attributed by."""
    indicator = table_of(Indicator)
    pathway = connection.execute(
        select(indicator.c.id).where(indicator.c.code.in_(PATHWAY_INDICATORS))
    ).scalars()
    return touched_children([rows.filter(pl.col("indicator_id").is_in(list(pathway)))])


def touched_children(frames: Sequence[pl.DataFrame]) -> list[int]:
    """The distinct child ids of the frames (rows written or superseded)."""
    ids: set[int] = set()
    for frame in frames:
        if "child_id" in frame.columns:
            ids.update(frame["child_id"].drop_nulls().cast(pl.Int64).to_list())
    return sorted(ids)
