"""The differencing attack: as each role, request everything one may and try to solve for
withheld cells by linear combination — category totals minus the other categories, one
breakdown against a finer one, a comparison group of all networks against the group of the
other networks, the corrections table against the series.

The attacker knows the method (README, "Disclosure control"): a withheld count lies in
1..T-1, a published count p >= T stands for a true count in [max(T, p - 3), p + 3], a
published 0 is 0. A cell counts as *reconstructed* when those bounds, combined over a
relation, leave exactly one value. The world's true figures come from its definition
(tests/dashboards/world.py), not from the code under test.

With the noise switched off (``exact_figures``) the same attack must succeed — that is what
shows it has teeth; with the published method it must find nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
import pytest

from monitor import views
from monitor.disclosure import MAX_NOISE
from monitor.policy import principal_for
from monitor.query import aggregate_series, case_rollup
from monitor.settings import get_settings
from tests.dashboards.world import build_dashboard_world

ROLES = ("viewer_a", "officer_ams")


#: NW_SIGNAL of the other networks in 2023-H2, next to NW-A's withheld 7 (the world's own).
OTHER_SIGNALS = {"NW-B": 15, "NW-C": 20, "NW-D": 25}


@pytest.fixture
def world(catalogue):  # noqa: ANN001, ANN201
    """The dashboard world, with the other networks' signals of 2023-H2 added so that
    "all networks" minus "other networks" is NW-A's withheld cell."""
    from sqlmodel import select

    from schema import AggregateMeasurement, Organisation

    built = build_dashboard_world(catalogue)
    orgs = {o.code: o for o in catalogue.exec(select(Organisation)).all()}
    template = catalogue.exec(
        select(AggregateMeasurement).where(
            AggregateMeasurement.organisation_id == orgs["NW-A"].id,
            AggregateMeasurement.period_code == "2023-H2",
            AggregateMeasurement.superseded_at.is_(None),
            AggregateMeasurement.value == 7,
        )
    ).one()
    for code, value in OTHER_SIGNALS.items():
        row = template.model_dump(exclude={"id", "superseded_at", "superseded_by_id"})
        row.update(organisation_id=orgs[code].id, reporting_org_id=orgs[code].id, value=value)
        catalogue.add(AggregateMeasurement(**row))
    catalogue.commit()
    return built


def _bounds(value: float | None, suppressed: bool) -> tuple[int, int]:
    settings = get_settings()
    threshold = settings.disclosure_threshold
    noise = MAX_NOISE if settings.disclosure_noise == "cell_key" else 0  # the method is known
    if suppressed or value is None:
        return 1, threshold - 1
    if value == 0:
        return 0, 0
    return max(threshold, int(value) - noise), int(value) + noise


def _solve(total: tuple[int, int], others: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """Interval of a withheld cell = total minus the other parts, within 1..T-1."""
    others = list(others)
    low = total[0] - sum(hi for _, hi in others)
    high = total[1] - sum(lo for lo, _ in others)
    threshold = get_settings().disclosure_threshold
    return max(low, 1), min(high, threshold - 1)


class Attack:
    """Counts relations tried and withheld cells pinned to one value."""

    def __init__(self) -> None:
        self.tried = 0
        self.families: dict[str, int] = {}
        self.reconstructed: list[str] = []

    def count(self, family: str) -> None:
        self.tried += 1
        self.families[family] = self.families.get(family, 0) + 1

    def table(self, label: str, cells: list[dict], value: str, total_key: object) -> None:
        """One table of parts and its total (``total_key`` names the total row)."""
        total = [c for c in cells if c["key"] == total_key]
        parts = [c for c in cells if c["key"] != total_key]
        if not total:
            return
        for target in (c for c in parts if c["suppressed"]):
            self.count(label.split(" ")[0] if label.startswith(("rollup", "groups")) else "table")
            others = [_bounds(c[value], c["suppressed"]) for c in parts if c is not target]
            low, high = _solve(_bounds(total[0][value], total[0]["suppressed"]), others)
            if low == high:
                self.reconstructed.append(f"{label} {target['key']} = {low}")


def _category_tables(attack: Attack, frame: pl.DataFrame, label: str, value: str) -> None:
    keys = ["organisation_code", "period_code", "source_kind"]
    for key, part in frame.group_by(keys):
        cells = [{**r, "key": r["category"]} for r in part.to_dicts()]
        attack.table(f"{label} {key}", cells, value, "")


def _rollup_tables(attack: Attack, session, principal, organisation: str) -> None:  # noqa: ANN001
    for code in ("CH_SEM", "CH_SIGNAL", "CH_REF"):
        for coarse, fine in (((), ("sex",)), (("age_group",), ("age_group", "sex"))):
            common = dict(indicator_code=code, organisation_code=organisation)
            total = case_rollup(session, principal, by=coarse, **common)
            split = case_rollup(session, principal, by=fine, **common)
            for row in total.to_dicts():
                match = split.filter(pl.col("period_code") == row["period_code"])
                for b in coarse:
                    match = match.filter(pl.col(b) == row[b])
                cells = [{**r, "key": r["sex"]} for r in match.to_dicts()]
                cells.append({**row, "key": "total"})
                attack.table(f"rollup {code} {coarse} {row['period_code']}", cells, "n_children",
                             "total")  # fmt: skip


def _group_tables(attack: Attack, session, principal, organisation: str) -> None:  # noqa: ANN001
    """own = (all networks) - (other networks), pooled sums = mean x organisations."""
    for code in ("NW_SIGNAL", "NW_REF"):
        series = views.comparison_series(
            session, principal, organisation_code=organisation, indicator_code=code,
            groups=("own", "other_networks", "all"),
        )  # fmt: skip
        for (period,), part in series.group_by(["period_code"]):
            rows = {r["group"]: r for r in part.to_dicts()}
            if not {"own", "other_networks", "all"} <= set(rows) or not rows["own"]["suppressed"]:
                continue

            def total(row: dict) -> dict:
                value = None if row["value"] is None else row["value"] * row["n_organisations"]
                return {"value": value, "suppressed": row["value"] is None}

            cells = [
                {**total(rows["all"]), "key": "all"},
                {**total(rows["other_networks"]), "key": "other"},
                {"value": None, "suppressed": True, "key": "own"},
            ]
            attack.table(f"groups {code} {period}", cells, "value", "all")


def _corrections(attack: Attack, session, principal, world, organisation: str) -> None:  # noqa: ANN001
    """A withheld figure's old value must not show in the corrections table."""
    found = views.corrections(
        session, principal, organisation_codes=[organisation], since=world.base.recorded_at
    )
    for row in found.to_dicts():
        attack.count("corrections")
        old = row["old_value"]
        small = old is not None and 0 < old < get_settings().disclosure_threshold
        if row["old_suppressed"] is False and small:
            attack.reconstructed.append(f"correction {row['indicator_code']} old value")


def _everything(session, world) -> Attack:  # noqa: ANN001
    attack = Attack()
    for username in ROLES:
        principal = principal_for(session, world.users[username])
        organisations = ["NW-A"] if username == "viewer_a" else ["NW-A", "GM0363"]
        for code in ("NW_REF", "NW_CARE", "MU_REF", "MU_CARE"):
            try:
                frame = aggregate_series(
                    session, principal, indicator_code=code, organisation_codes=organisations
                )
            except Exception:  # noqa: BLE001 - a refused request teaches nothing
                continue
            _category_tables(attack, frame, f"{username} {code}", "value")
        for rate in ("NW_REF_RATE", "NW_CARE_RATE"):
            frame = views.indicator_figures(
                session, principal, indicator_code=rate, organisation_codes=["NW-A"]
            )
            _category_tables(attack, frame, f"{username} {rate}", "children")
        _rollup_tables(attack, session, principal, "NW-A")
        _group_tables(attack, session, principal, "NW-A")
        _corrections(attack, session, principal, world, "NW-A")
    return attack


def test_no_withheld_cell_can_be_rebuilt_as_any_role(catalogue, world):  # noqa: ANN001
    attack = _everything(catalogue, world)
    print(f"differencing: {attack.families}, {len(attack.reconstructed)} rebuilt")
    assert attack.tried >= 20
    assert {"table", "rollup", "groups", "corrections"} <= set(attack.families)
    assert attack.reconstructed == []


def test_the_attack_rebuilds_cells_when_counts_are_exact(catalogue, world, exact_figures):  # noqa: ANN001
    """Without the noise (exact counts, no secondary suppression) the same requests give
    withheld cells back — e.g. NW-A's 4 referrals by the jeugdarts in 2023-H1."""
    attack = _everything(catalogue, world)
    assert any("jeugdarts" in cell for cell in attack.reconstructed), attack.reconstructed
    # n x all - (n-1) x other = 7 + 15 + 20 + 25 - (15 + 20 + 25): NW-A's 7 signals
    assert any(cell.startswith("groups NW_SIGNAL") and cell.endswith("= 7")
               for cell in attack.reconstructed), attack.reconstructed  # fmt: skip


def _dry_run_reasons(session, tmp_path, value: str) -> list[str]:  # noqa: ANN001
    """A municipal officer dry-runs NW-A's reach (NW_CHILDREN) with ``value``."""
    from monitor.ingest import ingest_file
    from tests.monitor.ingest.helpers import write_aggregate

    rows = [{"organisation": "NW-A", "period": "2023-H1", "indicator": "NW_CHILDREN",
             "value": value}]  # fmt: skip
    path = write_aggregate(tmp_path / f"reach-{value}.csv", rows)
    report = ingest_file(session, path, organisation_code="GM0363", dry_run=True)
    return [f"{p.value} {p.reason}" for p in [*report.warnings, *report.problems]]


def test_dry_runs_reveal_nothing_stored(catalogue, world, tmp_path):  # noqa: ANN001
    """Attack (#12.1): dry-running NW_CHILDREN = 0 against NW-A's stored referrals gave
    "NW_REF (46) exceeds NW_CHILDREN (0)"; with 1, 2, ... every total by bisection. The
    answers to 0 and to a million must be the same and quote no stored figure."""
    low, high = (
        _dry_run_reasons(catalogue, tmp_path, "0"),
        _dry_run_reasons(catalogue, tmp_path, "1000000"),
    )
    assert [r.split(" ", 1)[1] for r in low] == [r.split(" ", 1)[1] for r in high]
    assert not any("46" in r or "30" in r for r in low + high)


def test_stored_warnings_only_for_the_reporters_own_figures(catalogue, world):  # noqa: ANN001
    """Attack (#11.7): the data-entry page's warnings quoted a median of cells withheld
    elsewhere. A viewer sees none; a submitter only about figures its own organisation sent."""
    viewer = principal_for(catalogue, world.users["viewer_a"])
    assert views.quality_warnings(catalogue, viewer, organisation_code="NW-A").is_empty()
    officer = principal_for(catalogue, world.users["officer_ams"])  # NW-A sent its figures
    assert views.quality_warnings(catalogue, officer, organisation_code="NW-A").is_empty()
