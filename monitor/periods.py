"""Reporting periods: parse the codes partners use into a canonical :class:`Period`.

Accepted: ``2024`` / ``2024JJ00`` (year), ``2024-H1`` / ``2024HJ01`` (half-year),
``2024-Q2`` / ``2024KW02`` (quarter), ``2024-03`` / ``2024MM03`` (month). The CBS StatLine
forms are the ones used in StatLine's ``Perioden`` column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from schema.base import PeriodType

_PATTERNS: list[tuple[re.Pattern[str], PeriodType]] = [
    (re.compile(r"^(\d{4})$"), PeriodType.YEAR),
    (re.compile(r"^(\d{4})JJ00$"), PeriodType.YEAR),
    (re.compile(r"^(\d{4})-?H([12])$"), PeriodType.HALF_YEAR),
    (re.compile(r"^(\d{4})HJ0([12])$"), PeriodType.HALF_YEAR),
    (re.compile(r"^(\d{4})-?Q([1-4])$"), PeriodType.QUARTER),
    (re.compile(r"^(\d{4})KW0([1-4])$"), PeriodType.QUARTER),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), PeriodType.MONTH),
    (re.compile(r"^(\d{4})MM(0[1-9]|1[0-2])$"), PeriodType.MONTH),
]

_MONTHS_PER = {
    PeriodType.YEAR: 12,
    PeriodType.HALF_YEAR: 6,
    PeriodType.QUARTER: 3,
    PeriodType.MONTH: 1,
}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: its type, first and last day, and canonical code (e.g. ``2024-H1``)."""

    start: date
    end: date
    type: PeriodType
    code: str

    @property
    def label_nl(self) -> str:
        """Dutch label: ``2024``, ``1e halfjaar 2024``, ``2e kwartaal 2024``, ``mrt 2024``."""
        return _label(self, "nl")

    @property
    def label_en(self) -> str:
        """English label: ``2024``, ``H1 2024``, ``Q2 2024``, ``Mar 2024``."""
        return _label(self, "en")

    def next(self) -> Period:
        """The period of the same type that follows this one."""
        return period_containing(self.end + timedelta(days=1), self.type)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def make_period(year: int, index: int, period_type: PeriodType) -> Period:
    """Build the ``index``-th (1-based) period of ``period_type`` in ``year``."""
    if period_type not in _MONTHS_PER:
        raise ValueError(f"{period_type} is not a calendar period type")
    months = _MONTHS_PER[period_type]
    first_month = (index - 1) * months + 1
    start = date(year, first_month, 1)
    end_year, end_month = _add_months(year, first_month, months)
    end = date(end_year, end_month, 1) - timedelta(days=1)
    code = {
        PeriodType.YEAR: f"{year}",
        PeriodType.HALF_YEAR: f"{year}-H{index}",
        PeriodType.QUARTER: f"{year}-Q{index}",
        PeriodType.MONTH: f"{year}-{index:02d}",
    }[period_type]
    return Period(start=start, end=end, type=period_type, code=code)


def parse_period(text: str) -> Period:
    """Parse a period code; raises ``ValueError`` with the accepted forms if it is not one."""
    cleaned = str(text).strip().upper()
    for pattern, period_type in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            year = int(match.group(1))
            index = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
            if not 1900 <= year <= 2200:
                break
            return make_period(year, index, period_type)
    raise ValueError(
        f"{text!r} is not a period; use 2024, 2024-H1, 2024-Q2, 2024-03 "
        "or CBS codes 2024JJ00, 2024HJ01, 2024KW02, 2024MM03"
    )


def period_containing(day: date, period_type: PeriodType) -> Period:
    """The period of ``period_type`` that contains ``day``."""
    months = _MONTHS_PER[period_type]
    return make_period(day.year, (day.month - 1) // months + 1, period_type)


def periods_between(first: date, last: date, period_type: PeriodType) -> list[Period]:
    """All periods of ``period_type`` overlapping ``first``..``last``, in order."""
    result: list[Period] = []
    current = period_containing(first, period_type)
    while current.start <= last:
        result.append(current)
        current = current.next()
    return result


_MONTH_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
_MONTH_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _label(period: Period, language: str) -> str:
    year = period.start.year
    if period.type is PeriodType.YEAR:
        return str(year)
    if period.type is PeriodType.HALF_YEAR:
        half = 1 if period.start.month == 1 else 2
        return f"{half}e halfjaar {year}" if language == "nl" else f"H{half} {year}"
    if period.type is PeriodType.QUARTER:
        quarter = (period.start.month - 1) // 3 + 1
        return f"{quarter}e kwartaal {year}" if language == "nl" else f"Q{quarter} {year}"
    names = _MONTH_NL if language == "nl" else _MONTH_EN
    return f"{names[period.start.month - 1]} {year}"
