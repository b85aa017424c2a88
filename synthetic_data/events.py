"""Events and episodes of one municipality's children: concern signals, referrals, care
episodes with waiting times, child-protection measures, special-education placements and
programme participation.

Hazards are per child-month: a base rate by age group, times a child's frailty (referrals),
seasonality, a secular trend, and the programme effect in the months a child attends a
member school of a network whose programme has started.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_data.calendar import (
    CALENDAR_MONTH,
    DAYS_IN_MONTH,
    MONTH_START,
    WINDOW_FIRST_DAY,
    WINDOW_LAST_DAY,
)
from synthetic_data.config import FIRST_OUTPUT_MONTH, RESIDENTIAL, Effects, Rates
from synthetic_data.panel import MONTHS, Panel
from synthetic_data.rows import random_day

NAT = np.datetime64("NaT", "D")


@dataclass
class Events:
    """Everything event-like that happened to one municipality's children (whole simulation)."""

    signal_child: np.ndarray
    signal_month: np.ndarray
    signal_day: np.ndarray
    referral_child: np.ndarray
    referral_month: np.ndarray
    referral_day: np.ndarray
    referrer: np.ndarray
    referral_care_type: np.ndarray
    # episodes (one per referral that led to care): index into the referral arrays
    episode_referral: np.ndarray
    episode_start: np.ndarray
    episode_end: np.ndarray  # NaT while running at the end of the window
    episode_end_reason: np.ndarray  # "" while running
    wait_days: np.ndarray
    protection_child: np.ndarray
    protection_start: np.ndarray
    protection_end: np.ndarray
    protection_type: np.ndarray
    placement_child: np.ndarray
    placement_day: np.ndarray
    part_child: np.ndarray
    part_start: np.ndarray
    part_end: np.ndarray
    part_hours: np.ndarray
    part_network: np.ndarray

    @property
    def episode_child(self) -> np.ndarray:
        return self.referral_child[self.episode_referral]

    @property
    def episode_type(self) -> np.ndarray:
        return self.referral_care_type[self.episode_referral]


def _age_group(panel: Panel) -> np.ndarray:
    age = MONTHS[None, :] - panel.birth[:, None]
    return np.where(age < 48, 0, np.where(age < 144, 1, 2))


def _season(effects: Effects, peak_month: float) -> np.ndarray:
    amplitude = effects.event_seasonality_amplitude
    return 1 + amplitude * np.cos(2 * np.pi * (CALENDAR_MONTH - peak_month) / 12)


def _trend(per_year: float) -> np.ndarray:
    return (1 + per_year) ** ((MONTHS - FIRST_OUTPUT_MONTH) / 12)


def _draw(rng, panel: Panel, hazard: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    happened = panel.in_panel() & (rng.random(hazard.shape) < hazard)
    child, month = np.nonzero(happened)
    return child.astype(np.int64), month.astype(np.int64)


def _choice(rng, probabilities: dict[str, float], n: int) -> np.ndarray:
    labels = np.array(list(probabilities))
    p = np.array(list(probabilities.values()))
    return labels[rng.choice(len(labels), size=n, p=p / p.sum())]


def _exit_day(panel: Panel, child: np.ndarray) -> np.ndarray:
    """First day a child is no longer in the panel (first of the month it turns 18)."""
    exit_month = panel.exit[child]
    base = np.datetime64("2019-01", "M") + exit_month.astype("timedelta64[M]")
    return base.astype("datetime64[D]")


def _lognormal_days(rng, median_months: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    months = rng.lognormal(np.log(median_months), sigma, n)
    return np.maximum(np.round(months * 30.44), 14).astype("timedelta64[D]")


def simulate_events(panel: Panel, seed: int, rates: Rates, effects: Effects) -> Events:
    """Draw all events and episodes for ``panel``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2, panel.plan.index]))
    group = _age_group(panel)
    treated = panel.treated

    hazard = np.asarray(rates.signal_by_age)[group] * (_season(effects, 11) * _trend(
        effects.signal_secular_trend_per_year
    ))[None, :]  # fmt: skip
    hazard = hazard * np.where(treated, 1 + effects.signal_relative_change, 1.0)
    signal_child, signal_month = _draw(rng, panel, hazard)
    signal_day = random_day(rng, MONTH_START[signal_month], DAYS_IN_MONTH[signal_month])

    shape = rates.referral_frailty_shape
    frailty = rng.gamma(shape, 1 / shape, panel.n)
    hazard = np.asarray(rates.referral_by_age)[group] * frailty[:, None]
    hazard = hazard * (_season(effects, 11) * _trend(effects.referral_secular_trend_per_year))
    hazard = hazard * np.where(treated, 1 + effects.referral_relative_change, 1.0)
    referral_child, referral_month = _draw(rng, panel, hazard)
    n_ref = len(referral_child)
    referral_day = random_day(rng, MONTH_START[referral_month], DAYS_IN_MONTH[referral_month])
    referrer = _choice(rng, rates.referrer_probabilities, n_ref)
    care_type = _choice(rng, rates.care_type_probabilities, n_ref)
    leads = rng.random(n_ref) < rates.referral_leads_to_care
    wait = np.clip(np.round(rng.lognormal(np.log(rates.wait_days_median), 0.7, n_ref)), 0, 365)
    start = referral_day + wait.astype("timedelta64[D]")
    residential = np.isin(care_type, RESIDENTIAL)
    median = np.where(residential, rates.residential_months_median, rates.care_months_median)
    end = start + _lognormal_days(rng, median, 0.7, n_ref)
    reason = _choice(rng, rates.end_reason_probabilities, n_ref)
    exit_day = _exit_day(panel, referral_child)
    leads &= start < exit_day
    end = np.minimum(end, exit_day - np.timedelta64(1, "D"))
    # one episode per child and start date (a second one would look like a duplicate row)
    candidate = np.nonzero(leads)[0]
    order = candidate[np.lexsort((candidate, start[candidate], referral_child[candidate]))]
    repeated = np.zeros(len(order), dtype=bool)
    repeated[1:] = (referral_child[order][1:] == referral_child[order][:-1]) & (
        start[order][1:] == start[order][:-1]
    )
    leads[order[repeated]] = False
    episode = np.nonzero(leads)[0]
    episode_end = np.where(end[episode] > WINDOW_LAST_DAY, NAT, end[episode])
    episode_reason = np.where(np.isnat(episode_end), "", reason[episode])

    p_prot = np.full(panel.n, rates.protection_per_month)[:, None] * np.sqrt(frailty)[:, None]
    prot_child, prot_month = _draw(rng, panel, np.broadcast_to(p_prot, group.shape))
    _, first = np.unique(prot_child, return_index=True)
    prot_child, prot_month = prot_child[first], prot_month[first]
    prot_start = random_day(rng, MONTH_START[prot_month], DAYS_IN_MONTH[prot_month])
    prot_end = prot_start + _lognormal_days(rng, rates.protection_months_median, 0.5, len(first))
    prot_end = np.minimum(prot_end, _exit_day(panel, prot_child) - np.timedelta64(1, "D"))
    prot_end = np.where(prot_end > WINDOW_LAST_DAY, NAT, prot_end)
    prot_type = _choice(rng, rates.protection_type_probabilities, len(first))

    placed = np.nonzero(
        (panel.placement_month >= FIRST_OUTPUT_MONTH) & (panel.placement_month < len(MONTHS))
    )[0]
    months = panel.placement_month[placed]
    placement_day = random_day(rng, MONTH_START[months], DAYS_IN_MONTH[months])

    part = _participation(rng, panel, rates, signal_child, signal_month, signal_day)
    return Events(
        signal_child, signal_month, signal_day, referral_child, referral_month, referral_day,
        referrer, care_type, episode, start[episode], episode_end, episode_reason,
        wait[episode], prot_child, prot_start, prot_end, prot_type, placed, placement_day,
        *part,
    )  # fmt: skip


def _participation(rng, panel: Panel, rates: Rates, signal_child, signal_month, signal_day):
    """Programme participation: after a signal in a treated network, or by outreach."""
    treated = panel.treated
    after_signal = treated[signal_child, signal_month] & (
        rng.random(len(signal_child)) < rates.participation_after_signal
    )
    outreach = treated & (rng.random(treated.shape) < rates.participation_per_month)
    o_child, o_month = np.nonzero(outreach)
    o_day = random_day(rng, MONTH_START[o_month], DAYS_IN_MONTH[o_month])
    child = np.concatenate([signal_child[after_signal], o_child]).astype(np.int64)
    month = np.concatenate([signal_month[after_signal], o_month]).astype(np.int64)
    day = np.concatenate([signal_day[after_signal], o_day])
    order = np.lexsort((day, child))
    child, month, day = child[order], month[order], day[order]
    _, first = np.unique(child, return_index=True)
    child, month, day = child[first], month[first], day[first]
    duration = (rng.integers(3, 13, len(child)) * 30).astype("timedelta64[D]")
    end = np.minimum(day + duration, _exit_day(panel, child) - np.timedelta64(1, "D"))
    end = np.where(end > WINDOW_LAST_DAY, NAT, end)
    hours = np.clip(np.round(rng.lognormal(np.log(4.0), 0.5, len(child)), 1), 0.5, 40.0)
    network = panel.network[child, month]
    keep = day >= WINDOW_FIRST_DAY
    return child[keep], day[keep], end[keep], hours[keep], network[keep]
