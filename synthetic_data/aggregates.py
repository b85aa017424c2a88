"""Network and municipality series of one municipality, consistent with its case rows.

Definitions (months are whole: school changes, memberships and programme starts all fall
on the first of a month, so "attending a member school in month m" is exact):

* ``NW_CHILDREN``: children at the network's member schools in the last month of the period.
* ``NW_SIGNAL``: distinct children with a ``CH_SIGNAL`` in the period while attending a
  member school in the signal's month (whoever reported the signal).
* ``NW_REF`` per referrer: distinct children with a ``CH_REF`` of that referrer in the
  period while attending a member school in the referral's month.
* ``NW_CARE`` per care type: distinct children with an episode of that type running in a
  month of the period in which they attended a member school.
* ``MU_YOUTH``: children 0-17 in the panel in the last month of the period.
* ``MU_CARE`` per care type / ``MU_CARE_RES`` / ``MU_PROT``: distinct resident children with
  an episode (residential / a protection measure) overlapping the period.
* ``MU_REF`` per referrer: care episodes started in the period, by referrer of their referral.
* ``MU_WAITLIST``: distinct children referred on or before the period's last day whose
  episode starts after it.
* ``MU_PUPILS`` / ``MU_SPED``: children at any school / at the special school in October.
* ``MU_COST``: care days in the year x cost per day by care type / MU_YOUTH at year end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_data.calendar import WINDOW_LAST_DAY, half_years, years
from synthetic_data.catalogue import load_codes
from synthetic_data.config import FIRST_OUTPUT_MONTH, N_MONTHS, RESIDENTIAL, Rates
from synthetic_data.events import Events
from synthetic_data.panel import Panel

AGGREGATE_COLUMNS = (
    "organisation",
    "indicator",
    "period",
    "value",
    "numerator",
    "denominator",
    "category",
    "source_kind",
)
WINDOW = np.arange(FIRST_OUTPUT_MONTH, N_MONTHS)


@dataclass
class NetworkSeries:
    """Monthly referral events and child-months per local network (for truth.json)."""

    referrals: np.ndarray  # networks x window months
    child_months: np.ndarray
    children_last_month: np.ndarray  # networks x half-years (NW_CHILDREN)


def aggregate_row(org, indicator, period, value="", numerator="", denominator="", category=""):
    """One aggregate row (all text; empty strings are written as empty fields)."""
    return {
        "organisation": org,
        "indicator": indicator,
        "period": period,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "category": category,
        "source_kind": load_codes().source_kind[indicator],
    }


def _month_of(day: np.ndarray) -> np.ndarray:
    months = day.astype("datetime64[M]") - np.datetime64("2019-01", "M")
    return months.astype(np.int64)


def category_index(values: np.ndarray, labels: list[str]) -> np.ndarray:
    """Position of each value in ``labels`` (KeyError for a value not in the list)."""
    lookup = {label: k for k, label in enumerate(labels)}
    unique, inverse = np.unique(values, return_inverse=True)
    return np.array([lookup[u] for u in unique.tolist()], dtype=np.int64)[inverse]


def _distinct_counts(keys: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """Count distinct first-key values per combination of the other (small) keys."""
    counts = np.zeros(shape, dtype=np.int64)
    if len(keys[0]) == 0:
        return counts
    unique = np.unique(np.stack(keys, axis=1), axis=0)
    np.add.at(counts, tuple(unique[:, 1:].T), 1)
    return counts


def network_counts(panel: Panel, ev: Events) -> tuple[list[dict], NetworkSeries]:
    """NW_CHILDREN, NW_SIGNAL, NW_REF, NW_CARE rows (each network reports its own)."""
    codes = load_codes().categories
    referrers, care_types = list(codes["referrer"]), list(codes["care_type"])
    n_net, periods = len(panel.network_codes), half_years()
    network = panel.network
    rows: list[dict] = []
    last = [FIRST_OUTPUT_MONTH + 6 * p + 5 for p in range(len(periods))]
    children = np.stack([(network[:, t][:, None] == np.arange(n_net)).sum(0) for t in last], 1)

    def events_in(child, month):
        keep = month >= FIRST_OUTPUT_MONTH
        child, month = child[keep], month[keep]
        net = network[child, month]
        return child, month, net, keep, net >= 0

    c, m, net, _, ok = events_in(ev.signal_child, ev.signal_month)
    signal = _distinct_counts([c[ok], net[ok], (m[ok] - FIRST_OUTPUT_MONTH) // 6], (n_net, 8))
    c, m, net, keep, ok = events_in(ev.referral_child, ev.referral_month)
    ref_cat = category_index(ev.referrer[keep], referrers)
    ref = _distinct_counts(
        [c[ok], net[ok], (m[ok] - FIRST_OUTPUT_MONTH) // 6, ref_cat[ok]],
        (n_net, 8, len(referrers)),
    )
    monthly_refs = np.zeros((n_net, len(WINDOW)), dtype=np.int64)
    np.add.at(monthly_refs, (net[ok], m[ok] - FIRST_OUTPUT_MONTH), 1)
    child_months = np.stack(
        [(network[:, t][:, None] == np.arange(n_net)).sum(0) for t in WINDOW], 1
    )

    child, month, care = _episode_months(ev)
    net = network[child, month]
    ok = net >= 0
    care_cat = category_index(care[ok], care_types)
    care_counts = _distinct_counts(
        [child[ok], net[ok], (month[ok] - FIRST_OUTPUT_MONTH) // 6, care_cat],
        (n_net, 8, len(care_types)),
    )
    for k, code in enumerate(panel.network_codes):
        for p, period in enumerate(periods):
            rows.append(aggregate_row(code, "NW_CHILDREN", period.code, str(children[k, p])))
            rows.append(aggregate_row(code, "NW_SIGNAL", period.code, str(signal[k, p])))
            rows += [
                aggregate_row(code, "NW_REF", period.code, str(ref[k, p, r]), category=referrers[r])
                for r in range(len(referrers))
            ]
            rows += [
                aggregate_row(code, "NW_CARE", period.code, str(care_counts[k, p, j]), category=ct)
                for j, ct in enumerate(care_types)
            ]
    return rows, NetworkSeries(monthly_refs, child_months, children)


def _episode_months(ev: Events) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(child, month, care type) for every window month in which an episode runs."""
    first = np.maximum(_month_of(ev.episode_start), FIRST_OUTPUT_MONTH)
    end = np.where(np.isnat(ev.episode_end), WINDOW_LAST_DAY, ev.episode_end)
    last = np.minimum(_month_of(end), N_MONTHS - 1)
    length = np.maximum(last - first + 1, 0)
    episode = np.repeat(np.arange(len(first)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    month = first[episode] + offset
    return ev.episode_child[episode], month, ev.episode_type[episode]


def _overlaps(start, end, first_day, last_day) -> np.ndarray:
    return (start <= last_day) & (np.isnat(end) | (end >= first_day))


def municipality_counts(panel: Panel, ev: Events, rates: Rates) -> list[dict]:
    """MU_* rows of the municipality (reported by the municipality itself)."""
    codes = load_codes().categories
    code = panel.plan.code
    in_panel = panel.in_panel()
    rows: list[dict] = []
    start, end, kind = ev.episode_start, ev.episode_end, ev.episode_type
    child = ev.episode_child
    referral_day = ev.referral_day[ev.episode_referral]
    referrer = ev.referrer[ev.episode_referral]
    youth_at_year_end = {}
    for p, period in enumerate(half_years()):
        first_day, last_day = np.datetime64(period.start), np.datetime64(period.end)
        youth = int(in_panel[:, FIRST_OUTPUT_MONTH + 6 * p + 5].sum())
        youth_at_year_end[period.end.year] = youth
        rows.append(aggregate_row(code, "MU_YOUTH", period.code, str(youth)))
        running = _overlaps(start, end, first_day, last_day)
        for care_type in codes["care_type"]:
            n = len(np.unique(child[running & (kind == care_type)]))
            rows.append(aggregate_row(code, "MU_CARE", period.code, str(n), category=care_type))
        n = len(np.unique(child[running & np.isin(kind, RESIDENTIAL)]))
        rows.append(aggregate_row(code, "MU_CARE_RES", period.code, str(n)))
        protected = _overlaps(ev.protection_start, ev.protection_end, first_day, last_day)
        n = len(np.unique(ev.protection_child[protected]))
        rows.append(aggregate_row(code, "MU_PROT", period.code, str(n)))
        started = (start >= first_day) & (start <= last_day)
        for category in codes["referrer"]:
            n = int((started & (referrer == category)).sum())
            rows.append(aggregate_row(code, "MU_REF", period.code, str(n), category=category))
        waiting = (referral_day <= last_day) & (start > last_day)
        rows.append(
            aggregate_row(code, "MU_WAITLIST", period.code, str(len(np.unique(child[waiting]))))
        )
    cost = np.array([rates.care_cost_per_day_eur[k] for k in kind]) if len(kind) else np.zeros(0)
    for y, period in enumerate(years()):
        october = FIRST_OUTPUT_MONTH + 12 * y + 9
        pupils = int((panel.school[:, october] >= 0).sum())
        sped = int((panel.school[:, october] == panel.special_school_index).sum())
        rows.append(aggregate_row(code, "MU_PUPILS", period.code, str(pupils)))
        rows.append(aggregate_row(code, "MU_SPED", period.code, str(sped)))
        first_day, last_day = np.datetime64(period.start), np.datetime64(period.end)
        until = np.minimum(np.where(np.isnat(end), last_day, end), last_day)
        days = (until - np.maximum(start, first_day)).astype(np.int64) + 1
        total = float((np.maximum(days, 0) * cost).sum())
        per_child = total / max(youth_at_year_end[period.start.year], 1)
        rows.append(aggregate_row(code, "MU_COST", period.code, f"{per_child:.2f}"))
    return rows
