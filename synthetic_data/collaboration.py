"""What each network reports about its own collaboration (PACT-monitor style), per half-year
(NW_PARTNERS, NW_CONSULT, NW_REFLECT, NW_GOAL, PR_CSAT) and per year (NW_FORM, NW_DENS,
NW_COND per precondition). These improve after a network's programme starts."""

from __future__ import annotations

import numpy as np

from synthetic_data.aggregates import NetworkSeries, aggregate_row
from synthetic_data.calendar import half_years, years
from synthetic_data.catalogue import load_codes
from synthetic_data.config import FIRST_OUTPUT_MONTH
from synthetic_data.panel import Panel


def network_self_reports(panel: Panel, series: NetworkSeries, seed: int) -> list[dict]:
    """Rows reported by each network about itself."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4, panel.plan.index]))
    preconditions = load_codes().categories["precondition"]
    rows: list[dict] = []
    for k, network in enumerate(panel.plan.networks):
        start = network.start_month
        goals = int(rng.integers(4, 9))
        for p, period in enumerate(half_years()):
            last = FIRST_OUTPUT_MONTH + 6 * p + 5
            after = start is not None and start <= last - 2
            members = sum(m.active(last) for m in network.memberships)
            active = rng.binomial(members, 0.92 if after else 0.7)
            consult = rng.poisson(
                (4 + 0.01 * series.children_last_month[k, p]) * (2.2 if after else 1)
            )
            reflect = 1 + rng.poisson(1.5) if after else rng.poisson(0.6)
            met = rng.binomial(goals, 0.65 if after else 0.45)
            csat = np.clip(rng.normal(3.75 if after else 3.2, 0.2), 1, 5)
            rows += [
                aggregate_row(network.code, "NW_PARTNERS", period.code, str(active)),
                aggregate_row(network.code, "NW_CONSULT", period.code, str(consult)),
                aggregate_row(network.code, "NW_REFLECT", period.code, str(min(reflect, 100))),
                aggregate_row(
                    network.code, "NW_GOAL", period.code, f"{100 * met / goals:.1f}",
                    numerator=str(met), denominator=str(goals),
                ),
                aggregate_row(network.code, "PR_CSAT", period.code, f"{csat:.2f}"),
            ]  # fmt: skip
        for y, period in enumerate(years()):
            year_end = FIRST_OUTPUT_MONTH + 12 * y + 11
            if start is None or start > year_end:
                form = "cooperatie" if rng.random() < 0.7 else "coordinatie"
                lift = 0.0
            elif start > year_end - 12:
                form, lift = "coordinatie", 0.5
            else:
                form, lift = "collaboratie", 0.9
            density = np.clip(rng.normal(0.38 + 0.2 * lift, 0.05), 0, 1)
            rows.append(aggregate_row(network.code, "NW_FORM", period.code, category=form))
            rows.append(aggregate_row(network.code, "NW_DENS", period.code, f"{density:.2f}"))
            for condition in preconditions:
                score = np.clip(rng.normal(2.8 + 0.8 * lift, 0.4), 1, 5)
                rows.append(
                    aggregate_row(
                        network.code, "NW_COND", period.code, f"{score:.1f}", category=condition
                    )
                )
    return rows
