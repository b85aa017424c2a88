"""Simulated data with known effects, for the recovery tests of :mod:`analysis`.

Every generator takes a seed and returns a polars frame whose true parameters are the
keyword arguments, so a test can check that the model's 95% interval covers them.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import expit
from scipy.stats import norm


def growth_panel(
    *,
    n_children: int = 300,
    n_waves: int = 6,
    n_schools: int = 0,
    slope: float = 2.0,
    exposure_effect: float = 3.0,
    seed: int = 0,
) -> pl.DataFrame:
    """Outcome over waves with random intercept/slope per child; half the children join a
    programme at a random wave (time-varying exposure shifts the outcome)."""
    rng = np.random.default_rng(seed)
    child = np.repeat(np.arange(n_children), n_waves)
    wave = np.tile(np.arange(n_waves, dtype=float), n_children)
    u0 = rng.normal(0, 5, n_children)
    u1 = rng.normal(0, 1, n_children)
    joins = np.where(rng.random(n_children) < 0.5, rng.integers(1, n_waves, n_children), 10**6)
    exposed = (wave >= joins[child]).astype(int)
    y = 50 + u0[child] + (slope + u1[child]) * wave + exposure_effect * exposed
    frame = {"child_id": [f"C{c:05d}" for c in child], "time": wave, "exposed": exposed}
    if n_schools:
        school = rng.integers(0, n_schools, n_children)
        s_eff = rng.normal(0, 3, n_schools)
        y = y + s_eff[school[child]]
        frame["school_id"] = [f"S{s:03d}" for s in school[child]]
    frame["value"] = y + rng.normal(0, 2, child.size)
    return pl.DataFrame(frame)


def its_series(
    *,
    n_periods: int = 60,
    event_at: int = 30,
    level_change: float = -6.0,
    slope_change: float = 0.3,
    ar: float = 0.0,
    seed: int = 0,
) -> pl.DataFrame:
    """One series with a level and slope change at ``event_at`` (0-based), monthly season."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, n_periods + 1)
    post = (t > event_at).astype(float)
    month = (t - 1) % 12 + 1
    season = 2.0 * np.sin(2 * np.pi * month / 12)
    noise = np.zeros(n_periods)
    e = rng.normal(0, 2, n_periods)
    for i in range(n_periods):
        noise[i] = (ar * noise[i - 1] if i else 0.0) + e[i]
    y = 100 + 0.2 * t + level_change * post + slope_change * (t - event_at) * post
    return pl.DataFrame(
        {"period": t, "month": month, "value": y + season + noise, "post": post.astype(int)}
    )


def did_panel(
    *,
    n_units: int = 120,
    n_periods: int = 12,
    effect: float = -1.5,
    staggered: bool = True,
    seed: int = 0,
) -> pl.DataFrame:
    """Unit x period panel with unit and period effects; 60% of the units start the
    programme (at one of several periods if ``staggered``), with a constant effect."""
    rng = np.random.default_rng(seed)
    options = [4, 6, 8] if staggered else [n_periods // 2]
    start = np.where(rng.random(n_units) < 0.6, rng.choice(options, n_units), -1)
    unit_eff = rng.normal(0, 2, n_units)
    period_eff = rng.normal(0, 1, n_periods)
    rows = []
    for u in range(n_units):
        for p in range(n_periods):
            d = int(start[u] >= 0 and p >= start[u])
            y = 10 + unit_eff[u] + period_eff[p] + effect * d + rng.normal(0, 1)
            rows.append(
                (f"N{u:04d}", p, None if start[u] < 0 else int(start[u]), int(start[u] >= 0), d, y)
            )
    return pl.DataFrame(
        rows,
        schema=["network_id", "period", "start_period", "treated", "post", "value"],
        orient="row",
    ).with_columns(
        # post = period from the unit's start; for comparison units, from the median start
        pl.when(pl.col("treated") == 1)
        .then(pl.col("post"))
        .otherwise((pl.col("period") >= options[len(options) // 2]).cast(pl.Int64))
        .alias("post")
    )


def rate_panel(
    *,
    n_networks: int = 30,
    n_periods: int = 10,
    rate_ratio: float = 0.8,
    alpha: float = 0.0,
    seed: int = 0,
) -> pl.DataFrame:
    """Referral counts per network and period with ``log(children)`` offset; half the
    networks are exposed from period 5. ``alpha`` > 0 gives NB2 overdispersion."""
    rng = np.random.default_rng(seed)
    rows = []
    net_eff = rng.normal(0, 0.1, n_networks)
    for n in range(n_networks):
        children = int(rng.integers(800, 3000))
        for p in range(n_periods):
            exposed = int(n < n_networks // 2 and p >= 5)
            mu = children * 0.02 * np.exp(np.log(rate_ratio) * exposed + 0.01 * p + net_eff[n])
            if alpha > 0:
                mu = rng.gamma(1 / alpha, mu * alpha)
            rows.append((f"N{n:03d}", p, children, exposed, int(rng.poisson(mu))))
    return pl.DataFrame(
        rows, schema=["network_id", "period", "children", "exposed", "count"], orient="row"
    )


def binary_panel(
    *,
    n_children: int = 600,
    n_periods: int = 6,
    odds_ratio: float = 0.6,
    rho: float = 0.4,
    seed: int = 0,
) -> pl.DataFrame:
    """Correlated yes/no outcomes whose *marginal* model is logistic (Gaussian copula with
    exchangeable latent correlation ``rho``), so the GEE odds ratio is the truth."""
    rng = np.random.default_rng(seed)
    child = np.repeat(np.arange(n_children), n_periods)
    period = np.tile(np.arange(n_periods), n_children)
    joins = np.where(rng.random(n_children) < 0.5, rng.integers(1, n_periods, n_children), 99)
    exposed = (period >= joins[child]).astype(int)
    p = expit(-1.0 + np.log(odds_ratio) * exposed + 0.05 * period)
    z = np.sqrt(rho) * rng.normal(size=n_children)[child] + np.sqrt(1 - rho) * rng.normal(
        size=child.size
    )
    referred = (z < norm.ppf(p)).astype(int)
    return pl.DataFrame(
        {
            "child_id": [f"C{c:05d}" for c in child],
            "period": period,
            "exposed": exposed,
            "referred": referred,
        }
    )


def survival_intervals(
    *, n_children: int = 800, hazard_ratio: float = 0.5, seed: int = 0
) -> pl.DataFrame:
    """Start-stop rows: baseline hazard 0.15/yr, half the children join a programme at a
    uniform time in (0, 5), multiplying the hazard by ``hazard_ratio``; censoring at 8."""
    rng = np.random.default_rng(seed)
    rows = []
    base = 0.15
    for c in range(n_children):
        join = rng.uniform(0, 5) if rng.random() < 0.5 else np.inf
        t1 = rng.exponential(1 / base)
        after = join + rng.exponential(1 / (base * hazard_ratio))  # memoryless from join
        t_event = t1 if t1 < join else after
        stop = min(t_event, 8.0)
        event = int(t_event <= 8.0)
        cid = f"C{c:05d}"
        if join < stop:
            rows.append((cid, 0.0, join, 0, 0))
            rows.append((cid, join, stop, event, 1))
        else:
            rows.append((cid, 0.0, stop, event, 0))
    return pl.DataFrame(
        rows, schema=["child_id", "start", "stop", "event", "exposed"], orient="row"
    )


def goals_table(
    *, n_networks: int = 10, n_periods: int = 6, trend: float = 0.05, seed: int = 0
) -> pl.DataFrame:
    """One row per agreed target: met with probability 0.4 + trend * period."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in range(n_networks):
        for p in range(n_periods):
            for t in range(int(rng.integers(4, 9))):
                rows.append((f"N{n:02d}", p, f"T{t}", int(rng.random() < 0.4 + trend * p)))
    return pl.DataFrame(rows, schema=["network_id", "period", "target_id", "met"], orient="row")
