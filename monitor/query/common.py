"""What every query shares: the as-of rule, frames, organisations the caller may see."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import polars as pl
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Executable,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from monitor.asof import known_at
from monitor.errors import AccessDeniedError, NotFoundError
from monitor.policy import Action, Principal
from schema import (
    Organisation,
    id_of,
)

SERIES_KEYS = ["organisation_code", "period_code", "category", "source_kind"]


def current_rows(table, as_of: datetime | None):  # noqa: ANN001, ANN202
    """Rows as known at ``as_of`` (or now): :func:`monitor.asof.known_at`."""
    return known_at(table, as_of)


def read_frame(
    session: Session,
    statement: Executable,
    schema: Mapping[str, pl.DataType | type[pl.DataType]],
    parameters: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """The rows of ``statement`` (with bound ``parameters``) as a frame with the given
    column types."""
    rows = session.execute(statement, dict(parameters) if parameters else None).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def read_frame_unprepared(
    session: Session,
    statement: Executable,
    schema: Mapping[str, pl.DataType | type[pl.DataType]],
    parameters: Mapping[str, Any],
) -> pl.DataFrame:
    """:func:`read_frame` for a statement whose best plan depends on its parameters: on
    PostgreSQL never prepared (psycopg prepares a statement run five times, and the
    server may then keep one generic plan for any parameters; for the pooled comparison
    groups that plan was seven times slower than the one made for the ids at hand)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return read_frame(session, statement, schema, parameters)
    # the text with lists for IN written out for these values, and its parameters
    state = _compiled(statement, connection.dialect).construct_expanded_state(dict(parameters))
    raw = connection.connection.driver_connection
    assert raw is not None  # a connection in use holds its driver's connection
    with raw.cursor() as cursor:
        cursor.execute(state.statement, state.parameters, prepare=False)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


@lru_cache(maxsize=256)
def _compiled(statement: Any, dialect: Any) -> Any:
    """The compiled form of a statement built once (kept with it)."""
    return statement.compile(dialect=dialect)


def among(column: Any, ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """``column`` is one of ``ids``: on PostgreSQL one array parameter (``= ANY``), so
    that hundreds of ids are one value to bind and plan, not hundreds; elsewhere ``IN``."""
    if dialect == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(list(ids))


def among_parameter(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """:func:`among` with the ids bound later, as parameter ``name`` (a list; on
    PostgreSQL its array text, :func:`array_text`, cheaper to send than a list).

    On PostgreSQL a semi-join on the unnested array: the array is read once and hashed,
    where ``= ANY`` of a parameter would be searched element by element for every row."""
    if dialect == "postgresql":
        ids = func.unnest(cast(bindparam(name, type_=String), ARRAY(Integer)))
        return column.in_(select(ids).scalar_subquery())
    return column.in_(bindparam(name, expanding=True))


def array_text(ids: Sequence[int]) -> str:
    """PostgreSQL's text of an integer array (``{1,2,3}``)."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def connection_frame(
    connection: Connection, statement: Select | CompoundSelect, schema: Mapping[str, Any]
) -> pl.DataFrame:
    """The rows of ``statement`` as a frame with the given column types: on PostgreSQL
    by ``COPY (...) TO STDOUT`` read by polars (millions of rows without a Python object
    each), elsewhere row by row."""
    if connection.dialect.name != "postgresql":
        rows = connection.execute(statement).all()
        return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    raw = connection.connection.driver_connection
    assert raw is not None  # a connection in use holds its driver's connection
    buffer = io.BytesIO()
    # every value quoted: an empty text stays "" (unquoted empty reads as null)
    command = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, NULL '\\N', FORCE_QUOTE *)"
    with raw.cursor() as cursor, cursor.copy(command, compiled.params) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    return pl.read_csv(
        buffer, has_header=False, schema=dict(schema), null_values="\\N", quote_char='"'
    )


def organisations_by_code(session: Session, codes: Sequence[str]) -> list[Organisation]:
    rows = session.execute(
        select(Organisation).where(col(Organisation.code).in_(list(codes)))
    ).scalars()
    found = {o.code: o for o in rows}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFoundError(f"organisation(s) {', '.join(missing)} do not exist")
    return [found[c] for c in codes]


def require_visible(principal: Principal, organisations: Sequence) -> None:
    """Refuse (AccessDeniedError naming them) unless the principal may view the figures
    of each organisation (anything with ``id`` and ``code``)."""
    denied = [o.code for o in organisations if not principal.allows(Action.VIEW, o.id)]
    if denied:
        raise AccessDeniedError(f"{principal.username} may not view figures of {', '.join(denied)}")


def visible_organisation_ids(
    session: Session, principal: Principal, organisation_codes: Sequence[str] | None
) -> list[int]:
    """Ids of the requested organisations (default: all the principal may view).

    Asking explicitly for an organisation one may not view is refused, not silently dropped."""
    if organisation_codes:
        orgs = organisations_by_code(session, organisation_codes)
        require_visible(principal, orgs)
        return [id_of(o) for o in orgs]
    if principal.is_admin:
        return list(session.execute(select(col(Organisation.id))).scalars())
    return sorted(principal.view_org_ids)
