"""Exposure to a school-level programme (:mod:`analysis.prepare.programme`), counted by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analysis.prepare import growth_frame, programme_schools
from monitor.errors import ModelFitError
from tests.analysis.test_prepare import frame, measurement

MEMBERSHIPS = pl.DataFrame(
    {
        "network": ["NW-A", "NW-A", "NW-B", "NW-C"],
        "member": ["SCH1", "SCH2", "SCH3", "SCH4"],
        "from": ["2021-01-01", "2022-06-01", "2021-01-01", "2021-01-01"],
        "to": ["", "2023-02-01", "", ""],
    }
)
STARTS = {"NW-A": date(2022, 3, 1), "NW-B": "2024-01-01"}  # NW-C never starts


def test_programme_schools_start_at_the_later_of_joining_and_the_start() -> None:
    periods = programme_schools(MEMBERSHIPS, STARTS)
    assert periods.to_dicts() == [
        {"school": "SCH1", "network": "NW-A", "from": date(2022, 3, 1), "to": None},
        {"school": "SCH2", "network": "NW-A", "from": date(2022, 6, 1), "to": date(2023, 2, 1)},
        {"school": "SCH3", "network": "NW-B", "from": date(2024, 1, 1), "to": None},
    ]


def _at(child: str, school: str, day: str, code: str = "CH_ABS", value: float = 3.0) -> dict:
    row = measurement(child, code, day, value)
    row["reporting_org_code"] = school
    return row


def test_programme_years_count_months_at_a_started_school() -> None:
    """Child k1 is at SCH1 (started March 2022) Jan-Jul 2022, then at SCH4 (never
    started); child k2 at SCH2, which joins NW-A in June 2022 and leaves in February 2023.
    Months are counted up to and including the measurement's month, by hand:

    - k1, May 2022: March, April, May = 3 months; May 2023: March-July 2022 = 5 months
    - k2, May 2022: 0 (SCH2 not yet a member); May 2023: June 2022 - January 2023 = 8
    """
    rows = []
    for month in range(1, 13):
        rows.append(_at("k1", "SCH1" if month <= 7 else "SCH4", f"2022-{month:02d}-01"))
        rows.append(_at("k2", "SCH2", f"2022-{month:02d}-01"))
    for month in range(1, 6):
        rows.append(_at("k1", "SCH4", f"2023-{month:02d}-01"))
        rows.append(_at("k2", "SCH2", f"2023-{month:02d}-01"))
    for child, school in (("k1", "SCH1"), ("k2", "SCH2")):
        rows.append(_at(child, school, "2022-05-20", "CH_SEM", 50.0))
    rows.append(_at("k1", "SCH4", "2023-05-20", "CH_SEM", 52.0))
    rows.append(_at("k2", "SCH2", "2023-05-20", "CH_SEM", 52.0))
    g = growth_frame(frame(rows), "CH_SEM", programme=programme_schools(MEMBERSHIPS, STARTS))
    got = {(r["child_id"], r["observed_on"].year): r["programme_years"] for r in g.to_dicts()}
    assert got == pytest.approx(
        {("k1", 2022): 3 / 12, ("k1", 2023): 5 / 12, ("k2", 2022): 0.0, ("k2", 2023): 8 / 12}
    )
    may_2022 = (date(2022, 5, 20) - date(2000, 1, 1)).days / 365.25
    assert g.sort("observed_on")["calendar_years"][0] == pytest.approx(may_2022)


def test_programme_exposure_needs_the_attendance_rows() -> None:
    rows = frame([_at("k1", "SCH1", "2022-05-20", "CH_SEM", 50.0)])
    with pytest.raises(ModelFitError, match="attendance indicator 'CH_ABS'"):
        growth_frame(rows, "CH_SEM", programme=programme_schools(MEMBERSHIPS, STARTS))
