"""Period codes: ISO-like and CBS StatLine forms map to the same canonical period."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.periods import parse_period, period_containing, periods_between
from schema.base import PeriodType


@pytest.mark.parametrize(
    ("text", "code", "start", "end"),
    [
        ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024JJ00", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-H1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024HJ02", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024-Q2", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024KW02", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024-03", "2024-03", date(2024, 3, 1), date(2024, 3, 31)),
        ("2024MM02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (" 2023-q4 ", "2023-Q4", date(2023, 10, 1), date(2023, 12, 31)),
    ],
)
def test_parse(text, code, start, end):
    period = parse_period(text)
    assert (period.code, period.start, period.end) == (code, start, end)


@pytest.mark.parametrize("text", ["2024-H3", "2024KW05", "2024-13", "24", "H1 2024", ""])
def test_bad_periods_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="2024-H1"):
        parse_period(text)


def test_containing_and_between():
    assert period_containing(date(2024, 8, 15), PeriodType.HALF_YEAR).code == "2024-H2"
    codes = [
        p.code for p in periods_between(date(2023, 5, 1), date(2024, 2, 1), PeriodType.HALF_YEAR)
    ]
    assert codes == ["2023-H1", "2023-H2", "2024-H1"]
    assert parse_period("2024-H2").label_nl == "2e halfjaar 2024"
