"""The realised effects written to ``truth.json``: referral rates before and after each
programme start, computed from exactly the rows that were written.

Rate = CH_REF events of children attending the network's member schools in the referral's
month / child-months at those schools x 6,000 (per 1,000 children per half-year). "Before"
is 2021-01 up to the start month, "after" the start month to 2024-12.
"""

from __future__ import annotations

import numpy as np

from synthetic_data.calendar import month_date
from synthetic_data.config import FIRST_OUTPUT_MONTH


def _window(refs: np.ndarray, months: np.ndarray, first: int, last: int) -> dict[str, object]:
    a, b = first - FIRST_OUTPUT_MONTH, last - FIRST_OUTPUT_MONTH
    referrals, child_months = int(refs[a:b].sum()), int(months[a:b].sum())
    rate = referrals / child_months * 6000 if child_months else None
    return {
        "from": month_date(first),
        "to": month_date(last),
        "referrals": referrals,
        "child_months": child_months,
        "rate_per_1000_per_half_year": rate,
    }


def _pair(refs, months, start: int, end: int) -> dict[str, object]:
    before = _window(refs, months, FIRST_OUTPUT_MONTH, start)
    after = _window(refs, months, start, end)
    ratio = None
    if before["rate_per_1000_per_half_year"] and after["rate_per_1000_per_half_year"]:
        ratio = after["rate_per_1000_per_half_year"] / before["rate_per_1000_per_half_year"]
    return {"before": before, "after": after, "rate_ratio": ratio}


def realised_referrals(
    starts: dict[str, int], comparison: list[str], series: dict[str, tuple], end: int
) -> dict[str, object]:
    """Per-network and pooled referral rates before/after the start (``end`` exclusive)."""
    treated = {code: _pair(*series[code], start, end) for code, start in sorted(starts.items())}
    pooled = {"before": [0, 0], "after": [0, 0]}
    for figures in treated.values():
        for side in ("before", "after"):
            pooled[side][0] += figures[side]["referrals"]
            pooled[side][1] += figures[side]["child_months"]
    pooled_rates = {
        side: (refs / months * 6000 if months else None) for side, (refs, months) in pooled.items()
    }
    ratio = None
    if pooled_rates["before"] and pooled_rates["after"]:
        ratio = pooled_rates["after"] / pooled_rates["before"]
    median = int(np.median(list(starts.values()))) if starts else None
    comparison_figures = (
        {code: _pair(*series[code], median, end) for code in sorted(comparison)}
        if median is not None
        else {}
    )
    return {
        "definition": __doc__.strip().split("\n\n", 1)[1],
        "treated": treated,
        "pooled": {
            "before": {
                "referrals": pooled["before"][0],
                "child_months": pooled["before"][1],
                "rate_per_1000_per_half_year": pooled_rates["before"],
            },
            "after": {
                "referrals": pooled["after"][0],
                "child_months": pooled["after"][1],
                "rate_per_1000_per_half_year": pooled_rates["after"],
            },
            "rate_ratio": ratio,
        },  # fmt: skip
        "comparison_around_median_start": {
            "median_start": None if median is None else month_date(median),
            "networks": comparison_figures,
        },
    }
