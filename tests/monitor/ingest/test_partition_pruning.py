"""PostgreSQL partition pruning, read from the plans (``EXPLAIN (FORMAT JSON)``): a
dashboard-style read of one year and a correction batch of one period read only that
year's partition of the measurement history. Each statement is explained just before it
runs, with its own parameters, inside the same transaction (temporary key tables exist)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session

from monitor.ingest import ingest_file, store
from monitor.policy import system_principal
from monitor.query.cases import case_rows_in_scope
from tests.monitor.ingest.helpers import (
    NEW_CHILD,
    valid_bsns,
    write_aggregate,
    write_case,
)

STORE_TABLE = store.store_table
REFRESH_CHILDREN = store.rollups.refresh_children
#: While true, statements are not explained (the case rollups' refresh, see below).
_PAUSED = {"on": False}


def _relations(plan: dict) -> Iterator[str]:
    if "Relation Name" in plan:
        yield plan["Relation Name"]
    for child in plan.get("Plans", []):
        yield from _relations(child)


@contextmanager
def explained(session: Session, table: str) -> Iterator[list[set[str]]]:
    """Per SELECT/UPDATE naming ``table`` while inside: the relations its plan reads."""
    scanned: list[set[str]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        verb = statement.lstrip().split(None, 1)[0].upper()
        if _PAUSED["on"]:
            return
        if table in statement and verb in {"SELECT", "UPDATE", "WITH"} and not executemany:
            with cursor.connection.cursor() as explain:
                explain.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
                (plan,) = explain.fetchone()[0]
            scanned.append(set(_relations(plan["Plan"])))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield scanned
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _unexplained_refresh(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    """The case rollups' refresh, its statements not explained (see explained_store)."""
    _PAUSED["on"] = True
    try:
        return REFRESH_CHILDREN(*args, **kwargs)
    finally:
        _PAUSED["on"] = False


@contextmanager
def explained_store(monkeypatch: pytest.MonkeyPatch, table: str) -> Iterator[list[set[str]]]:
    """As :func:`explained`, for the statements of :func:`store.store_table` only. The
    case rollups' refresh inside it is left out on purpose: it re-reads the touched
    children's current rows in every year by child id (index probes per partition),
    because a child's path from signal to the end of care spans years."""
    scanned: list[set[str]] = []

    def store_table(session: Session, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with explained(session, table) as inside:
            try:
                return STORE_TABLE(session, *args, **kwargs)
            finally:
                scanned.extend(inside)

    with monkeypatch.context() as patch:
        patch.setattr(store, "store_table", store_table)
        patch.setattr(store.rollups, "refresh_children", _unexplained_refresh)
        yield scanned


def _partitions(scanned: list[set[str]], table: str) -> set[str]:
    return {name for names in scanned for name in names if name.startswith(f"{table}_")}


@pytest.fixture
def postgres(orgs: Session) -> Session:
    if orgs.get_bind().dialect.name != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only (SQLite keeps one table)")
    return orgs


def _case_rows(year: int, value: str) -> list[dict[str, str]]:
    return [
        {
            "bsn": bsn,
            "indicator": "CH_ABS",
            "date": f"{year}-{m:02d}-15",
            "value": value,
            **NEW_CHILD,
        }  # fmt: skip
        for bsn in valid_bsns(20)
        for m in range(1, 13)
    ]


def test_a_case_correction_of_one_year_reads_only_that_partition(postgres, tmp_path, monkeypatch):
    # the rollups' refresh reads the touched children in every year by child id, by design
    monkeypatch.setattr(store.rollups, "refresh_children", _unexplained_refresh)
    for year in (2022, 2023, 2024):
        ingest_file(postgres, write_case(tmp_path / f"{year}.csv", _case_rows(year, "3")),
                    organisation_code="SCH-01")  # fmt: skip
    with explained(postgres, "case_measurement") as scanned:
        report = ingest_file(
            postgres, write_case(tmp_path / "fix.csv", _case_rows(2023, "5")),
            organisation_code="SCH-01",
        )  # fmt: skip
    assert (report.status, report.rows_superseded) == ("accepted", 240)
    # the current-row probe, the match and stamp, the successor verification
    assert len(scanned) >= 3, scanned
    assert _partitions(scanned, "case_measurement") == {"case_measurement_y2023"}


def test_an_aggregate_correction_of_one_period_reads_only_its_partition(
    postgres, tmp_path, monkeypatch
):
    rows = [
        {
            "organisation": "NW-OOST",
            "indicator": "NW_CHILDREN",
            "period": f"{y}-H{h}",
            "value": "40",
        }  # fmt: skip
        for y in (2022, 2023, 2024)
        for h in (1, 2)
    ]
    ingest_file(postgres, write_aggregate(tmp_path / "a.csv", rows), organisation_code="NW-OOST")
    fix = [{**rows[2], "value": "41"}]  # 2023-H1
    # the store only: the batch's quality warnings compare it with the reporter's own
    # earlier figures of every year on purpose (outliers against its history)
    with explained_store(monkeypatch, "aggregate_measurement") as scanned:
        report = ingest_file(
            postgres, write_aggregate(tmp_path / "b.csv", fix), organisation_code="NW-OOST"
        )
    assert (report.status, report.rows_superseded) == ("accepted", 1)
    assert len(scanned) >= 3, scanned  # probe, match and stamp, successor verification
    assert _partitions(scanned, "aggregate_measurement") == {"aggregate_measurement_y2023"}


def test_a_dashboard_read_of_one_year_reads_only_that_partition(postgres, tmp_path):
    for year in (2022, 2023, 2024):
        ingest_file(postgres, write_case(tmp_path / f"{year}.csv", _case_rows(year, "3")),
                    organisation_code="SCH-01")  # fmt: skip
    principal = system_principal()
    with explained(postgres, "case_measurement") as one_year:
        frame = case_rows_in_scope(
            postgres, principal, indicator_code="CH_ABS", organisation_code="SCH-01",
            started_from=date(2023, 1, 1), date_to=date(2023, 12, 31),
        )  # fmt: skip
    assert frame.height == 20 * 12  # 20 children, 12 months of 2023
    assert _partitions(one_year, "case_measurement") == {"case_measurement_y2023"}
    # the same read without dates reads every year's partition (the check can fail)
    with explained(postgres, "case_measurement") as every_year:
        frame = case_rows_in_scope(
            postgres, principal, indicator_code="CH_ABS", organisation_code="SCH-01"
        )
    assert frame.height == 3 * 20 * 12
    assert {"case_measurement_y2022", "case_measurement_y2024", "case_measurement_default"} <= (
        _partitions(every_year, "case_measurement")
    )
