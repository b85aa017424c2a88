"""Referrals, care episodes and waiting times derived from iJw messages, read back
through the query layer and the views; every expected figure is worked out by hand from
the messages below (days counted on a calendar)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from monitor.ingest import ingest_file
from monitor.ingest.ijw import import_messages
from monitor.policy import system_principal
from monitor.query import case_rollup
from monitor.settings import get_settings
from monitor.views import care_pathway_flows, category_groups
from tests.monitor.ingest.helpers import write_case
from tests.monitor.ingest.ijw.conftest import AGB_1, AGB_2
from tests.monitor.ingest.ijw.messages import bsn, jw301, jw305, jw307, jw315

C0, C1, C2, C3, C4 = (bsn(i) for i in range(5))
GM = dict(gemeente="0363")


def _messages(inbox) -> None:  # noqa: ANN001
    """The 2025 traffic of five children (providers: AGB_1 = JH-01, AGB_2 = JH-02)."""
    # C0: GP referral, request 3 Feb, allocated 10 Feb, care from 1 Mar to 31 May (to plan)
    inbox(
        "c0_315.xml",
        jw315(
            child=C0,
            provider=AGB_1,
            day="2025-02-03",
            **GM,
            products=[{"reference": "R0", "referrer": "02", "category": "45"}],
        ),
    )
    inbox(
        "c0_301.xml",
        jw301(
            child=C0,
            provider=AGB_1,
            day="2025-02-10",
            **GM,
            products=[{"number": "1000", "reference": "R0", "category": "45"}],
        ),
    )
    inbox(
        "c0_305.xml",
        jw305(
            child=C0,
            provider=AGB_1,
            day="2025-03-02",
            **GM,
            products=[{"number": "1000", "category": "45", "begin": "2025-03-01"}],
        ),
    )
    inbox(
        "c0_307.xml",
        jw307(
            child=C0,
            provider=AGB_1,
            day="2025-06-02",
            **GM,
            products=[
                {
                    "number": "1000",
                    "category": "45",
                    "begin": "2025-03-01",
                    "end": "2025-05-31",
                    "reason": "31",
                }
            ],
        ),
    )
    # C1: youth physician, request 15 Jan, foster care allocated 20 Jan, from 19 Feb, running
    inbox(
        "c1_315.xml",
        jw315(
            child=C1,
            provider=AGB_1,
            day="2025-01-15",
            sex="1",
            **GM,
            products=[{"reference": "R1", "referrer": "03", "category": "35"}],
        ),
    )
    inbox(
        "c1_301.xml",
        jw301(
            child=C1,
            provider=AGB_1,
            day="2025-01-20",
            sex="1",
            **GM,
            products=[{"number": "1001", "reference": "R1", "category": "35"}],
        ),
    )
    inbox(
        "c1_305.xml",
        jw305(
            child=C1,
            provider=AGB_1,
            day="2025-02-20",
            sex="1",
            **GM,
            products=[{"number": "1001", "category": "35", "begin": "2025-02-19"}],
        ),
    )
    # C2: no request (the municipality's own access): neighbourhood team, 3 Mar allocated,
    # 13 Mar to 30 Apr, ended early by the client
    inbox(
        "c2_301.xml",
        jw301(
            child=C2,
            provider=AGB_2,
            day="2025-03-03",
            **GM,
            products=[{"number": "2001", "category": "31"}],
        ),
    )
    inbox(
        "c2_305.xml",
        jw305(
            child=C2,
            provider=AGB_2,
            day="2025-03-14",
            **GM,
            products=[{"number": "2001", "category": "31", "begin": "2025-03-13"}],
        ),
    )
    inbox(
        "c2_307.xml",
        jw307(
            child=C2,
            provider=AGB_2,
            day="2025-05-01",
            **GM,
            products=[
                {
                    "number": "2001",
                    "category": "31",
                    "begin": "2025-03-13",
                    "end": "2025-04-30",
                    "reason": "32",
                }
            ],
        ),
    )
    # C3: allocation naming a reference no request carries (municipal access), category 55
    # (nationally purchased: residence unknown), allocated 1 Apr, started 8 Apr
    inbox(
        "c3_301.xml",
        jw301(
            child=C3,
            provider=AGB_2,
            day="2025-04-01",
            **GM,
            products=[{"number": "2002", "reference": "X9", "category": "55", "code": "55A01"}],
        ),
    )
    inbox(
        "c3_305.xml",
        jw305(
            child=C3,
            provider=AGB_2,
            day="2025-04-09",
            **GM,
            products=[{"number": "2002", "category": "55", "code": "55A01", "begin": "2025-04-08"}],
        ),
    )
    # C4: self-referral requested 5 May, nothing allocated yet
    inbox(
        "c4_315.xml",
        jw315(
            child=C4,
            provider=AGB_1,
            day="2025-05-05",
            **GM,
            products=[{"reference": "R4", "referrer": "06"}],
        ),
    )


@pytest.fixture
def small_cells(monkeypatch):
    """Publish counts from 1 child, without noise: the hand-computed figures show as such."""
    monkeypatch.setenv("DISCLOSURE_THRESHOLD", "1")
    monkeypatch.setenv("DISCLOSURE_NOISE", "none")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def traffic(ijw, inbox):
    _messages(inbox)
    report = import_messages(ijw, inbox.folder, municipality_code="GM0363")
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    return report


def _rollup(session, code: str, organisation: str = "GM0363", **kw) -> pl.DataFrame:  # noqa: ANN001, ANN003
    return case_rollup(
        session,
        system_principal(),
        indicator_code=code,
        organisation_code=organisation,
        period_type="half_year",
        **kw,
    )


def _by_category(frame: pl.DataFrame) -> dict[str, float]:
    return dict(zip(frame["category"], frame["n_children"], strict=True))


def test_referrals_by_referrer_type(ijw, traffic, small_cells):
    referrals = _rollup(ijw, "CH_REF", by=("category",))
    assert set(referrals["period_code"]) == {"2025-H1"}
    # C0 huisarts, C1 jeugdarts, C2 and C3 allocations without a request, C4 zelf
    assert _by_category(referrals) == {
        "huisarts": 1,
        "jeugdarts": 1,
        "gemeentelijke_toegang": 2,
        "geen_verwijzer": 1,
    }
    # the network NW-OOST counts what its member JH-02 (AGB_2) reports: C2 and C3
    network = _rollup(ijw, "CH_REF", "NW-OOST", by=("category",))
    assert _by_category(network) == {"gemeentelijke_toegang": 2}


def test_care_episodes_with_and_without_residence(ijw, traffic, small_cells):
    care = _rollup(ijw, "CH_CARE", by=("category",))
    # C3's category 55 says nothing about residence: no episode, a warning instead
    assert _by_category(care) == {"ambulant": 1, "pleegzorg": 1, "wijkteam": 1}
    groups = category_groups(ijw, "care_type")
    residence: dict[str, float] = {}
    for category, n in _by_category(care).items():
        residence[groups[category]] = residence.get(groups[category], 0) + n
    assert residence == {"met_verblijf": 1, "zonder_verblijf": 2}
    assert any("productcategorie 55" in w.reason for w in traffic.warnings)
    # duration of the ended episodes: C0 1 Mar - 31 May = 91 days, C2 13 Mar - 30 Apr = 48
    days = _rollup(ijw, "CH_CARE_DAYS")
    assert days["n_children"].to_list() == [2]
    assert days["mean"].to_list() == [pytest.approx((91 + 48) / 2)]


def test_waiting_times(ijw, traffic, small_cells):
    # allocation -> start: C0 10 Feb -> 1 Mar 19, C1 20 Jan -> 19 Feb 30, C2 3 -> 13 Mar 10,
    # C3 1 -> 8 Apr 7
    allocation = _rollup(ijw, "CH_WAIT_ALLOC")
    assert allocation["n_children"].to_list() == [4]
    assert allocation["mean"].to_list() == [pytest.approx((19 + 30 + 10 + 7) / 4)]
    assert allocation["median"].to_list() == [pytest.approx((10 + 19) / 2)]
    # referral -> start: C0 3 Feb -> 1 Mar 26, C1 15 Jan -> 19 Feb 35, C2 10, C3 7
    referral = _rollup(ijw, "CH_WAIT")
    assert referral["mean"].to_list() == [pytest.approx((26 + 35 + 10 + 7) / 4)]
    network = _rollup(ijw, "CH_WAIT_ALLOC", "NW-OOST")
    assert network["mean"].to_list() == [pytest.approx((10 + 7) / 2)]


def test_the_pathway_view_follows_a_school_signal_into_ijw_care(ijw, inbox, tmp_path, small_cells):
    _messages(inbox)
    assert import_messages(ijw, inbox.folder, municipality_code="GM0363").ok
    # the school signalled C0 and C2 in January; same BSN, so the same pseudonymous child
    rows = [
        {
            "bsn": child,
            "child_ref": "",
            "indicator": "CH_SIGNAL",
            "date": "2025-01-10",
            "value": "",
            "birth_month": "2014-05",
            "sex": "f",
            "municipality": "GM0363",
        }
        for child in (C0, C2)
    ]
    signals = ingest_file(
        ijw, write_case(tmp_path / "signalen.csv", rows), organisation_code="SCH-01"
    )
    assert signals.ok, [p.as_text() for p in signals.problems]
    flows = care_pathway_flows(
        ijw, system_principal(), organisation_code="GM0363", period_code="2025-H1"
    )
    links = {(r["source"], r["target"]): r["n_children"] for r in flows.iter_rows(named=True)}
    assert links == {
        ("signaal", "ref:huisarts"): 1,
        ("signaal", "ref:gemeentelijke_toegang"): 1,
        ("ref:huisarts", "care:ambulant"): 1,
        ("ref:gemeentelijke_toegang", "care:wijkteam"): 1,
        ("care:ambulant", "end:volgens_plan"): 1,
        ("care:wijkteam", "end:voortijdig_client"): 1,
    }


def test_small_cells_stay_withheld_by_default(ijw, traffic):
    referrals = _rollup(ijw, "CH_REF", by=("category",))
    assert referrals["suppressed"].all() and referrals["n_children"].is_null().all()


def test_the_child_is_known_only_by_pseudonym_with_birth_month_and_sex(ijw, traffic):
    from sqlalchemy import select

    from monitor.pseudonym import pseudonym_for_bsn
    from schema import Child, IjwProduct

    children = {c.pseudonym: c for c in ijw.exec(select(Child)).scalars()}
    assert set(children) == {pseudonym_for_bsn(b) for b in (C0, C1, C2, C3, C4)}
    c1 = children[pseudonym_for_bsn(C1)]
    assert (c1.birth_month, c1.sex) == (date(2014, 5, 1), "m")
    # the provider's own reference (it may be a client number) is kept only as a keyed hash
    references = set(ijw.exec(select(IjwProduct.provider_reference)).scalars()) - {None}
    assert len(references) == 4 and not references & {"R0", "R1", "R4", "X9"}
    assert all(len(r) == 64 for r in references)
