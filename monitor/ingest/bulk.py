"""Bulk inserts inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

Measurement rows never go through the ORM: SQLite gets SQLAlchemy Core ``insert()``
executemany, PostgreSQL gets psycopg 3 ``COPY ... FROM STDIN`` on the session's own
connection, so everything happens inside the caller's one transaction.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

Progress = Callable[[int], None]
CHUNK = 50_000


def is_postgres(connection: Connection) -> bool:
    """True on PostgreSQL (COPY path), False on SQLite (Core executemany path)."""
    return connection.dialect.name == "postgresql"


def copy_frame(
    connection: Connection, table: str, frame: pl.DataFrame, progress: Progress | None = None
) -> None:
    """PostgreSQL: one ``COPY table (columns) FROM STDIN`` statement, fed with CSV text
    that polars writes chunk by chunk (``progress`` after each chunk sent).

    Uses the psycopg connection under the session, so it is part of the open transaction,
    and the table's statement triggers run once for the whole frame. Empty strings are
    written quoted (stored as ''), nulls unquoted (stored as NULL)."""
    import psycopg

    raw = connection.connection.driver_connection
    assert raw is not None  # a connection in use holds its driver's connection
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    statement = f'COPY "{table}" ({columns}) FROM STDIN (FORMAT csv)'
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for start in range(0, frame.height, CHUNK):
                buffer = io.BytesIO()
                frame.slice(start, CHUNK).write_csv(
                    buffer, include_header=False, datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z"
                )
                copy.write(buffer.getvalue())
                if progress:
                    progress(min(start + CHUNK, frame.height))
    except psycopg.errors.IntegrityError as exc:
        # the driver's own error, raised past SQLAlchemy: give it SQLAlchemy's type, so the
        # caller's handling (retry, 409) is the same as for every other statement
        raise IntegrityError(statement, None, exc) from exc
    except psycopg.Error as exc:
        raise DBAPIError(statement, None, exc) from exc


def write_rows(
    connection: Connection,
    table: Table,
    frame: pl.DataFrame,
    progress: Progress | None = None,
) -> None:
    """Insert ``frame`` (columns named as the table's) in chunks, reporting progress."""
    if is_postgres(connection):
        copy_frame(connection, table.name, frame, progress)
        return
    done = 0
    for start in range(0, frame.height, CHUNK):
        chunk = frame.slice(start, CHUNK)
        connection.execute(insert(table), chunk.to_dicts())
        done += chunk.height
        if progress:
            progress(done)
