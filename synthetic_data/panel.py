"""The child panel of one municipality: births, ageing out, schools per month, special
education, childcare, network exposure per month.

All arrays are per child (length ``n``) or per child-month (``n x N_MONTHS``, month 0 =
January 2019). A child is in the panel from its birth month up to (not including) the month
it turns 18, enters school the month after its 4th birthday, moves to secondary school in
August of the year it turns 12 and sometimes changes school at the start of a school year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_data.calendar import month_code
from synthetic_data.config import AGE_OUT_MONTHS, FIRST_OUTPUT_MONTH, N_MONTHS, Rates
from synthetic_data.identifiers import BLOCK, bsn_block
from synthetic_data.population import MunicipalityPlan, Region

MONTHS = np.arange(N_MONTHS)
NEVER = 10_000


@dataclass
class Panel:
    """Children of one municipality and where they are each month."""

    plan: MunicipalityPlan
    region: Region
    school_codes: list[str]  # local school index -> BRIN; the last one is the special school
    network_codes: list[str]
    network_start: np.ndarray  # per local network: first treated month, NEVER if comparison
    birth: np.ndarray  # birth month index
    exit: np.ndarray  # first month no longer in the panel (18th birthday)
    child_id: np.ndarray  # run-wide unique integer (sort key)
    bsn: np.ndarray
    sex: np.ndarray
    birth_month: np.ndarray  # YYYY-MM
    school: np.ndarray  # n x months, local school index or -1
    network: np.ndarray  # n x months, local network index or -1
    treated: np.ndarray  # n x months, child at a member school of a network after its start
    special_school_index: int
    placement_month: np.ndarray  # month of placement in special education, NEVER if none
    home: np.ndarray  # n x months, out of school > 4 weeks (thuiszitter)
    childcare: np.ndarray  # local childcare index or -1 (only while not yet at school)
    school_start: np.ndarray
    secondary_start: np.ndarray

    @property
    def n(self) -> int:
        return len(self.birth)

    def in_panel(self) -> np.ndarray:
        return (MONTHS[None, :] >= self.birth[:, None]) & (MONTHS[None, :] < self.exit[:, None])

    def in_window(self) -> np.ndarray:
        """Children present in at least one month of 2021-2024."""
        return (self.birth < N_MONTHS) & (self.exit > FIRST_OUTPUT_MONTH)


def _school_per_year(rng, n: int, n_schools: int, offset: int, p_move: float) -> np.ndarray:
    """Local school index per child for school years starting Aug 2018 .. Aug 2024 (7)."""
    weights = rng.dirichlet(np.full(n_schools, 5.0))
    table = np.empty((n, 7), dtype=np.int16)
    table[:, 0] = rng.choice(n_schools, size=n, p=weights) + offset
    for k in range(1, 7):
        move = rng.random(n) < p_move
        fresh = rng.choice(n_schools, size=n, p=weights) + offset
        table[:, k] = np.where(move, fresh, table[:, k - 1])
    return table


def _membership_matrix(plan: MunicipalityPlan, school_codes: list[str]) -> np.ndarray:
    """Local network index per (local school, month), -1 when the school is in none."""
    matrix = np.full((len(school_codes), N_MONTHS), -1, dtype=np.int16)
    position = {code: s for s, code in enumerate(school_codes)}
    for k, network in enumerate(plan.networks):
        for membership in network.memberships:
            s = position.get(membership.member)
            if s is None:
                continue
            end = N_MONTHS if membership.end_month is None else membership.end_month
            matrix[s, max(membership.first_month, 0) : max(end, 0)] = k
    return matrix


def simulate_panel(plan: MunicipalityPlan, region: Region, seed: int, rates: Rates) -> Panel:
    """Draw the children of ``plan`` and their school careers."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1, plan.index]))
    n0 = plan.population
    births = rng.poisson(n0 / AGE_OUT_MONTHS * (N_MONTHS - 1))
    birth = np.sort(
        np.concatenate(
            [rng.integers(-(AGE_OUT_MONTHS - 1), 1, n0), rng.integers(1, N_MONTHS, births)]
        )
    ).astype(np.int64)
    n = len(birth)
    exit_month = birth + AGE_OUT_MONTHS
    sex = rng.choice(np.array(["m", "f", "x"]), size=n, p=rates.sex_probabilities)
    school_start = birth + 49
    secondary_start = (np.floor_divide(birth, 12) + 12) * 12 + 7
    n_po, n_vo = len(plan.primary), len(plan.secondary)
    special_index = n_po + n_vo
    school_codes = plan.schools + [region.special_school]

    at_entry = rng.random(n) < rates.special_at_entry
    later = school_start + np.floor(rng.exponential(1 / rates.special_placement_per_month, n))
    placement = np.where(at_entry, school_start - 1, later).astype(np.int64)
    placement = np.where(placement + 1 < exit_month, placement, NEVER)

    t = MONTHS[None, :]
    enrolled = (t >= school_start[:, None]) & (t < exit_month[:, None])
    special = enrolled & (t > placement[:, None])
    secondary = t >= secondary_start[:, None]
    year_index = np.clip((MONTHS - 7) // 12 + 1, 0, 6)
    primary_table = _school_per_year(rng, n, n_po, 0, rates.school_move_per_year)
    secondary_table = _school_per_year(rng, n, n_vo, n_po, rates.school_move_per_year)
    school = np.where(
        secondary, secondary_table[:, year_index], primary_table[:, year_index]
    ).astype(np.int16)
    school = np.where(special, special_index, school)
    school = np.where(enrolled, school, -1).astype(np.int16)

    membership = _membership_matrix(plan, school_codes)
    network = np.where(school >= 0, membership[np.maximum(school, 0), t], -1).astype(np.int16)
    network_start = np.array(
        [NEVER if nw.start_month is None else nw.start_month for nw in plan.networks] + [NEVER]
    )
    treated = (network >= 0) & (t >= network_start[network])

    home_start = school_start + np.floor(rng.exponential(1 / rates.home_spell_per_month, n))
    home_end = home_start + rng.integers(2, 9, n)
    home = enrolled & (t >= home_start[:, None]) & (t < home_end[:, None])

    childcare = np.where(
        rng.random(n) < rates.childcare_share, rng.integers(0, len(plan.childcare), n), -1
    )
    local = np.arange(n, dtype=np.int64)
    return Panel(
        plan=plan,
        region=region,
        school_codes=school_codes,
        network_codes=[nw.code for nw in plan.networks],
        network_start=network_start[:-1],
        birth=birth,
        exit=exit_month,
        child_id=plan.index * BLOCK + local,
        bsn=bsn_block(plan.index, n, seed),
        sex=sex,
        birth_month=month_code(birth),
        school=school,
        network=network,
        treated=treated,
        special_school_index=special_index,
        placement_month=placement,
        home=home,
        childcare=childcare,
        school_start=school_start,
        secondary_start=secondary_start,
    )
