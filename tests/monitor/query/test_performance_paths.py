"""The comparison groups pooled by the database (:func:`monitor.query.pooled_aggregates`)
give exactly what the polars path gives (every member's stored rows fetched and pooled by
:func:`monitor.views.pool_figures`), on SQLite and PostgreSQL: now and as of an earlier
moment, for rates, counts and scores, totals and single categories, with corrections,
a figure sent twice, a sent total, small counts and small groups."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlmodel import Session, select

from monitor import views
from monitor.catalogue import get_indicator
from monitor.organisations import get_organisation
from monitor.periods import parse_period
from monitor.policy import principal_for
from monitor.query import pooled_aggregates
from monitor.views import comparison
from schema import AggregateMeasurement, Organisation
from tests.dashboards.world import CORRECTED_AT, SESSION_DAY, build_dashboard_world

LATER = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)


def _add(session: Session, org: str, code: str, period_code: str, category: str, value: float,
         *, reporter: str | None = None, at: datetime = LATER) -> None:  # fmt: skip
    org_row = get_organisation(session, org)
    reporter_row = get_organisation(session, reporter) if reporter else org_row
    indicator = get_indicator(session, code)
    period = parse_period(period_code)
    submission_id = session.exec(select(AggregateMeasurement.submission_id)).first()
    a = AggregateMeasurement
    earlier = session.exec(
        select(a).where(
            a.organisation_id == org_row.id, a.indicator_id == indicator.id,
            a.period_start == period.start, a.period_end == period.end, a.category == category,
            a.source_kind == indicator.source_kind, a.superseded_at.is_(None),
        )
    ).first()  # fmt: skip
    if earlier is not None:  # a re-send, by whoever, supersedes the figure it corrects
        earlier.superseded_at = at
        session.flush()
    row = AggregateMeasurement(
        organisation_id=org_row.id, indicator_id=indicator.id,
        reporting_org_id=reporter_row.id, submission_id=submission_id,
        period_code=period.code, period_start=period.start, period_end=period.end,
        category=category, value=value, source_kind=indicator.source_kind, recorded_at=at,
    )  # fmt: skip
    session.add(row)
    session.flush()
    if earlier is not None:
        earlier.superseded_by_id = row.id
        session.flush()


@pytest.fixture
def world(catalogue: Session):  # noqa: ANN201
    built = build_dashboard_world(catalogue)
    # a sent total next to its categories (the sent one counts, no total is derived)
    _add(catalogue, "NW-B", "NW_REF", "2022-H1", "", 70)
    # the same figure sent by a second partner later: the latest recorded one counts
    _add(catalogue, "NW-C", "NW_REF", "2022-H2", "huisarts", 33, reporter="GM0518")
    # small counts of children in one network (suppressed once pooled with few others)
    _add(catalogue, "NW-D", "NW_REF", "2024-H1", "jeugdarts", 3)
    _add(catalogue, "NW-D", "NW_SIGNAL", "2024-H1", "", 4)
    _add(catalogue, "NW-B", "NW_SIGNAL", "2024-H1", "", 30)
    # a municipal total sent only after the session
    _add(catalogue, "GM0599", "MU_REF", "2021-H1", "", 2500)
    catalogue.commit()
    return built


def _orgs(session: Session) -> dict[str, int]:
    return {o.code: o.id for o in session.exec(select(Organisation)).all()}


CASES = [
    ("NW-A", "NW_REF_RATE", ""),
    ("NW-A", "NW_REF_RATE", "huisarts"),
    ("NW-B", "NW_CARE_RATE", ""),
    ("NW-A", "NW_REF", ""),
    ("NW-D", "NW_REF", "jeugdarts"),
    ("NW-B", "NW_SIGNAL", ""),
    ("NW-C", "NW_CHILDREN", ""),
    ("NW-A", "PR_CSAT", ""),
    ("GM0363", "MU_REF_RATE", ""),
    ("GM0599", "MU_CARE_RATE", "ambulant"),
]
MOMENTS = [None, datetime(2024, 2, 1, 23, 59, tzinfo=UTC), CORRECTED_AT]


def _members(session: Session, organisation_code: str, indicator_code: str) -> dict:
    organisation = get_organisation(session, organisation_code)
    indicator = get_indicator(session, indicator_code)
    members = {}
    for group in comparison.GROUPS[1:]:
        ids, code, _ = comparison._group_members(session, organisation, group, indicator)
        if ids and code:
            members[group] = (ids, code)
    return members


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(["period_start", "source_kind", "category"])


@pytest.mark.parametrize("as_of", MOMENTS, ids=["now", "session_day", "corrected_at"])
def test_database_pooling_equals_polars_pooling(catalogue, world, as_of):  # noqa: ANN001
    for organisation, indicator, category in CASES:
        members = _members(catalogue, organisation, indicator)
        assert members, (organisation, indicator)
        in_db = comparison._groups_in_database(catalogue, members, category=category, as_of=as_of)
        in_memory = comparison._groups_in_memory(catalogue, members, category=category, as_of=as_of)
        assert set(in_db) == set(in_memory) == set(members)
        for group in members:
            expected, got = _sorted(in_memory[group]), _sorted(in_db[group])
            assert got.schema == expected.schema, (organisation, indicator, group)
            assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-12, abs_tol=0)
        assert any(not frame.is_empty() for frame in in_db.values()), (organisation, indicator)


def test_other_networks_is_all_networks_minus_own(catalogue, world):  # noqa: ANN001
    ids = _orgs(catalogue)
    networks = [ids[c] for c in ("NW-A", "NW-B", "NW-C", "NW-D")]
    sums = pooled_aggregates(
        catalogue,
        indicator=get_indicator(catalogue, "NW_REF_RATE"),
        groups={"all": networks, "own": [ids["NW-A"]], "other": networks[1:]},
        category="",
    )
    wide = {
        g: sums.filter(pl.col("group") == g).drop("group").sort("period_start")
        for g in ("all", "own", "other")
    }
    difference = wide["all"].with_columns(
        pl.col("total") - wide["own"]["total"],
        pl.col("denominator") - wide["own"]["denominator"],
        pl.col("n_organisations") - wide["own"]["n_organisations"],
    )
    assert_frame_equal(difference, wide["other"])
    h1 = wide["other"].filter(pl.col("period_code") == "2021-H1").row(0, named=True)
    # NW-B..D: huisarts + gemeentelijke toegang (20) over the reach of each network
    assert h1["total"] == (35 + 20) + (25 + 20) + (15 + 20)
    assert h1["denominator"] == 800 + 600 + 500 and h1["n_organisations"] == 3


@pytest.mark.parametrize("as_of", [None, SESSION_DAY], ids=["now", "session_day"])
def test_comparison_series_is_unchanged(catalogue, world, monkeypatch, as_of):  # noqa: ANN001
    moment = views.end_of_day(as_of) if as_of else None
    for username in ("viewer_a", "officer_ams", "admin"):
        principal = principal_for(catalogue, world.users[username])

        def series(principal=principal) -> pl.DataFrame:  # noqa: ANN001
            return views.comparison_series(
                catalogue, principal, organisation_code="NW-A", indicator_code="NW_REF_RATE",
                as_of=moment,
            ).sort(["group", "period_start", "source_kind"])  # fmt: skip

        in_db = series()
        with monkeypatch.context() as patch:
            patch.setattr(comparison, "_groups_in_database", comparison._groups_in_memory)
            assert_frame_equal(in_db, series(), check_exact=False, rel_tol=1e-12, abs_tol=0)
        assert set(in_db["group"]) == set(views.GROUPS)
        # a group of one municipality is shown only to whom may view that municipality
        municipality = in_db.filter(pl.col("group") == "municipality")
        assert municipality.height
        if username == "viewer_a":
            assert municipality["value"].is_null().all()
            assert (municipality["withheld"] == "fewer than 3 organisations").all()
        else:
            assert municipality["value"].is_not_null().all()


def test_small_counts_stay_suppressed_in_groups(catalogue, world):  # noqa: ANN001
    members = _members(catalogue, "NW-B", "NW_SIGNAL")
    pooled = comparison._groups_in_database(catalogue, members, category="", as_of=None)
    row = pooled["other_networks"].filter(pl.col("period_code") == "2024-H1").row(0, named=True)
    assert row["suppressed"] and row["value"] is None and row["children"] is None  # NW-D: 4
    everyone = pooled["all"].filter(pl.col("period_code") == "2024-H1").row(0, named=True)
    assert not everyone["suppressed"] and everyone["children"] == 34
