"""Fit times of the analysis models on national-sized simulated data, and CI coverage.

Run from the repository root::

    python benchmarks/models.py                 # timings (growth 20,000 x 8, DiD 340 x 16)
    python benchmarks/models.py --coverage 20   # also: how often the 95% CI covers the truth
    python benchmarks/models.py --children 5000 # a smaller growth panel

The timings are wall-clock seconds of one fit each (data simulation excluded).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import (  # noqa: E402
    fit_cox,
    fit_did,
    fit_event_study,
    fit_gee,
    fit_growth,
    fit_its,
    fit_rates,
)
from tests.analysis import simulate as sim  # noqa: E402


def national_did_panel(n_municipalities: int = 340, n_periods: int = 16, seed: int = 0):
    """One network per municipality, 16 half-years, staggered starts, effect -1.5 per 1,000
    children on a referral rate; aggregate-level rows as the query layer delivers them."""
    rng = np.random.default_rng(seed)
    start = np.where(
        rng.random(n_municipalities) < 0.5, rng.choice([6, 8, 10, 12], n_municipalities), -1
    )
    unit = np.repeat(np.arange(n_municipalities), n_periods)
    period = np.tile(np.arange(n_periods), n_municipalities)
    treated = (start[unit] >= 0).astype(int)
    d = ((start[unit] >= 0) & (period >= start[unit])).astype(int)
    y = (
        40
        + rng.normal(0, 6, n_municipalities)[unit]
        + rng.normal(0, 1, n_periods)[period]
        - 1.5 * d
        + rng.normal(0, 2, unit.size)
    )
    return pl.DataFrame(
        {
            "network_id": [f"GM{u:04d}" for u in unit],
            "period": period,
            "start_period": [None if start[u] < 0 else int(start[u]) for u in unit],
            "treated": treated,
            "post": d,
            "value": y,
        }
    )


def timed(label: str, func):
    t0 = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - t0
    print(f"{label:<58} {seconds:8.2f} s", flush=True)
    return result, seconds


def timings(n_children: int) -> None:
    print(f"{'model':<58} {'time':>10}")
    growth = sim.growth_panel(n_children=n_children, n_waves=8, seed=1)
    result, _ = timed(
        f"growth MixedLM, {n_children:,} children x 8 waves ({growth.height:,} rows), lbfgs",
        lambda: fit_growth(growth, exposure="exposed"),
    )
    slope = result.term("time")
    print(f"    slope {slope['estimate']:.4f} (truth 2.0), converged={result.converged}")
    timed(
        f"growth MixedLM, random intercept only, {n_children:,} x 8",
        lambda: fit_growth(growth, exposure="exposed", random_slope=False),
    )
    nested = sim.growth_panel(n_children=2_000, n_waves=8, n_schools=40, seed=1)
    timed(
        "growth MixedLM nested (vc_formula), 2,000 children x 8 in 40 schools",
        lambda: fit_growth(nested, exposure="exposed", nest="school_id"),
    )
    panel = national_did_panel()
    result, _ = timed(
        f"DiD TWFE, 340 networks x 16 half-years ({panel.height:,} rows), clustered",
        lambda: fit_did(panel),
    )
    print(f"    did {result.term('did')['estimate']:.3f} (truth -1.5)")
    result, _ = timed(
        "event study, 340 x 16, leads 4 / lags 4", lambda: fit_event_study(panel, leads=4, lags=4)
    )
    print(
        f"    average post {result.term('average_post')['estimate']:.3f}, pre-trend p = "
        f"{result.pretrend_p_value:.2f}"
    )
    rates = sim.rate_panel(n_networks=340, n_periods=16, seed=2)
    timed(f"rates Poisson/NB, 340 x 16 ({rates.height:,} rows)", lambda: fit_rates(rates))
    binary = sim.binary_panel(n_children=20_000, n_periods=8, seed=3)
    timed(
        f"GEE logit exchangeable, 20,000 children x 8 ({binary.height:,} rows)",
        lambda: fit_gee(binary),
    )
    surv = sim.survival_intervals(n_children=20_000, seed=4)
    timed(f"Cox PHReg start-stop, 20,000 children ({surv.height:,} rows)", lambda: fit_cox(surv))
    series = sim.its_series(n_periods=120, event_at=60, seed=5)
    timed(
        "ITS GLSAR, 120 periods",
        lambda: fit_its(series, event=61, seasonality="fourier", season="month"),
    )


def coverage(n_seeds: int) -> None:
    def inside(row, truth, scale=""):
        low = row[f"{scale}_ci_low"] if scale else row["ci_low"]
        high = row[f"{scale}_ci_high"] if scale else row["ci_high"]
        return low <= truth <= high

    checks = {
        "growth slope (truth 2.0)": lambda s: inside(
            fit_growth(sim.growth_panel(n_children=150, seed=s), exposure="exposed").term("time"),
            2.0,
        ),
        "ITS level change, GLSAR, 120 periods (truth -6)": lambda s: inside(
            fit_its(
                sim.its_series(n_periods=120, event_at=60, seed=s),
                event=61,
                seasonality="fourier",
                season="month",
                harmonics=1,
            ).term("level_change"),
            -6.0,
        ),
        "DiD TWFE effect (truth -1.5)": lambda s: inside(
            fit_did(sim.did_panel(seed=s)).term("did"), -1.5
        ),
        "rate ratio (truth 0.8)": lambda s: inside(
            fit_rates(sim.rate_panel(seed=s)).term("exposed"), 0.8, "rate_ratio"
        ),
        "GEE odds ratio (truth 0.6)": lambda s: inside(
            fit_gee(sim.binary_panel(n_children=300, seed=s)).term("exposed"), 0.6, "odds_ratio"
        ),
        "Cox hazard ratio (truth 0.5)": lambda s: inside(
            fit_cox(sim.survival_intervals(seed=s)).term("exposed"), 0.5, "hazard_ratio"
        ),
    }
    print(f"\n95% CI coverage over seeds 0..{n_seeds - 1}")
    for label, check in checks.items():
        hits = [check(seed) for seed in range(n_seeds)]
        missed = [s for s, h in enumerate(hits) if not h]
        print(f"{label:<52} {sum(hits):4d}/{n_seeds}  missed seeds {missed}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--coverage", type=int, default=0, help="seeds for the coverage loop")
    parser.add_argument("--skip-timings", action="store_true")
    args = parser.parse_args()
    if not args.skip_timings:
        timings(args.children)
    if args.coverage:
        coverage(args.coverage)


if __name__ == "__main__":
    main()
