"""Phase 1: every consumer's raw figures (disclosure off) against the oracle, now and as
of T1. Each test prints how many figures it compared and lists the mismatches; it fails
where the consumer differs from the oracle (these are defects, not expectations)."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from monitor import views
from monitor.api import create_api
from tests.oracle import oracle
from tests.oracle.compare import Tally
from tests.oracle.world import T1, T1_DAY, World

pytestmark = pytest.mark.usefixtures("disclosure_off")

HALF_YEARS = [f"{y}-H{h}" for y in range(2021, 2025) for h in (1, 2)]
MOMENTS = {"now": None, "t1": T1}


@pytest.fixture(scope="module")
def figs(raw_now: oracle.Raw, raw_t1: oracle.Raw, cat: dict) -> dict[str, pl.DataFrame]:
    return {"now": oracle.figures(raw_now, cat), "t1": oracle.figures(raw_t1, cat)}


@pytest.fixture
def raws(raw_now: oracle.Raw, raw_t1: oracle.Raw) -> dict[str, oracle.Raw]:
    return {"now": raw_now, "t1": raw_t1}


@pytest.fixture
def session(world: World) -> Iterator[Session]:
    with Session(world.engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def principal(world: World, session: Session):  # noqa: ANN201
    return views.principal_for_user_id(session, world.admin_id)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_api(engine=world.engine)) as test_client:
        test_client.headers["Authorization"] = f"Bearer {world.token}"
        yield test_client


def organisations(raw: oracle.Raw, kinds: tuple[str, ...] = ("network", "municipality")) -> list:
    return raw.organisations.filter(pl.col("kind").is_in(kinds))["code"].to_list()


def level(raw: oracle.Raw, organisation: str) -> str:
    kind = raw.organisations.filter(pl.col("code") == organisation)["kind"][0]
    return "municipality" if kind == "municipality" else "network"


def keyed(frame: pl.DataFrame, keys: list[str]) -> dict[tuple, dict]:
    return {tuple(r[k] for k in keys): r for r in frame.iter_rows(named=True)}


def finish(tally: Tally, title: str) -> None:
    text = tally.report(title)
    assert sum(tally.compared.values()) > 0
    assert not tally.mismatches, text


FIG_KEYS = ["organisation", "indicator", "period", "source_kind", "category"]


# ------------------------------------------------------------------------------ API
def test_api_series(world: World, client: TestClient, figs: dict, cat: dict) -> None:
    """GET /api/series/{code} for every aggregate indicator (all organisations), now and
    as of T1: value (and a rate's numerator and denominator) of every cell, totals too."""
    tally = Tally()
    for moment, as_of in MOMENTS.items():
        expected = keyed(figs[moment], FIG_KEYS)
        for code in oracle.aggregate_codes(cat):
            params = {"as_of": as_of.isoformat()} if as_of else {}
            response = client.get(f"/api/series/{code}", params=params)
            assert response.status_code == 200, response.text
            seen = set()
            for row in response.json()["rows"]:
                key = (
                    row["organisation_code"],
                    code,
                    row["period_code"],
                    row["source_kind"],
                    row["category"],
                )
                seen.add(key)
                where = f"{moment} {key[0]} {key[2]} {key[3]} [{key[4]}]"
                if key not in expected:
                    tally.extra("api_series", code, where, row["value"])
                    continue
                tally.check("api_series", code, where, expected[key]["value"], row["value"])
                if cat[code]["value_type"] == "rate":
                    for part in ("numerator", "denominator"):
                        tally.check(
                            "api_series", code, f"{where} {part}", expected[key][part], row[part]
                        )
            for key in expected:
                if key[1] == code and key not in seen:
                    where = f"{moment} {key[0]} {key[2]} {key[3]} [{key[4]}]"
                    tally.missing("api_series", code, where, expected[key]["value"])
    finish(tally, f"API /api/series [{world.backend}]")


ROLLUPS = [  # indicator, period type, by
    ("CH_SIGNAL", "half_year", []),
    ("CH_REF", "half_year", ["category"]),
    ("CH_CARE", "half_year", ["category"]),
    ("CH_ABS", "half_year", ["sex"]),
    ("CH_ABS", "quarter", ["age_group"]),
    ("CH_SEM", "year", ["reporting_org_code"]),
    ("CH_WAIT", "year", []),
]


def test_api_rollups(world: World, client: TestClient, raws: dict) -> None:
    """GET /api/rollups/{code}?organisation=: children, rows and mean per period and group
    for networks, municipalities and two schools, now and as of T1."""
    tally = Tally()
    orgs = organisations(raws["now"]) + ["01YB", "60MY"]
    for moment, as_of in MOMENTS.items():
        raw = raws[moment]
        for code, period_type, by in ROLLUPS:
            for org in orgs:
                expected = keyed(
                    oracle.rollup(oracle.subject_rows(raw, org, code), period_type, by),
                    ["period", *by],
                )
                params = {"organisation": org, "period_type": period_type, "by": by}
                if as_of:
                    params["as_of"] = as_of.isoformat()
                response = client.get(f"/api/rollups/{code}", params=params)
                assert response.status_code == 200, response.text
                seen = set()
                for row in response.json()["rows"]:
                    key = (row["period_code"], *[row[b] for b in by])
                    seen.add(key)
                    where = f"{moment} {org} {key}"
                    if key not in expected:
                        tally.extra("api_rollups", code, where, row["n_children"])
                        continue
                    for column in ("n_children", "n_rows", "mean"):
                        tally.check(
                            "api_rollups",
                            code,
                            f"{where} {column}",
                            expected[key][column],
                            row[column],
                        )
                for key in set(expected) - seen:
                    tally.missing(
                        "api_rollups", code, f"{moment} {org} {key}", expected[key]["n_children"]
                    )
    finish(tally, f"API /api/rollups [{world.backend}]")


# ---------------------------------------------------------------------------- views
def test_indicator_figures(
    world: World, session: Session, principal, figs: dict, raws: dict, cat: dict
) -> None:
    """views.indicator_figures: every indicator x organisation x period x category (with
    derived totals), value and children, now and as of T1."""
    tally = Tally()
    for moment, as_of in MOMENTS.items():
        expected = keyed(figs[moment], FIG_KEYS)
        for lvl in ("network", "municipality"):
            orgs = [o for o in organisations(raws["now"]) if level(raws["now"], o) == lvl]
            for code in oracle.aggregate_codes(cat, lvl):
                got = views.indicator_figures(
                    session, principal, indicator_code=code, organisation_codes=orgs, as_of=as_of
                )
                seen = set()
                rate = cat[code]["value_type"] == "rate"
                for row in got.iter_rows(named=True):
                    key = (
                        row["organisation_code"],
                        code,
                        row["period_code"],
                        row["source_kind"],
                        row["category"],
                    )
                    seen.add(key)
                    where = f"{moment} {key[0]} {key[2]} {key[3]} [{key[4]}]"
                    if key not in expected:
                        tally.extra("indicator_figures", code, where, row["value"])
                        continue
                    want = expected[key]
                    tally.check("indicator_figures", code, where, want["value"], row["value"])
                    if rate or cat[code].get("counts_children"):
                        children = want["numerator"] if rate else want["value"]
                        tally.check(
                            "indicator_figures",
                            code,
                            f"{where} children",
                            children,
                            row["children"],
                        )
                for key in expected:
                    if key[1] == code and key[0] in orgs and key not in seen:
                        tally.missing(
                            "indicator_figures", code, f"{moment} {key}", expected[key]["value"]
                        )
    finish(tally, f"views.indicator_figures [{world.backend}]")


def test_scorecard(
    world: World, session: Session, principal, figs: dict, raws: dict, cat: dict
) -> None:
    """views.scorecard per organisation and chosen period (and none), now and as of T1:
    the latest period's value, the previous one and the change."""
    tally = Tally()
    for moment, as_of in MOMENTS.items():
        for org in organisations(raws["now"]):
            for period in [None, *HALF_YEARS]:
                want = oracle.scorecard(figs[moment], org, level(raws["now"], org), period, cat)
                got = views.scorecard(
                    session, principal, organisation_code=org, period_code=period, as_of=as_of
                )
                rows = keyed(got, ["indicator_code", "source_kind"])
                for w in want:
                    key = (w["indicator"], w["source_kind"])
                    where = f"{moment} {org} chosen {period} {key[1]}"
                    if key not in rows:
                        tally.missing("scorecard", w["indicator"], where, w["value"])
                        continue
                    r = rows.pop(key)
                    for mine, theirs in (
                        ("period", "period_code"),
                        ("value", "value"),
                        ("previous_period", "previous_period_code"),
                        ("previous_value", "previous_value"),
                        ("change", "change"),
                    ):
                        tally.check(
                            "scorecard", w["indicator"], f"{where} {mine}", w[mine], r[theirs]
                        )
                for key, r in rows.items():
                    tally.extra("scorecard", key[0], f"{moment} {org} chosen {period}", r["value"])
    finish(tally, f"views.scorecard [{world.backend}]")


def test_comparison_series(
    world: World, session: Session, principal, figs: dict, raws: dict, cat: dict
) -> None:
    """views.comparison_series: every organisation x indicator x comparison group x
    period (totals; every category of the categorised rates and counts), now and as of T1."""
    tally = Tally()
    raw = raws["now"]
    for moment, as_of in MOMENTS.items():
        for org in organisations(raw):
            for code in oracle.aggregate_codes(cat, level(raw, org)):
                categories = [""]
                categorised = cat[code].get("category_set") and (
                    cat[code]["value_type"] == "rate"
                    or (cat[code]["value_type"] == "count" and moment == "now")
                )
                if categorised:
                    source = cat[code].get("numerator") or code
                    sent = raw.aggregates.filter(pl.col("indicator") == source)["category"]
                    categories += sorted(set(sent) - {""})
                for category in categories:
                    got = views.comparison_series(
                        session,
                        principal,
                        organisation_code=org,
                        indicator_code=code,
                        category=category,
                        as_of=as_of,
                    )
                    _compare_groups(tally, got, figs[moment], raw, org, code, category, moment, cat)
    finish(tally, f"views.comparison_series [{world.backend}]")


def _compare_groups(
    tally: Tally,
    got: pl.DataFrame,
    figs: pl.DataFrame,
    raw: oracle.Raw,
    org: str,
    code: str,
    category: str,
    moment: str,
    cat: dict,
) -> None:
    for group in views.GROUPS:
        if group == "own":
            members, group_code = [org], code
        else:
            members, group_code = oracle.group_members(raw, org, group, code)
        if not members:
            continue
        want = oracle.pooled(figs, members, group_code, cat).filter(pl.col("category") == category)
        expected = keyed(want, ["period", "source_kind"])
        rows = keyed(got.filter(pl.col("group") == group), ["period_code", "source_kind"])
        consumer = f"comparison:{group}"
        for key, w in expected.items():
            where = f"{moment} {org} {key[0]} {key[1]} [{category}] as {group_code}"
            if key not in rows:
                tally.missing(consumer, code, where, w["value"])
                continue
            r = rows.pop(key)
            tally.check(consumer, code, where, w["value"], r["value"])
            if group != "own":
                tally.check(
                    consumer,
                    code,
                    f"{where} n_organisations",
                    w["n_organisations"],
                    r["n_organisations"],
                )
        for key, r in rows.items():
            tally.extra(consumer, code, f"{moment} {org} {key} [{category}]", r["value"])


def test_care_by_residence(
    world: World, session: Session, principal, raws: dict, cat: dict
) -> None:
    """views.care_by_residence: care per 1,000 with / without residence per organisation
    and period, now and as of T1."""
    tally = Tally()
    for moment, as_of in MOMENTS.items():
        raw = raws[moment]
        for org in organisations(raw):
            want = oracle.care_by_residence(raw, org, level(raw, org), cat)
            expected = keyed(want, ["period", "source_kind", "group"])
            got = views.care_by_residence(session, principal, organisation_code=org, as_of=as_of)
            rows = keyed(got, ["period_code", "source_kind", "category"])
            for key, w in expected.items():
                where = f"{moment} {org} {key}"
                if key not in rows:
                    tally.missing("care_by_residence", "care_rate", where, w["value"])
                    continue
                r = rows.pop(key)
                tally.check("care_by_residence", "care_rate", where, w["value"], r["value"])
                tally.check(
                    "care_by_residence",
                    "care_rate",
                    f"{where} children",
                    w["numerator"],
                    r["children"],
                )
            for key, r in rows.items():
                tally.extra("care_by_residence", "care_rate", f"{moment} {org} {key}", r["value"])
    finish(tally, f"views.care_by_residence [{world.backend}]")


def test_care_pathway_flows(
    world: World, session: Session, principal, raws: dict, figs: dict
) -> None:
    """views.care_pathway_flows per organisation and half-year, now and as of T1: every
    link's children. The oracle's inflow equals the scorecard's NW_SIGNAL (checked)."""
    tally = Tally()
    for moment, as_of in MOMENTS.items():
        raw = raws[moment]
        signals = keyed(
            figs[moment].filter(pl.col("indicator") == "NW_SIGNAL"), ["organisation", "period"]
        )
        for org in organisations(raw):
            for period in HALF_YEARS:
                want = oracle.pathway(raw, org, period)
                if (org, period) in signals and (org, period) != ("NW-GM0096-01", "2024-H1"):
                    inflow = sum(n for (stage, _, _), n in want.items() if stage == 0)
                    assert inflow == signals[(org, period)]["value"], (org, period)
                got = views.care_pathway_flows(
                    session, principal, organisation_code=org, period_code=period, as_of=as_of
                )
                rows = {
                    (r["stage"], r["source"], r["target"]): r["n_children"]
                    for r in got.iter_rows(named=True)
                }
                for link, n in want.items():
                    where = f"{moment} {org} {period} {link}"
                    if link not in rows:
                        tally.missing("care_pathway_flows", "CH_SIGNAL>CH_REF>CH_CARE", where, n)
                        continue
                    tally.check(
                        "care_pathway_flows", "CH_SIGNAL>CH_REF>CH_CARE", where, n, rows.pop(link)
                    )
                for link, n in rows.items():
                    tally.extra(
                        "care_pathway_flows",
                        "CH_SIGNAL>CH_REF>CH_CARE",
                        f"{moment} {org} {period} {link}",
                        n,
                    )
    finish(tally, f"views.care_pathway_flows [{world.backend}]")


OUTCOMES = [
    ("CH_ABS", "half_year", ["programme"]),
    ("CH_ABS", "year", ["age_group"]),
    ("CH_SEM", "year", ["programme", "sex"]),
    ("CH_COG", "half_year", ["programme"]),
]


def test_outcome_rollup(world: World, session: Session, principal, raws: dict, cat: dict) -> None:
    """views.outcome_rollup (the Uitkomsten page): children, rows and mean per period and
    group (in/outside the programme, age group, sex), now and as of T1."""
    from schema import PeriodType

    tally = Tally()
    for moment, as_of in MOMENTS.items():
        raw = raws[moment]
        for org in organisations(raw):
            for code, period_type, by in OUTCOMES:
                rows = oracle.subject_rows(raw, org, code).filter(
                    pl.col("source_kind") == cat[code]["source_kind"]
                )
                if "programme" in by:
                    rows = oracle.programme_flag(raw, org, rows)
                expected = keyed(oracle.rollup(rows, period_type, by), ["period", *by])
                got = views.outcome_rollup(
                    session,
                    principal,
                    indicator_code=code,
                    organisation_code=org,
                    by=by,
                    period_type=PeriodType(period_type),
                    as_of=as_of,
                )
                seen = keyed(got, ["period_code", *by])
                for key, w in expected.items():
                    where = f"{moment} {org} {key}"
                    if key not in seen:
                        tally.missing("outcome_rollup", code, where, w["n_children"])
                        continue
                    r = seen.pop(key)
                    for column in ("n_children", "n_rows", "mean"):
                        tally.check(
                            "outcome_rollup", code, f"{where} {column}", w[column], r[column]
                        )
                for key, r in seen.items():
                    tally.extra("outcome_rollup", code, f"{moment} {org} {key}", r["n_children"])
    finish(tally, f"views.outcome_rollup [{world.backend}]")


def test_partner_completeness(
    world: World, session: Session, principal, raws: dict, cat: dict
) -> None:
    """views.partner_completeness per organisation for the half-years of 2024 (and 2023):
    expected / on time / late / missing / open per obligated organisation and indicator,
    each indicator judged on its own period type."""
    from schema import utcnow

    tally = Tally()
    raw = raws["now"]
    today = utcnow().date()
    for periods in (["2024-H1", "2024-H2"], ["2023-H1", "2023-H2"]):
        for org in organisations(raw):
            scope = {org} | set(raw.memberships.filter(pl.col("network") == org)["member"])
            scope |= set(raw.organisations.filter(pl.col("municipality") == org)["code"])
            want = oracle.completeness(raw, scope, periods, cat, today)
            got = views.partner_completeness(
                session, principal, organisation_code=org, period_codes=periods
            )
            rows = keyed(got, ["organisation", "indicator_code"])
            for key, w in want.items():
                where = f"{org} {periods} {key[0]}"
                if key not in rows:
                    tally.missing("partner_completeness", key[1], where, w)
                    continue
                r = rows.pop(key)
                for column in ("expected", "on_time", "late", "missing", "open"):
                    tally.check(
                        "partner_completeness", key[1], f"{where} {column}", w[column], r[column]
                    )
            for key, r in rows.items():
                tally.extra("partner_completeness", key[1], f"{org} {periods} {key[0]}", r)
    finish(tally, f"views.partner_completeness [{world.backend}]")


def test_then_and_now_and_corrections(
    world: World, session: Session, principal, figs: dict, raws: dict, cat: dict
) -> None:
    """views.then_and_now (on T1) and views.corrections (since T1): the figures as known
    on the session date next to now, and every corrected stored figure, old and new."""
    tally = Tally()
    raw = raws["now"]
    now = keyed(
        figs["now"].filter(pl.col("category") == ""),
        ["organisation", "indicator", "source_kind", "period"],
    )
    for org in organisations(raw):
        then = oracle.scorecard(figs["t1"], org, level(raw, org), None, cat)
        expected = {}
        for w in then:
            expected[(w["indicator"], w["source_kind"], w["period"])] = w["value"]
            if w["previous_period"]:
                expected[(w["indicator"], w["source_kind"], w["previous_period"])] = w[
                    "previous_value"
                ]
        got = views.then_and_now(session, principal, organisation_code=org, on=T1_DAY)
        rows = keyed(got, ["indicator_code", "source_kind", "period_code"])
        for key, value_then in expected.items():
            where = f"{org} {key}"
            if key not in rows:
                tally.missing("then_and_now", key[0], where, value_then)
                continue
            r = rows.pop(key)
            value_now = now.get((org, key[0], key[1], key[2]), {}).get("value")
            tally.check("then_and_now", key[0], f"{where} then", value_then, r["value_then"])
            tally.check("then_and_now", key[0], f"{where} now", value_now, r["value_now"])
            changed = value_then != value_now
            tally.check("then_and_now", key[0], f"{where} changed", changed, r["changed"])
        for key, r in rows.items():
            tally.extra("then_and_now", key[0], f"{org} {key}", r["value_then"])
    # corrections: the stored rows of wave 1 that wave 2 replaced with another value
    first = oracle.read_raw(world.base, ["wave1"], {1: T1_DAY})
    old = keyed(first.aggregates, oracle.AGGREGATE_KEY)
    want = {}
    for key, row in keyed(raw.aggregates.filter(pl.col("wave") == 2), oracle.AGGREGATE_KEY).items():
        if key in old and (old[key]["value"], old[key]["numerator"]) != (
            row["value"],
            row["numerator"],
        ):
            want[key] = (old[key]["value"], row["value"])
    got = views.corrections(session, principal, organisation_codes=organisations(raw), since=T1)
    rows = {
        (
            r["organisation_code"],
            r["indicator_code"],
            r["period_code"],
            r["category"],
            r["source_kind"],
        ): r
        for r in got.iter_rows(named=True)
    }
    for key, (old_value, new_value) in want.items():
        if key not in rows:
            tally.missing("corrections", key[1], str(key), (old_value, new_value))
            continue
        r = rows.pop(key)
        tally.check("corrections", key[1], f"{key} old", old_value, r["old_value"])
        tally.check("corrections", key[1], f"{key} new", new_value, r["new_value"])
    for key, r in rows.items():
        tally.extra("corrections", key[1], str(key), (r["old_value"], r["new_value"]))
    finish(tally, f"views.then_and_now + corrections [{world.backend}]")
