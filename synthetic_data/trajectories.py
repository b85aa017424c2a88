"""Case-level rows of one municipality: the school measurements (absence, out-of-school,
growth curves) and the rows of the events and episodes of :mod:`events`.

Outcome models (child i at school s in month t, age in years a):

* ``CH_ABS`` (monthly, school): gamma child level + school level + seasonality (peak in
  January-February) + secular trend + 1.5 pp in secondary school + programme effect while
  treated + noise; 85-100 % in thuiszitter months; clipped 0-100.
* ``CH_SEM`` (yearly in May, school): 60 + u0_i + v0_s + (0.8 + u1_i + v1_s)(a - 10)
  + secular trend + slope change x years of programme exposure + noise; clipped 0-100.
* ``CH_COG`` (January and June, primary from age 6): 100 + child + school + noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from synthetic_data.calendar import CALENDAR_MONTH, DAYS_IN_MONTH, MONTH_START, WINDOW_LAST_DAY
from synthetic_data.config import FIRST_OUTPUT_MONTH, RESIDENTIAL, Effects
from synthetic_data.events import Events
from synthetic_data.panel import Panel
from synthetic_data.rows import RowBuilder, random_day


def reporters(panel: Panel) -> list[str]:
    """Every organisation that can report rows about this municipality's children."""
    region, plan = panel.region, panel.plan
    return panel.school_codes + plan.childcare + [
        plan.wijkteam, region.jgz, region.gi, region.ambulant, region.residential,
    ]  # fmt: skip


@dataclass
class EffectTally:
    """The programme effects as realised in the written values (after clipping and rounding):
    written value minus the value the same child would have had without the programme."""

    absence: dict[str, list[float]] = field(default_factory=dict)  # network -> [sum, n]
    wellbeing: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # sum, n, years

    def add_absence(self, network: np.ndarray, shift: np.ndarray, codes: list[str]) -> None:
        for k in np.unique(network).tolist():
            mine = shift[network == k]
            tally = self.absence.setdefault(codes[k], [0.0, 0])
            tally[0] += float(mine.sum())
            tally[1] += int(len(mine))

    def as_dict(self) -> dict[str, object]:
        total = sum(v[0] for v in self.absence.values())
        n = sum(v[1] for v in self.absence.values())
        shift, measured, years = self.wellbeing
        return {
            "absence_effect_on_treated": {
                "definition": "mean of (written CH_ABS - CH_ABS without the programme) over "
                "child-months at member schools of started networks, in percentage points",
                "child_months": n,
                "mean_shift_pp": total / n if n else None,
                "networks": {
                    code: {"child_months": v[1], "mean_shift_pp": v[0] / v[1]}
                    for code, v in sorted(self.absence.items())
                },
            },
            "wellbeing_effect_on_exposed": {
                "definition": "mean of (written CH_SEM - CH_SEM without the programme) over "
                "measurements of children with any programme exposure (slope change x years)",
                "measurements": int(measured),
                "mean_exposure_years": years / measured if measured else None,
                "mean_shift_points": shift / measured if measured else None,
            },
        }


def case_rows(
    panel: Panel, events: Events, seed: int, effects: Effects, tally: EffectTally
) -> pl.DataFrame:
    """All case rows of the municipality (unsorted), with the reporting organisation in ``_org``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3, panel.plan.index]))
    rows = RowBuilder(panel, reporters(panel))
    frames = _school_measurements(panel, rows, rng, effects, tally)
    frames += _event_rows(panel, events, rows, rng)
    return pl.concat(frames, how="vertical")


def _school_measurements(panel, rows: RowBuilder, rng, effects: Effects, tally: EffectTally):
    n_schools = len(panel.school_codes)
    school_abs = rng.normal(0, 0.8, n_schools)
    school_v0, school_v1 = rng.normal(0, 3, n_schools), rng.normal(0, 0.4, n_schools)
    school_cog = rng.normal(0, 4, n_schools)
    child_abs = rng.gamma(2.0, 2.0, panel.n)
    child_u0, child_u1 = rng.normal(0, 8, panel.n), rng.normal(0, 0.8, panel.n)
    child_cog = rng.normal(0, 12, panel.n)

    school = panel.school
    observed = school >= 0
    observed[:, :FIRST_OUTPUT_MONTH] = False
    child, month = np.nonzero(observed)
    s = school[child, month].astype(np.int64)
    years = (month - FIRST_OUTPUT_MONTH) / 12
    season = effects.absence_seasonality_amplitude_pp * np.cos(
        2 * np.pi * (CALENDAR_MONTH[month] - 1.5) / 12
    )
    treated = panel.treated[child, month]
    untreated = (
        child_abs[child]
        + school_abs[s]
        + season
        + effects.absence_secular_trend_pp_per_year * years
        + 1.5 * (month >= panel.secondary_start[child])
        + rng.normal(0, 1.5, len(child))
    )
    home = panel.home[child, month]
    home_value = 85 + 15 * rng.random(len(child))
    untreated = np.round(np.clip(np.where(home, home_value, untreated), 0, 100), 1)
    value = np.where(home, home_value, untreated + effects.absence_change_pp * treated)
    value = np.round(np.clip(value, 0, 100), 1)
    t = np.nonzero(treated)[0]
    tally.add_absence(
        panel.network[child[t], month[t]], value[t] - untreated[t], panel.network_codes
    )
    frames = [rows.build("CH_ABS", child, MONTH_START[month], s, value=value)]
    h = np.nonzero(home)[0]
    frames.append(
        rows.build("CH_HOME", child[h], MONTH_START[month[h]], s[h], value=np.ones(len(h)))
    )

    may = np.nonzero(CALENDAR_MONTH[month] == 5)[0]
    c, m, sm = child[may], month[may], s[may]
    age = (m - panel.birth[c]) / 12
    exposure = np.cumsum(panel.treated, axis=1)[c, m] / 12
    untreated = (
        60
        + child_u0[c]
        + school_v0[sm]
        + (0.8 + child_u1[c] + school_v1[sm]) * (age - 10)
        + effects.wellbeing_secular_trend_per_year * (m - FIRST_OUTPUT_MONTH) / 12
        + rng.normal(0, 4, len(c))
    )
    sem = np.round(
        np.clip(untreated + effects.wellbeing_slope_change_per_year * exposure, 0, 100), 1
    )
    exposed = exposure > 0
    shift = sem - np.round(np.clip(untreated, 0, 100), 1)
    tally.wellbeing[0] += float(shift[exposed].sum())
    tally.wellbeing[1] += int(exposed.sum())
    tally.wellbeing[2] += float(exposure[exposed].sum())
    day = random_day(rng, MONTH_START[m], DAYS_IN_MONTH[m])
    frames.append(rows.build("CH_SEM", c, day, sm, value=sem))

    primary = (month < panel.secondary_start[child]) & (s != panel.special_school_index)
    test = np.nonzero(
        np.isin(CALENDAR_MONTH[month], (1, 6)) & primary & (month - panel.birth[child] >= 72)
    )[0]
    c, m, sm = child[test], month[test], s[test]
    cog = 100 + child_cog[c] + school_cog[sm] + rng.normal(0, 5, len(c))
    day = MONTH_START[m] + rng.integers(7, 28, len(c)).astype("timedelta64[D]")
    frames.append(rows.build("CH_COG", c, day, sm, value=np.clip(np.round(cog), 40, 160)))
    return frames


def _event_rows(panel: Panel, ev: Events, rows: RowBuilder, rng) -> list[pl.DataFrame]:
    plan, region = panel.plan, panel.region
    frames = []
    # signals: the school (mostly), JGZ, or childcare for young children (own child ids)
    school = panel.school[ev.signal_child, ev.signal_month]
    in_care = (panel.childcare[ev.signal_child] >= 0) & (
        ev.signal_month - panel.birth[ev.signal_child] >= 3
    )
    draw = rng.random(len(school))
    by_school = (school >= 0) & (draw < 0.75)
    by_childcare = (school < 0) & in_care & (draw < 0.4)
    keep = ev.signal_month >= FIRST_OUTPUT_MONTH
    jgz = keep & ~by_school & ~by_childcare
    k = np.nonzero(keep & by_school)[0]
    frames.append(rows.build("CH_SIGNAL", ev.signal_child[k], ev.signal_day[k], school[k]))
    k = np.nonzero(jgz)[0]
    frames.append(
        rows.build("CH_SIGNAL", ev.signal_child[k], ev.signal_day[k], rows.org(region.jgz))
    )
    k = np.nonzero(keep & by_childcare)[0]
    childcare_org = [rows.org(code) for code in plan.childcare]
    frames.append(
        rows.build(
            "CH_SIGNAL",
            ev.signal_child[k],
            ev.signal_day[k],
            np.asarray(childcare_org)[panel.childcare[ev.signal_child[k]]],
            child_ref=True,
        )
    )

    provider = np.where(
        ev.referral_care_type == "wijkteam",
        rows.org(plan.wijkteam),
        np.where(
            np.isin(ev.referral_care_type, RESIDENTIAL),
            rows.org(region.residential),
            rows.org(region.ambulant),
        ),
    )
    k = np.nonzero(ev.referral_month >= FIRST_OUTPUT_MONTH)[0]
    frames.append(
        rows.build(
            "CH_REF", ev.referral_child[k], ev.referral_day[k], provider[k],
            category=ev.referrer[k],
        )
    )  # fmt: skip
    start, end = ev.episode_start, ev.episode_end
    k = np.nonzero((start <= WINDOW_LAST_DAY) & (np.isnat(end) | (end >= MONTH_START[24])))[0]
    reason = ev.episode_end_reason[k]
    frames.append(
        rows.build(
            "CH_CARE", ev.episode_child[k], start[k], provider[ev.episode_referral[k]],
            category=ev.episode_type[k], end_date=end[k],
            end_reason=np.where(reason == "", None, reason),
        )
    )  # fmt: skip
    k = np.nonzero((start >= MONTH_START[24]) & (start <= WINDOW_LAST_DAY))[0]
    frames.append(
        rows.build(
            "CH_WAIT", ev.episode_child[k], start[k], provider[ev.episode_referral[k]],
            value=ev.wait_days[k],
        )
    )  # fmt: skip
    p_start, p_end = ev.protection_start, ev.protection_end
    k = np.nonzero(np.isnat(p_end) | (p_end >= MONTH_START[24]))[0]
    frames.append(
        rows.build(
            "CH_PROT", ev.protection_child[k], p_start[k], rows.org(region.gi),
            category=ev.protection_type[k], end_date=p_end[k],
        )
    )  # fmt: skip
    # the special school the child is placed at holds the record (the samenwerkingsverband
    # that issued the admission is a network, and networks never report a child's record)
    c = ev.placement_child
    frames.append(rows.build("CH_SPED", c, ev.placement_day, rows.org(region.special_school)))
    programme = np.asarray(panel.network_codes + [""])[ev.part_network]
    frames.append(
        rows.build(
            "CH_PART", ev.part_child, ev.part_start, rows.org(plan.wijkteam),
            value=ev.part_hours, end_date=ev.part_end, programme=programme,
        )
    )  # fmt: skip
    return frames
