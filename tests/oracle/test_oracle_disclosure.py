"""Phase 2: disclosure control as the engine rewrite is to publish it, judged from the
oracle's true figures, with the default settings (threshold T = 10, rounding 1).

The design (no secondary suppression; cell-key noise instead):

* a count of children n: 0 -> 0; 1 <= n < T -> withheld (null, ``suppressed``, reason
  "small"); n >= T -> max(T, n + d) with |d| <= 3, the same d for the same cell, rounded
  to a multiple of DISCLOSURE_ROUNDING;
* a rate from the published numerator and denominator, withheld when either is;
* values that are not counts of children (scores, percentages) as they are.

Per consumer and cell: the withheld set equals the oracle's (true count in [1, T-1]);
each published count lies in [max(T, n - 3), n + 3]; each published rate within the
bounds its numerator and denominator bounds allow; and one cell has one published value
in every consumer (API, views) and on every call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from monitor import views
from monitor.api import create_api
from tests.oracle import oracle
from tests.oracle.compare import Tally, same
from tests.oracle.world import T1_DAY, World

pytestmark = pytest.mark.usefixtures("disclosure_default")

T, NOISE, ROUNDING = 10, 3, 1
HALF_YEARS = [f"{y}-H{h}" for y in range(2021, 2025) for h in (1, 2)]


def count_bounds(n: float) -> tuple[float, float] | None:
    """Where a published count of true value ``n`` may lie; None: it must be withheld."""
    if n == 0:
        return 0.0, 0.0
    if n < T:
        return None
    return max(T, n - NOISE), n + NOISE


class Judge:
    """Checks published cells against the design and collects them for consistency."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.published: dict[tuple, dict[str, object]] = defaultdict(dict)

    def seen(self, consumer: str, cell: tuple, value: object) -> None:
        """Record a published value of a cell; a second, different one is a mismatch."""
        earlier = self.published[cell]
        for other, theirs in earlier.items():
            if not same(theirs, value):
                self.tally.mismatches.append(
                    ("consistency", cell[1], f"{cell} {other} vs {consumer}", theirs, value)
                )
                break
        earlier.setdefault(consumer, value)

    def count(self, consumer: str, cell: tuple, n: float | None, value, suppressed) -> None:  # noqa: ANN001
        where = f"{cell}"
        self.tally.compared[consumer] += 1
        if n is None:
            return
        bounds = count_bounds(n)
        if bounds is None:
            if value is not None or not suppressed:
                self.tally.mismatches.append(
                    (consumer, cell[1], where + " small: withheld", f"withheld (n={n:g})", value)
                )
            return
        if suppressed or value is None:
            self.tally.mismatches.append(
                (consumer, cell[1], where + " published", f"in {bounds} (n={n:g})", "withheld")
            )
            return
        if not (bounds[0] - 1e-9 <= value <= bounds[1] + 1e-9) or value % ROUNDING:
            self.tally.mismatches.append(
                (consumer, cell[1], where + " bounds", f"in {bounds} (n={n:g})", value)
            )
        self.seen(consumer, cell, value)

    def rate(self, consumer: str, cell: tuple, n, m, factor, value, suppressed) -> None:  # noqa: ANN001
        self.tally.compared[consumer] += 1
        if n is None or m is None:
            return
        num, den = count_bounds(n), count_bounds(m)
        if num is None or den is None:
            if value is not None or not suppressed:
                self.tally.mismatches.append(
                    (
                        consumer,
                        cell[1],
                        f"{cell} small: withheld",
                        f"withheld (n={n:g}, d={m:g})",
                        value,
                    )
                )
            return
        if den[1] == 0:
            return  # no rate over zero children
        if suppressed or value is None:
            self.tally.mismatches.append(
                (consumer, cell[1], f"{cell} published", f"a rate (n={n:g}, d={m:g})", "withheld")
            )
            return
        low = num[0] / den[1] * factor
        high = num[1] / den[0] * factor if den[0] > 0 else float("inf")
        if not (low - 1e-9 <= value <= high + 1e-9):
            self.tally.mismatches.append(
                (
                    consumer,
                    cell[1],
                    f"{cell} bounds",
                    f"in [{low:.4g}, {high:.4g}] (n={n:g}, d={m:g})",
                    value,
                )
            )
        self.seen(consumer, cell, value)

    def exact(self, consumer: str, cell: tuple, true, value) -> None:  # noqa: ANN001
        self.tally.check(consumer, cell[1], f"{cell} as it is", true, value)
        self.seen(consumer, cell, value)

    def figure(
        self,
        consumer: str,
        cell: tuple,
        want: dict,
        value,
        suppressed,  # noqa: ANN001
        cat: dict,
    ) -> None:
        """One organisation figure (oracle row ``want``) by its indicator's rule."""
        indicator = cat[cell[1]]
        if indicator["value_type"] == "rate":
            self.rate(
                consumer,
                cell,
                want["numerator"],
                want["denominator"],
                indicator.get("factor", 1),
                value,
                suppressed,
            )
        elif indicator.get("counts_children") and indicator["value_type"] == "count":
            self.count(consumer, cell, want["value"], value, suppressed)
        else:
            self.exact(consumer, cell, want["value"], value)

    def finish(self, title: str) -> None:
        text = self.tally.report(title)
        assert sum(self.tally.compared.values()) > 0
        assert not self.tally.mismatches, text


@pytest.fixture(scope="module")
def figs(raw_now: oracle.Raw, cat: dict) -> pl.DataFrame:
    return oracle.figures(raw_now, cat)


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


def _orgs(raw: oracle.Raw) -> list[str]:
    return raw.organisations.filter(pl.col("kind").is_in(["network", "municipality"]))[
        "code"
    ].to_list()


def _level(raw: oracle.Raw, org: str) -> str:
    kind = raw.organisations.filter(pl.col("code") == org)["kind"][0]
    return "municipality" if kind == "municipality" else "network"


FIG_KEYS = ["organisation", "indicator", "period", "source_kind", "category"]


def test_disclosure_of_figures(
    world: World,
    client: TestClient,
    session: Session,
    principal,
    raw_now: oracle.Raw,
    figs: pl.DataFrame,
    cat: dict,
) -> None:
    """API series (twice), indicator_figures, scorecard, then_and_now and the own group of
    comparison_series: withheld set, bounds, and one value per cell across them."""
    judge = Judge()
    expected = {tuple(r[k] for k in FIG_KEYS): r for r in figs.iter_rows(named=True)}
    for call in ("api_series", "api_series(again)"):
        for code in oracle.aggregate_codes(cat):
            for row in client.get(f"/api/series/{code}").json()["rows"]:
                cell = (
                    row["organisation_code"],
                    code,
                    row["period_code"],
                    row["source_kind"],
                    row["category"],
                )
                if cell in expected:
                    judge.figure(call, cell, expected[cell], row["value"], row["suppressed"], cat)
                    if cat[code]["value_type"] == "rate" and not row["suppressed"]:
                        for part, source in (
                            ("numerator", cat[code]["numerator"]),
                            ("denominator", cat[code]["denominator"]),
                        ):
                            part_cell = (
                                cell[0],
                                source,
                                cell[2],
                                cell[3],
                                cell[4] if part == "numerator" else "",
                            )
                            judge.count(call, part_cell, expected[cell][part], row[part], False)
    for lvl in ("network", "municipality"):
        orgs = [o for o in _orgs(raw_now) if _level(raw_now, o) == lvl]
        for code in oracle.aggregate_codes(cat, lvl):
            got = views.indicator_figures(
                session, principal, indicator_code=code, organisation_codes=orgs
            )
            for row in got.iter_rows(named=True):
                cell = (
                    row["organisation_code"],
                    code,
                    row["period_code"],
                    row["source_kind"],
                    row["category"],
                )
                if cell in expected:
                    judge.figure(
                        "indicator_figures",
                        cell,
                        expected[cell],
                        row["value"],
                        row["suppressed"],
                        cat,
                    )
    for org in _orgs(raw_now):
        for period in [None, *HALF_YEARS]:
            got = views.scorecard(session, principal, organisation_code=org, period_code=period)
            for row in got.iter_rows(named=True):
                cell = (org, row["indicator_code"], row["period_code"], row["source_kind"], "")
                if cell in expected:
                    judge.figure(
                        "scorecard", cell, expected[cell], row["value"], row["suppressed"], cat
                    )
        got = views.then_and_now(session, principal, organisation_code=org, on=T1_DAY)
        for row in got.iter_rows(named=True):
            cell = (org, row["indicator_code"], row["period_code"], row["source_kind"], "")
            if cell in expected:
                judge.figure(
                    "then_and_now(now)",
                    cell,
                    expected[cell],
                    row["value_now"],
                    row["suppressed_now"],
                    cat,
                )
        for code in ("NW_REF_RATE", "NW_CARE_RATE", "NW_CHILDREN", "MU_CARE_RATE", "MU_YOUTH"):
            if cat[code]["level"] != _level(raw_now, org):
                continue
            got = views.comparison_series(
                session, principal, organisation_code=org, indicator_code=code, groups=("own",)
            )
            for row in got.iter_rows(named=True):
                cell = (org, code, row["period_code"], row["source_kind"], "")
                if cell in expected:
                    judge.figure(
                        "comparison:own", cell, expected[cell], row["value"], row["suppressed"], cat
                    )
    judge.finish(f"disclosure of organisation figures [{world.backend}]")


def test_disclosure_of_groups_and_residence(
    world: World, session: Session, principal, raw_now: oracle.Raw, figs: pl.DataFrame, cat: dict
) -> None:
    """Comparison groups (pooled sums of numerators and denominators) and care with /
    without residence: rates withheld exactly when a pooled count is small, else within
    the bounds."""
    judge = Judge()
    for org in _orgs(raw_now):
        for code in oracle.aggregate_codes(cat, _level(raw_now, org)):
            if cat[code]["value_type"] not in ("rate", "count") or not cat[code].get(
                "counts_children"
            ):
                continue
            got = views.comparison_series(
                session, principal, organisation_code=org, indicator_code=code
            )
            for group in views.GROUPS[1:]:
                members, group_code = oracle.group_members(raw_now, org, group, code)
                if not members:
                    continue
                want = oracle.pooled(figs, members, group_code, cat).filter(
                    pl.col("category") == ""
                )
                rows = {
                    (r["period_code"], r["source_kind"]): r
                    for r in got.filter(pl.col("group") == group).iter_rows(named=True)
                }
                for w in want.iter_rows(named=True):
                    r = rows.get((w["period"], w["source_kind"]))
                    if r is None:
                        continue
                    cell = (f"{group}({org})", group_code, w["period"], w["source_kind"], "")
                    if cat[group_code]["value_type"] == "rate":
                        judge.rate(
                            f"comparison:{group}",
                            cell,
                            w["numerator"],
                            w["denominator"],
                            cat[group_code]["factor"],
                            r["value"],
                            r["suppressed"],
                        )
                    else:  # the group's mean: withheld exactly when the pooled count is
                        small = count_bounds(w["children"]) is None
                        judge.tally.check(
                            f"comparison:{group}",
                            group_code,
                            f"{cell} withheld",
                            small,
                            bool(r["suppressed"]),
                        )
        want = oracle.care_by_residence(raw_now, org, _level(raw_now, org), cat)
        got = views.care_by_residence(session, principal, organisation_code=org)
        rows = {
            (r["period_code"], r["source_kind"], r["category"]): r
            for r in got.iter_rows(named=True)
        }
        for w in want.iter_rows(named=True):
            r = rows.get((w["period"], w["source_kind"], w["group"]))
            if r is None:
                continue
            cell = (org, "care_by_residence", w["period"], w["source_kind"], w["group"])
            judge.rate(
                "care_by_residence",
                cell,
                w["numerator"],
                w["denominator"],
                1000,
                r["value"],
                r["suppressed"],
            )
    judge.finish(f"disclosure of groups and residence [{world.backend}]")


def test_disclosure_of_case_counts(
    world: World, client: TestClient, session: Session, principal, raw_now: oracle.Raw, cat: dict
) -> None:
    """Case rollups (API and outcome_rollup: the same cell in both) and the Sankey's links:
    counts of children by the design's rule."""
    judge = Judge()
    orgs = _orgs(raw_now)
    for code, period_type in (("CH_ABS", "half_year"), ("CH_SEM", "year"), ("CH_REF", "half_year")):
        for org in orgs:
            rows = oracle.subject_rows(raw_now, org, code)
            for by in ([], ["sex"]):
                want = {
                    r["period"] if not by else (r["period"], r["sex"]): r
                    for r in oracle.rollup(rows, period_type, by).iter_rows(named=True)
                }
                got = client.get(
                    f"/api/rollups/{code}",
                    params={"organisation": org, "period_type": period_type, "by": by},
                ).json()["rows"]
                for r in got:
                    key = r["period_code"] if not by else (r["period_code"], r["sex"])
                    if key in want:
                        cell = (org, code, key, "rollup", "")
                        judge.count(
                            "api_rollups",
                            cell,
                            want[key]["n_children"],
                            r["n_children"],
                            r["suppressed"],
                        )
            if code != "CH_REF":
                from schema import PeriodType

                got = views.outcome_rollup(
                    session,
                    principal,
                    indicator_code=code,
                    organisation_code=org,
                    by=(),
                    period_type=PeriodType(period_type),
                )
                want = {
                    r["period"]: r
                    for r in oracle.rollup(
                        rows.filter(pl.col("source_kind") == cat[code]["source_kind"]),
                        period_type,
                        [],
                    ).iter_rows(named=True)
                }
                for r in got.iter_rows(named=True):
                    if r["period_code"] in want:
                        cell = (org, code, r["period_code"], "rollup", "")
                        judge.count(
                            "outcome_rollup",
                            cell,
                            want[r["period_code"]]["n_children"],
                            r["n_children"],
                            r["suppressed"],
                        )
        for period in HALF_YEARS:
            want = oracle.pathway(raw_now, org, period)
            got = views.care_pathway_flows(
                session, principal, organisation_code=org, period_code=period
            )
            for r in got.iter_rows(named=True):
                link = (r["stage"], r["source"], r["target"])
                cell = (org, "pathway", period, link, "")
                judge.count(
                    "care_pathway_flows", cell, want.get(link, 0), r["n_children"], r["suppressed"]
                )
    judge.finish(f"disclosure of case counts [{world.backend}]")
