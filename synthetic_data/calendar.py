"""Month indexes of the simulation (0 = January 2019) and the periods written to the files."""

from __future__ import annotations

from datetime import date

import numpy as np

from monitor.periods import Period, parse_period
from synthetic_data.config import FIRST_OUTPUT_MONTH, N_HALF_YEARS, N_MONTHS, SIM_START_YEAR

EPOCH = np.datetime64(f"{SIM_START_YEAR}-01", "M")
#: First day of each simulated month, as datetime64[D].
MONTH_START = (EPOCH + np.arange(N_MONTHS + 1)).astype("datetime64[D]")
DAYS_IN_MONTH = (MONTH_START[1:] - MONTH_START[:-1]).astype(np.int64)
MONTH_START = MONTH_START[:-1]
#: Calendar month (1-12) of each simulated month.
CALENDAR_MONTH = np.arange(N_MONTHS) % 12 + 1
WINDOW_FIRST_DAY = MONTH_START[FIRST_OUTPUT_MONTH]
WINDOW_LAST_DAY = MONTH_START[-1] + DAYS_IN_MONTH[-1] - 1


def month_index(day: date | str) -> int:
    """Month index of a date (or ISO date string) on the simulation's clock."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return (day.year - SIM_START_YEAR) * 12 + day.month - 1


def month_date(index: int) -> str:
    """ISO date of the first day of month ``index``."""
    year, month = divmod(index, 12)
    return f"{SIM_START_YEAR + year:04d}-{month + 1:02d}-01"


def month_code(index: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` strings for (possibly negative) month indexes."""
    year, month = np.divmod(index, 12)
    return np.char.add(
        np.char.add((SIM_START_YEAR + year).astype(str), "-"),
        np.char.zfill((month + 1).astype(str), 2),
    )


def half_years() -> list[Period]:
    """The half-year periods of the window, in order (2021-H1 first)."""
    first_year = SIM_START_YEAR + FIRST_OUTPUT_MONTH // 12
    return [parse_period(f"{first_year + p // 2}-H{p % 2 + 1}") for p in range(N_HALF_YEARS)]


def years() -> list[Period]:
    """The calendar-year periods of the window."""
    first_year = SIM_START_YEAR + FIRST_OUTPUT_MONTH // 12
    return [parse_period(f"{first_year + y}") for y in range(N_HALF_YEARS // 2)]


def half_year_months(p: int) -> range:
    """Month indexes of half-year ``p`` (0 = 2021-H1)."""
    first = FIRST_OUTPUT_MONTH + 6 * p
    return range(first, first + 6)
