"""Corrections through StatusAanlevering (COD467: 1 eerste aanlevering, 3 verwijderen; a
correction is a 3 followed by a 1) and a changed allocation, mapped onto the platform's
append-only supersession: figures "as of" the moment before each import stay as they were."""

from __future__ import annotations

import time
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from monitor.ingest.ijw import import_messages
from monitor.policy import system_principal
from monitor.query import case_rollup
from monitor.settings import get_settings
from schema import CaseMeasurement, IjwProduct, Indicator
from tests.monitor.ingest.ijw.conftest import AGB_1
from tests.monitor.ingest.ijw.messages import bsn, jw301, jw305, jw307

CHILD = bsn(7)
GM = dict(child=CHILD, provider=AGB_1, gemeente="0363")


@pytest.fixture(autouse=True)
def small_cells(monkeypatch):
    monkeypatch.setenv("DISCLOSURE_THRESHOLD", "1")
    monkeypatch.setenv("DISCLOSURE_NOISE", "none")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _import(session, inbox, name: str, xml: str):  # noqa: ANN001, ANN202
    for old in inbox.folder.iterdir():
        old.unlink()
    inbox(name, xml)
    report = import_messages(session, inbox.folder, municipality_code="GM0363")
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    moment = datetime.now(UTC)
    time.sleep(0.01)
    return report, moment


def _current(session, code: str) -> list[tuple]:  # noqa: ANN001
    c = CaseMeasurement
    rows = session.execute(
        select(c.observed_on, c.end_date, c.value, c.end_reason)
        .join(Indicator, Indicator.id == c.indicator_id)
        .where(Indicator.code == code, c.superseded_at.is_(None))
        .order_by(c.observed_on)
    ).all()
    return [tuple(r) for r in rows]


def _wait_as_of(session, as_of):  # noqa: ANN001, ANN202
    frame = case_rollup(
        session,
        system_principal(),
        indicator_code="CH_WAIT_ALLOC",
        organisation_code="GM0363",
        period_type="half_year",
        as_of=as_of,
    )
    return frame["mean"].to_list()


def test_a_start_corrected_by_3_then_1_supersedes_the_old_episode(ijw, inbox):
    _, before = _import(
        ijw,
        inbox,
        "301.xml",
        jw301(**GM, day="2025-01-10", products=[{"number": "3001", "category": "45"}]),
    )
    _, first = _import(
        ijw,
        inbox,
        "305.xml",
        jw305(**GM, day="2025-01-21", products=[{"number": "3001", "begin": "2025-01-20"}]),
    )
    assert _current(ijw, "CH_CARE") == [(date(2025, 1, 20), None, None, None)]
    assert _current(ijw, "CH_WAIT_ALLOC") == [(date(2025, 1, 20), None, 10.0, None)]
    # the provider withdraws the start of 20 Jan and sends the right one, 27 Jan
    report, corrected = _import(
        ijw,
        inbox,
        "305_correctie.xml",
        jw305(
            **GM,
            day="2025-01-28",
            products=[
                {"number": "3001", "begin": "2025-01-20", "status": "3"},
                {"number": "3001", "begin": "2025-01-27", "status": "1"},
            ],
        ),
    )
    assert _current(ijw, "CH_CARE") == [(date(2025, 1, 27), None, None, None)]
    assert _current(ijw, "CH_WAIT_ALLOC") == [(date(2025, 1, 27), None, 17.0, None)]
    assert report.rows_superseded == 3  # CH_CARE, CH_WAIT_ALLOC and CH_WAIT of 20 Jan
    # as of earlier moments: nothing, then 10 days, then 17 days
    assert _wait_as_of(ijw, before) == []
    assert _wait_as_of(ijw, first) == [10.0]
    assert _wait_as_of(ijw, corrected) == [17.0]
    # nothing was overwritten: the old rows are still there, stamped
    c = CaseMeasurement
    stamped = ijw.execute(select(func.count()).where(c.superseded_at.is_not(None))).scalar_one()
    assert stamped == 3
    # the product lines themselves are kept as sent, the deletion included
    statuses = (
        ijw.execute(
            select(IjwProduct.delivery_status)
            .where(IjwProduct.kind == "JW305")
            .order_by(IjwProduct.id)
        )
        .scalars()
        .all()
    )
    assert statuses == ["1", "3", "1"]


def test_a_stop_removed_with_3_reopens_the_episode_and_a_3_alone_removes_it(ijw, inbox):
    _import(
        ijw,
        inbox,
        "301.xml",
        jw301(**GM, day="2025-01-10", products=[{"number": "3001", "category": "32"}]),
    )
    _import(
        ijw,
        inbox,
        "305.xml",
        jw305(
            **GM,
            day="2025-01-21",
            products=[{"number": "3001", "category": "32", "begin": "2025-01-20"}],
        ),
    )
    stop = {
        "number": "3001",
        "category": "32",
        "begin": "2025-01-20",
        "end": "2025-03-31",
        "reason": "33",
    }
    _import(ijw, inbox, "307.xml", jw307(**GM, day="2025-04-01", products=[stop]))
    assert _current(ijw, "CH_CARE") == [
        (date(2025, 1, 20), date(2025, 3, 31), None, "voortijdig_aanbieder")
    ]
    assert _current(ijw, "CH_CARE_DAYS") == [(date(2025, 3, 31), None, 70.0, None)]
    _import(
        ijw, inbox, "307_weg.xml", jw307(**GM, day="2025-04-02", products=[{**stop, "status": "3"}])
    )
    assert _current(ijw, "CH_CARE") == [(date(2025, 1, 20), None, None, None)]
    assert _current(ijw, "CH_CARE_DAYS") == []
    _import(
        ijw,
        inbox,
        "305_weg.xml",
        jw305(
            **GM,
            day="2025-04-03",
            products=[{"number": "3001", "category": "32", "begin": "2025-01-20", "status": "3"}],
        ),
    )
    assert _current(ijw, "CH_CARE") == []
    assert _current(ijw, "CH_WAIT_ALLOC") == []
    assert _current(ijw, "CH_REF") == [(date(2025, 1, 10), None, None, None)]  # still referred


def test_a_new_allocation_message_replaces_the_earlier_one(ijw, inbox):
    _import(
        ijw,
        inbox,
        "a.xml",
        jw301(
            **GM,
            day="2025-01-10",
            products=[{"number": "3001", "category": "45", "allocated": "2025-01-10"}],
        ),
    )
    _import(
        ijw,
        inbox,
        "b.xml",
        jw305(**GM, day="2025-02-01", products=[{"number": "3001", "begin": "2025-02-01"}]),
    )
    assert _current(ijw, "CH_WAIT_ALLOC") == [(date(2025, 2, 1), None, 22.0, None)]
    # the municipality re-sends allocation 3001 with the date it was really decided
    _import(
        ijw,
        inbox,
        "c.xml",
        jw301(
            **GM,
            day="2025-02-03",
            products=[{"number": "3001", "category": "45", "allocated": "2025-01-20"}],
        ),
    )
    assert _current(ijw, "CH_WAIT_ALLOC") == [(date(2025, 2, 1), None, 12.0, None)]
    assert _current(ijw, "CH_REF") == [(date(2025, 1, 20), None, None, None)]


def test_a_deletion_of_an_unknown_start_is_a_warning(ijw, inbox):
    report, _ = _import(
        ijw,
        inbox,
        "305.xml",
        jw305(
            **GM,
            day="2025-01-21",
            products=[{"number": "3001", "begin": "2025-01-20", "status": "3"}],
        ),
    )
    assert any("verwijdert een start die niet bekend is" in w.reason for w in report.warnings)


def test_the_same_messages_again_change_nothing(ijw, inbox, tmp_path):
    xml = jw301(**GM, day="2025-01-10", products=[{"number": "3001", "category": "45"}])
    first, _ = _import(ijw, inbox, "301.xml", xml)
    again = import_messages(ijw, inbox.folder, municipality_code="GM0363")
    assert again.status == "duplicate"
    archive = tmp_path / "export.zip"  # the same message in another export
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("berichten/301.xml", xml)
    report = import_messages(ijw, archive, municipality_code="GM0363")
    assert report.status == "accepted" and report.rows_accepted == 0
    assert any("al eerder zijn ingelezen" in w.reason for w in report.warnings)
    count = ijw.execute(select(func.count()).select_from(IjwProduct)).scalar_one()
    assert count == 1 and len(_current(ijw, "CH_REF")) == 1
