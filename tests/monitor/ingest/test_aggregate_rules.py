"""Every rule of the aggregate format, and who may report what about whom."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from monitor.ingest import ingest_file
from schema import AggregateMeasurement
from tests.monitor.ingest.helpers import write_aggregate

GOOD = {"organisation": "NW-OOST", "indicator": "NW_CHILDREN", "period": "2024-H1", "value": "800"}

BAD_ROWS = [
    ({"organisation": "NW-NOPE"}, "organisation", "unknown organisation"),
    ({"organisation": ""}, "organisation", "organisation is required"),
    ({"organisation": "GM0363"}, "organisation", "a network-level indicator is about a network"),
    ({"indicator": "MU_YOUTH"}, "organisation", "municipality-level indicator is about a"),
    ({"indicator": "NW_REF_RATE", "value": "12"}, "indicator", "send NW_REF and NW_CHILDREN"),
    ({"indicator": "CH_ABS", "value": "3"}, "indicator", "case-level indicator"),
    ({"indicator": "NW_XX"}, "indicator", "unknown indicator"),
    ({"period": "2024-H3"}, "period", "not a period"),
    ({"period": ""}, "period", "period is required"),
    ({"period": "2024-Q1"}, "period", "reported per half_year, not per quarter"),
    ({"period": "2099-H1"}, "period", "future"),
    ({"period": "2010-H1"}, "indicator", "no version of this indicator is valid"),
    ({"value": ""}, "value", "a value is required"),
    ({"value": "2.5"}, "value", "whole number"),
    ({"value": "-1"}, "value", "whole number"),
    ({"value": "veel"}, "value", "not a number"),
    ({"indicator": "NW_DENS", "period": "2024", "value": "1.5"}, "value", "range 0 to 1"),
    ({"indicator": "NW_GOAL", "value": "", "numerator": "5", "denominator": "4"}, "numerator",
     "larger than the denominator"),
    ({"indicator": "NW_GOAL", "value": "", "numerator": "5"}, "denominator", "needs a denominator"),
    ({"indicator": "NW_GOAL", "value": "", "denominator": "5"}, "numerator", "needs a numerator"),
    ({"indicator": "NW_GOAL", "value": "", "numerator": "0", "denominator": "0"}, "denominator",
     "more than 0"),
    ({"indicator": "NW_REF", "category": "bakker"}, "category", "not in category list referrer"),
    ({"category": "huisarts"}, "category", "has no categories"),
    ({"indicator": "NW_FORM", "period": "2024", "value": ""}, "category", "is required"),
    ({"indicator": "NW_FORM", "period": "2024", "value": "1", "category": "cooperatie"}, "value",
     "takes no value"),
    ({"source_kind": "rumour"}, "source_kind", "unknown source kind"),
    ({"period": "2024HJ01"}, "period", "duplicate of row 2"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "column", "reason"), BAD_ROWS)
def test_bad_row_is_reported_and_nothing_stored(orgs, tmp_path, change, column, reason):
    path = write_aggregate(tmp_path / "in.csv", [GOOD, {**GOOD, **change}])
    report = ingest_file(orgs, path, organisation_code="NW-OOST")
    assert report.status == "rejected"
    found = [(p.row, p.column) for p in report.problems if reason in p.reason]
    assert (3, column) in found, [p.as_text() for p in report.problems]
    assert all(p.row == 3 for p in report.problems), [p.as_text() for p in report.problems]
    assert orgs.exec(select(func.count()).select_from(AggregateMeasurement)).one() == 0


PERMISSIONS = [
    ("NW-OOST", {"organisation": "NW-OOST"}, True),  # a network about itself
    ("SCH-01", {"organisation": "NW-OOST"}, False),  # a member partner: one reporter
    ("SCH-01", {"organisation": "NW-WEST", "period": "2021-H1"}, False),  # member then
    ("SCH-01", {"organisation": "NW-WEST"}, False),  # membership ended 2022
    ("JH-01", {"organisation": "NW-OOST"}, False),  # not a member
    ("GM0363", {"organisation": "NW-OOST"}, True),  # network in the municipality
    ("GM0599", {"organisation": "NW-OOST"}, False),  # network elsewhere
    ("NW-WEST", {"organisation": "NW-OOST"}, False),  # another network
    ("GM0363", {"organisation": "GM0363", "indicator": "MU_YOUTH", "value": "90000"}, True),
    ("GM0599", {"organisation": "GM0363", "indicator": "MU_YOUTH", "value": "90000"}, False),
    ("NW-OOST", {"organisation": "GM0363", "indicator": "MU_YOUTH", "value": "90000"}, False),
    ("SCH-01", {"organisation": "GM0363", "indicator": "MU_YOUTH", "value": "90000"}, False),
]


@pytest.mark.parametrize(("reporter", "change", "allowed"), PERMISSIONS)
def test_who_may_report_what(orgs, tmp_path, reporter, change, allowed):
    path = write_aggregate(tmp_path / "in.csv", [{**GOOD, **change}])
    report = ingest_file(orgs, path, organisation_code=reporter)
    assert report.ok is allowed, [p.as_text() for p in report.problems]
    if not allowed:
        assert report.problems[0].column == "organisation"
        assert "may not report" in report.problems[0].reason


def test_values_stored_with_canonical_periods(orgs, tmp_path):
    rows = [
        {**GOOD, "period": "2024HJ01"},
        {**GOOD, "indicator": "NW_REF", "value": "12", "category": "huisarts"},
        {**GOOD, "indicator": "NW_GOAL", "value": "", "numerator": "3", "denominator": "4"},
        {**GOOD, "indicator": "NW_DENS", "period": "2024JJ00", "value": "0,25"},
        {**GOOD, "indicator": "NW_FORM", "period": "2024", "value": "", "category": "coordinatie"},
    ]
    report = ingest_file(
        orgs, write_aggregate(tmp_path / "in.csv", rows), organisation_code="NW-OOST"
    )
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    stored = orgs.exec(select(AggregateMeasurement).order_by(AggregateMeasurement.id)).all()
    assert [(m.period_code, m.value, m.category) for m in stored] == [
        ("2024-H1", 800.0, ""),
        ("2024-H1", 12.0, "huisarts"),
        ("2024-H1", 75.0, ""),
        ("2024", 0.25, ""),
        ("2024", None, "coordinatie"),
    ]
    goal = stored[2]
    assert (goal.numerator, goal.denominator) == (3.0, 4.0)
    assert (str(goal.period_start), str(goal.period_end)) == ("2024-01-01", "2024-06-30")
    assert {m.reporting_org_id for m in stored} == {stored[0].organisation_id}
