"""Policy, query layer and disclosure together: who sees what, as of when, and how small
numbers are withheld."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from monitor import auth
from monitor.disclosure import display_value
from monitor.errors import AccessDeniedError, AuthenticationError
from monitor.policy import Action, principal_for, system_principal
from monitor.query import aggregate_series, case_extract, case_rollup, events
from tests.factories import PASSWORD, build_world, correct_value, later


@pytest.fixture
def world(catalogue):
    return build_world(catalogue)


def _who(session, world, username):
    return principal_for(session, world.users[username])


def test_rates_are_computed_at_query_time_with_disclosure(catalogue, world, exact_figures):
    frame = aggregate_series(
        catalogue, system_principal(), indicator_code="NW_REF_RATE", organisation_codes=["NW-A"]
    )
    h1 = {r["category"]: r for r in frame.filter(pl.col("period_code") == "2023-H1").to_dicts()}
    assert h1["huisarts"]["value"] == pytest.approx(30.0)  # 30 / 1000 x 1000
    assert h1["jeugdarts"]["suppressed"] and h1["jeugdarts"]["value"] is None  # 4 children
    assert h1["jeugdarts"]["reason"] == "small"
    # no secondary suppression: the total carries noise in publication (see below)
    assert h1["gemeentelijke_toegang"]["value"] == pytest.approx(12.0)
    assert h1[""]["value"] == pytest.approx(46.0)  # the derived total: (30 + 4 + 12) / 1000
    h2 = frame.filter(pl.col("period_code") == "2023-H2", pl.col("category") == "").to_dicts()
    assert h2[0]["value"] == pytest.approx(20 / 1010 * 1000)


def test_published_rates_carry_bounded_noise_on_both_parts(catalogue, world):
    frame = aggregate_series(
        catalogue, system_principal(), indicator_code="NW_REF_RATE", organisation_codes=["NW-A"]
    )
    h1 = {r["category"]: r for r in frame.filter(pl.col("period_code") == "2023-H1").to_dicts()}
    assert h1["jeugdarts"]["suppressed"] and h1["jeugdarts"]["numerator"] is None
    for category, true_numerator in (("huisarts", 30), ("gemeentelijke_toegang", 12), ("", 46)):
        row = h1[category]
        assert abs(row["numerator"] - true_numerator) <= 3
        assert abs(row["denominator"] - 1000) <= 3
        assert row["value"] == pytest.approx(row["numerator"] / row["denominator"] * 1000)


def test_counts_are_suppressed_and_rounded(catalogue, world, monkeypatch, exact_figures):
    from monitor.settings import get_settings

    monkeypatch.setenv("DISCLOSURE_ROUNDING", "5")
    get_settings.cache_clear()
    frame = aggregate_series(
        catalogue,
        system_principal(),
        indicator_code="NW_REF",
        organisation_codes=["NW-A"],
        period_to=datetime(2023, 6, 30).date(),
    )
    values = dict(zip(frame["category"], frame["value"], strict=True))
    # 12 -> 10, 30 -> 30, 4 withheld, the total 46 -> 45
    assert values == {"": 45.0, "gemeentelijke_toegang": 10.0, "huisarts": 30.0, "jeugdarts": None}
    get_settings.cache_clear()


def test_as_of_returns_what_was_known_then(catalogue, world):
    before = world.recorded_at
    correct_value(
        catalogue,
        org="NW-A",
        indicator="NW_CHILDREN",
        period="2023-H1",
        category="",
        value=1200,
        at=later(before, 30),
    )
    now = aggregate_series(
        catalogue, system_principal(), indicator_code="NW_CHILDREN", organisation_codes=["NW-A"]
    )
    then = aggregate_series(
        catalogue,
        system_principal(),
        indicator_code="NW_CHILDREN",
        organisation_codes=["NW-A"],
        as_of=later(before, 1),
    )
    first = lambda f: f.filter(pl.col("period_code") == "2023-H1")["value"][0]  # noqa: E731
    assert first(now) == 1200 and first(then) == 1000
    nothing = aggregate_series(
        catalogue,
        system_principal(),
        indicator_code="NW_CHILDREN",
        organisation_codes=["NW-A"],
        as_of=datetime(2020, 1, 1, tzinfo=UTC),
    )
    assert nothing.is_empty()


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("officer_ams", ["GM0363", "NW-A"], ["GM0599", "NW-B"]),
        ("officer_rdam", ["GM0599", "NW-B"], ["GM0363", "NW-A"]),
        ("viewer_a", ["NW-A"], ["NW-B", "GM0363"]),
        ("school_a", ["NW-A"], ["NW-B", "GM0599"]),
        ("school_b", ["NW-B"], ["NW-A"]),
    ],
)
def test_organisations_see_only_their_own_figures(catalogue, world, username, visible, hidden):
    who = _who(catalogue, world, username)
    for code in visible:
        indicator = "MU_YOUTH" if code.startswith("GM") else "NW_CHILDREN"
        assert not aggregate_series(
            catalogue, who, indicator_code=indicator, organisation_codes=[code]
        ).is_empty()
    for code in hidden:
        indicator = "MU_YOUTH" if code.startswith("GM") else "NW_CHILDREN"
        with pytest.raises(AccessDeniedError):
            aggregate_series(catalogue, who, indicator_code=indicator, organisation_codes=[code])
    everything = aggregate_series(catalogue, who, indicator_code="NW_CHILDREN")
    assert set(everything["organisation_code"]) <= set(visible)


def test_case_rollups_are_scoped_and_suppressed(catalogue, world, exact_figures):
    admin = system_principal()
    ams = case_rollup(
        catalogue,
        admin,
        indicator_code="CH_ABS",
        organisation_code="GM0363",
        period_type="half_year",
    )
    assert ams["n_children"].to_list() == [30] and not ams["suppressed"][0]
    rdam = case_rollup(
        catalogue,
        admin,
        indicator_code="CH_ABS",
        organisation_code="GM0599",
        period_type="half_year",
    )
    assert rdam["suppressed"].to_list() == [True] and rdam["mean"][0] is None  # 5 children
    with pytest.raises(AccessDeniedError):
        case_rollup(
            catalogue,
            _who(catalogue, world, "officer_ams"),
            indicator_code="CH_ABS",
            organisation_code="GM0599",
        )
    viewer = case_rollup(
        catalogue,
        _who(catalogue, world, "viewer_a"),
        indicator_code="CH_ABS",
        organisation_code="NW-A",
        by=("sex",),
    )
    assert viewer["n_children"].sum() == 30


def test_only_researchers_take_extracts_and_it_is_audited(catalogue, world):
    from monitor.audit import entries

    researcher = _who(catalogue, world, "researcher_ams")
    frame = case_extract(catalogue, researcher, indicator_codes=["CH_ABS"])
    assert frame.height == 60 and set(frame["municipality_code"]) == {"GM0363"}
    assert "child_id" not in frame.columns and frame["child_pseudonym"].str.len_chars().min() > 0
    assert entries(catalogue, action="extract")[0].username == "researcher_ams"
    for username in ("officer_ams", "viewer_a", "school_a", "admin"):
        with pytest.raises(AccessDeniedError):
            case_extract(catalogue, _who(catalogue, world, username), indicator_codes=["CH_ABS"])


def test_policy_actions(catalogue, world):
    officer = _who(catalogue, world, "officer_ams")
    assert officer.allows(Action.SUBMIT, world.orgs["11AA"].id)
    assert not officer.allows(Action.SUBMIT, world.orgs["22BB"].id)
    assert not officer.allows(Action.ADMIN)
    assert _who(catalogue, world, "admin").allows(Action.ADMIN)
    school = _who(catalogue, world, "school_a")
    assert school.allows(Action.SUBMIT, world.orgs["NW-A"].id)
    assert not school.allows(Action.VIEW, world.orgs["GM0363"].id)


def test_events_are_scoped(catalogue, world):
    assert (
        events(catalogue, _who(catalogue, world, "viewer_a"), organisation_codes=["NW-A"]).height
        == 1
    )
    with pytest.raises(AccessDeniedError):
        events(catalogue, _who(catalogue, world, "viewer_b"), organisation_codes=["NW-A"])


def test_login_lockout_and_tokens(catalogue, world, monkeypatch):
    from monitor.settings import get_settings

    monkeypatch.setenv("LOGIN_MAX_FAILURES", "3")
    get_settings.cache_clear()
    assert auth.authenticate(catalogue, "viewer_a", PASSWORD).username == "viewer_a"
    for _ in range(3):
        with pytest.raises(AuthenticationError, match="wrong password"):
            auth.authenticate(catalogue, "viewer_a", "nope-nope-nope")
    with pytest.raises(AuthenticationError, match="wrong password"):  # locked: same answer
        auth.authenticate(catalogue, "viewer_a", PASSWORD)
    with pytest.raises(AuthenticationError):
        auth.authenticate(catalogue, "nobody", PASSWORD)
    token = auth.create_token(catalogue, world.users["school_a"], name="upload")
    assert auth.user_for_token(catalogue, token).username == "school_a"
    auth.revoke_tokens(catalogue, world.users["school_a"])
    with pytest.raises(AuthenticationError):
        auth.user_for_token(catalogue, token)
    stored = " ".join(str(u.password_hash) for u in world.users.values())
    assert PASSWORD not in stored and token not in stored
    get_settings.cache_clear()


def test_display_of_withheld_and_published_values():
    assert display_value(None, True, threshold=10) == "< 10"
    assert display_value(1234.5, False) == "1.234,5"
    assert display_value(1234.5, False, language="en") == "1,234.5"
