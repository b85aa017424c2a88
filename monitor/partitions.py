"""PostgreSQL: keep a partition a year ready for the measurement history.

``case_measurement`` and ``aggregate_measurement`` are partitioned by year
(:mod:`schema.partitions`). :func:`ensure_partitions` (run by ``monitor db upgrade``)
creates every missing year from the earliest year the catalogue or the data needs up to
the current year + :data:`~schema.partitions.YEARS_AHEAD` (or a later year asked for);
a year whose rows had landed in the DEFAULT partition is split out of it. Rows of years
still outside stay in DEFAULT and are reported. SQLite has one table and nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, text

from schema.partitions import FIRST_YEAR, PARTITION_KEYS, YEARS_AHEAD, default_partition

#: How long adding a partition waits for readers and writers of the table to finish.
LOCK_TIMEOUT = "30s"


@dataclass
class PartitionReport:
    """What :func:`ensure_partitions` did: partitions added (with rows moved out of
    DEFAULT, if any), and per table the years of rows still in DEFAULT."""

    years: range = range(0)
    added: list[str] = field(default_factory=list)
    outside: dict[str, dict[int, int]] = field(default_factory=dict)


def is_partitioned(connection: Connection) -> bool:
    """Whether the measurement history is partitioned here (PostgreSQL, migrated)."""
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.execute(
        text("SELECT relkind FROM pg_class WHERE oid = to_regclass('case_measurement')")
    ).scalar()
    return kind == "p"


def _partitioned_years(connection: Connection, table: str) -> list[int]:
    """Years that have a partition of ``table`` (from the partition bounds)."""
    rows = connection.execute(
        text(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t)"
        ),
        {"t": table},
    ).scalars()
    return [int(bound.split("'")[1][:4]) for bound in rows if bound.startswith("FOR VALUES")]


def _default_years(connection: Connection, table: str) -> dict[int, int]:
    """Rows per year in ``table``'s DEFAULT partition."""
    key, fallback = PARTITION_KEYS[table], default_partition(table)
    rows = connection.execute(
        text(
            f"SELECT CAST(extract(year FROM {key}) AS integer) AS y, count(*) "
            f'FROM "{fallback}" GROUP BY y ORDER BY y'
        )
    ).all()
    return {int(year): int(count) for year, count in rows}


def wanted_years(connection: Connection, through: int | None = None) -> range:
    """From the earliest year the catalogue (``valid_from``), a partition or a row in
    DEFAULT names (:data:`~schema.partitions.FIRST_YEAR` when none does) to ``through``
    (default: the current year + :data:`~schema.partitions.YEARS_AHEAD`)."""
    last = datetime.now(UTC).year + YEARS_AHEAD
    last = max(last, through) if through is not None else last
    known: list[int] = []
    catalogue = connection.execute(
        text("SELECT CAST(extract(year FROM min(valid_from)) AS integer) FROM indicator")
    ).scalar()
    if catalogue is not None:
        known.append(int(catalogue))
    for table in PARTITION_KEYS:
        known += _partitioned_years(connection, table)
        known += [year for year in _default_years(connection, table) if year <= last]
    return range(min(known) if known else FIRST_YEAR, last + 1)


def ensure_partitions(engine: Engine, through: int | None = None) -> PartitionReport:
    """Create the missing yearly partitions (:func:`wanted_years`), in one transaction;
    idempotent. Returns what was added and what is still in DEFAULT."""
    report = PartitionReport()
    with engine.begin() as connection:
        if not is_partitioned(connection):
            return report
        # a new partition needs a moment alone with its table: fail with a clear lock
        # error rather than queue every reader behind a long-running one
        connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        report.years = wanted_years(connection, through)
        for table, key in PARTITION_KEYS.items():
            for year in report.years:
                outcome = connection.execute(
                    text("SELECT measurement_partition_add(:t, :k, :y)"),
                    {"t": table, "k": key, "y": year},
                ).scalar_one()
                if outcome != "present":
                    report.added.append(f"{table}_y{year}: {outcome}")
            left = _default_years(connection, table)
            if left:
                report.outside[table] = left
    return report
