"""Attack: a case rollup publishes a count of children and a count of rows per cell. When
both carried the same noise, rows minus children was exact; for a monthly indicator per
half-year every child has a known number of rows, so the exact child count of every large
cell followed, and a withheld school was the exact difference of two large cells: a
network now minus the network "as of" the moment before the school's membership was
entered, or a municipality's total minus its other school.

World: :mod:`tests.factories` (school 11AA: 30 Amsterdam children with two CH_ABS rows
each in 2023-H1) plus school 33CC in Amsterdam, a member of NW-A since 2020 but entered
on 2024-06-01, with 5 children of two rows each. By hand: NW-A 2023-H1 now 35 children /
70 rows; as of 2024-03-01 30 / 60; 33CC's 5 is withheld and must not be derivable.

Over many secret keys the derivation may hit the truth by chance (the noise is often 0),
but not always: with shared noise it hit it under every key."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.catalogue import get_indicator
from monitor.policy import principal_for
from monitor.query import case_rollup
from monitor.settings import get_settings
from schema import CaseMeasurement, Child, NetworkMembership, Organisation
from tests.factories import build_world

SMALL = 5
BEFORE_ENTRY = datetime(2024, 3, 1, tzinfo=UTC)
KEYS = 40


@pytest.fixture
def world(catalogue):  # noqa: ANN001, ANN201
    built = build_world(catalogue)
    orgs = built.orgs
    school = Organisation(
        code="33CC", name="School C1", kind="school", brin="33CC",
        municipality_id=orgs["GM0363"].id,
    )  # fmt: skip
    catalogue.add(school)
    catalogue.flush()
    catalogue.add(
        NetworkMembership(
            network_id=orgs["NW-A"].id, member_id=school.id, valid_from=date(2020, 1, 1),
            recorded_at=datetime(2024, 6, 1, tzinfo=UTC),
        )
    )  # fmt: skip
    absence = get_indicator(catalogue, "CH_ABS")
    for index in range(SMALL):
        child = Child(
            pseudonym=f"c{index}", birth_month=date(2012, 3, 1), sex="f",
            municipality_id=orgs["GM0363"].id,
        )  # fmt: skip
        catalogue.add(child)
        catalogue.flush()
        for month in (1, 2):
            catalogue.add(
                CaseMeasurement(
                    child_id=child.id, indicator_id=absence.id, reporting_org_id=school.id,
                    submission_id=built.submission_id, observed_on=date(2023, month, 15),
                    value=float(index), source_kind="registered",
                    recorded_at=built.recorded_at,
                )
            )  # fmt: skip
    catalogue.commit()
    return built


def _h1(session, principal, organisation: str, **options) -> list[dict]:  # noqa: ANN001
    frame = case_rollup(
        session, principal, indicator_code="CH_ABS", organisation_code=organisation, **options
    )
    return [r for r in frame.to_dicts() if r["period_code"] == "2023-H1"]


def _derived(row: dict) -> float:
    """What the attacker computes: rows minus children (two rows a child)."""
    return row["n_rows"] - row["n_children"]


def _under_keys(monkeypatch, attack) -> list[bool]:  # noqa: ANN001
    """Whether ``attack()`` hit the truth, under each of :data:`KEYS` secret keys."""
    hits = []
    for index in range(KEYS):
        monkeypatch.setenv("PSEUDONYM_KEY", f"another-secret-key-for-this-attack-{index:04d}")
        get_settings.cache_clear()
        hits.append(attack())
    get_settings.cache_clear()
    return hits


def test_rows_minus_children_is_no_exact_count(catalogue, world, monkeypatch):  # noqa: ANN001
    viewer = principal_for(catalogue, world.users["viewer_a"])

    def attack() -> bool:
        (now,) = _h1(catalogue, viewer, "NW-A")
        return _derived(now) == 30 + SMALL

    hits = _under_keys(monkeypatch, attack)
    assert sum(hits) < 0.75 * KEYS, f"exact under {sum(hits)} of {KEYS} keys"


def test_now_minus_as_of_gives_no_withheld_school(catalogue, world, monkeypatch):  # noqa: ANN001
    viewer = principal_for(catalogue, world.users["viewer_a"])

    def attack() -> bool:
        (now,) = _h1(catalogue, viewer, "NW-A")
        (then,) = _h1(catalogue, viewer, "NW-A", as_of=BEFORE_ENTRY)
        return _derived(now) - _derived(then) == SMALL

    hits = _under_keys(monkeypatch, attack)
    assert sum(hits) < 0.75 * KEYS, f"33CC's 5 rebuilt under {sum(hits)} of {KEYS} keys"


def test_total_minus_other_school_gives_no_withheld_school(catalogue, world, monkeypatch):  # noqa: ANN001
    officer = principal_for(catalogue, world.users["officer_ams"])

    def attack() -> bool:
        (total,) = _h1(catalogue, officer, "GM0363")
        parts = _h1(catalogue, officer, "GM0363", by=["reporting_org_code"])
        big = next(r for r in parts if r["reporting_org_code"] == "11AA")
        small = next(r for r in parts if r["reporting_org_code"] == "33CC")
        assert small["suppressed"] and small["n_rows"] is None  # withheld on its own
        return _derived(total) - _derived(big) == SMALL

    hits = _under_keys(monkeypatch, attack)
    assert sum(hits) < 0.75 * KEYS, f"33CC's 5 rebuilt under {sum(hits)} of {KEYS} keys"
