"""Attack: two comparison groups of a municipality, one inside the other. "All
municipalities" minus "municipalities of similar size" minus one's own leaves those not
similar in size; with one of them, its figure came out exactly for a figure published as
sent (a cost), though each group alone had three members or more.

World: :mod:`tests.factories` plus three municipalities similar in size to Amsterdam
(population 0-17: 100,000 each); Rotterdam is made ten times larger (not similar).
MU_COST 2023 as sent: Amsterdam 5,000,000; GM0010 1,000,000; GM0020 2,000,000; GM0030
3,000,000; Rotterdam 7,777,777, which officer_ams may not view. By hand: all 5 sum to
18,777,777, the 3 similar to 6,000,000: 18,777,777 - 6,000,000 - 5,000,000 = 7,777,777."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor import views
from monitor.catalogue import get_indicator
from monitor.periods import parse_period
from monitor.policy import principal_for
from schema import AggregateMeasurement, Organisation
from tests.factories import build_world

ROTTERDAM = 7_777_777.0
COSTS = {"GM0363": 5_000_000.0, "GM0010": 1_000_000.0, "GM0020": 2_000_000.0,
         "GM0030": 3_000_000.0, "GM0599": ROTTERDAM}  # fmt: skip


@pytest.fixture
def world(catalogue):  # noqa: ANN001, ANN201
    built = build_world(catalogue)
    orgs = dict(built.orgs)
    for code in ("GM0010", "GM0020", "GM0030"):
        orgs[code] = Organisation(code=code, name=f"Gemeente {code}", kind="municipality")
        catalogue.add(orgs[code])
    for code, org in orgs.items():
        if org.kind == "municipality":
            org.population_0_17 = 1_000_000 if code == "GM0599" else 100_000
    catalogue.flush()
    indicator, period = get_indicator(catalogue, "MU_COST"), parse_period("2023")
    for code, value in COSTS.items():
        catalogue.add(
            AggregateMeasurement(
                organisation_id=orgs[code].id, indicator_id=indicator.id,
                reporting_org_id=orgs[code].id, submission_id=built.submission_id,
                period_code=period.code, period_start=period.start, period_end=period.end,
                category="", value=value, source_kind=indicator.source_kind,
                recorded_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
        )  # fmt: skip
    catalogue.commit()
    return built


def _groups(catalogue, world, groups) -> dict[str, dict]:  # noqa: ANN001
    officer = principal_for(catalogue, world.users["officer_ams"])
    series = views.comparison_series(
        catalogue, officer, organisation_code="GM0363", indicator_code="MU_COST", groups=groups
    )
    return {r["group"]: r for r in series.filter(series["period_code"] == "2023").to_dicts()}


def _sum(row: dict) -> float | None:
    return None if row["value"] is None else row["value"] * row["n_organisations"]


@pytest.mark.parametrize(
    "asked", [("own", "similar_size", "all"), ("similar_size",), ("all",)], ids=str
)
def test_all_minus_similar_size_does_not_give_rotterdam_away(catalogue, world, asked):  # noqa: ANN001
    # asked in one request or in several, the answers together must not give it away
    rows = _groups(catalogue, world, asked) | _groups(catalogue, world, ("own",))
    rows |= {g: r for g, r in _groups(catalogue, world, ("all",)).items() if g not in rows}
    rows |= {g: r for g, r in _groups(catalogue, world, ("similar_size",)).items() if g not in rows}
    everything, similar, own = _sum(rows["all"]), _sum(rows["similar_size"]), _sum(rows["own"])
    assert own == COSTS["GM0363"]
    assert everything is None or similar is None, (everything, similar)
    withheld = rows["similar_size"] if similar is None else rows["all"]
    assert withheld["withheld"] == "differs from another group by fewer than 3 organisations"
    # the other one stays: all five (18,777,777) or the three similar (6,000,000)
    assert (everything, similar) in ((18_777_777.0, None), (None, 6_000_000.0))
