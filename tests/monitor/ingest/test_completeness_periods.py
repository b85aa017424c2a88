"""Completeness judges each obligation on its indicator's own period type and on the first
receipt against the due date (issue #11, defect 4). Expected values written by hand from
the data below: due = end of the indicator's period + due_days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from monitor import views
from monitor.ingest import completeness, ingest_file
from monitor.ingest.quality import obligation_periods
from monitor.organisations import get_organisation
from monitor.policy import Principal
from schema import ReportingObligation, Submission
from tests.monitor.ingest.helpers import write_aggregate

ADMIN = Principal(user_id=None, username="test", roles=frozenset({("admin", None)}))


def _send(session: Session, tmp_path, reporter: str, row: dict, received: datetime) -> None:  # noqa: ANN001
    name = f"{reporter}-{row['indicator']}-{row['period']}.csv"
    report = ingest_file(
        session, write_aggregate(tmp_path / name, [row]), organisation_code=reporter
    )
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    submission = session.get(Submission, report.submission_id)
    submission.received_at = received
    session.add(submission)
    session.commit()


@pytest.fixture
def reported(orgs: Session, tmp_path) -> Session:  # noqa: ANN001
    """NW-OOST must send NW_CHILDREN (half-yearly, 60 days) and NW_DENS (yearly, 90 days)."""
    network = get_organisation(orgs, "NW-OOST")
    for code, due in (("NW_CHILDREN", 60), ("NW_DENS", 90)):
        orgs.add(ReportingObligation(organisation_id=network.id, indicator_code=code,
                                     valid_from=date(2023, 1, 1), due_days=due))  # fmt: skip
    orgs.commit()
    children = {"organisation": "NW-OOST", "indicator": "NW_CHILDREN"}
    for reporter, period, received in (
        ("NW-OOST", "2023-H1", datetime(2023, 8, 15, tzinfo=UTC)),  # due 2023-08-29
        ("NW-OOST", "2023-H2", datetime(2024, 2, 29, 23, 0, tzinfo=UTC)),  # due 2024-02-29
        ("GM0363", "2024-H1", datetime(2024, 8, 1, tzinfo=UTC)),  # on behalf; due 2024-08-29
        ("NW-OOST", "2024-H2", datetime(2025, 3, 2, tzinfo=UTC)),  # due 2025-03-01: late
    ):
        _send(orgs, tmp_path, reporter, {**children, "period": period, "value": "800"}, received)
    dens = {"organisation": "NW-OOST", "indicator": "NW_DENS", "value": "0.4"}
    _send(orgs, tmp_path, "NW-OOST", {**dens, "period": "2023"},
          datetime(2024, 3, 30, tzinfo=UTC))  # fmt: skip  # due 2024-03-30
    return orgs


def test_obligation_periods_follow_the_indicator():
    assert [p.code for p in obligation_periods(["2024-H2", "2024-H1"], "year")] == ["2024"]
    assert [p.code for p in obligation_periods(["2024"], "half_year")] == ["2024-H1", "2024-H2"]
    assert [p.code for p in obligation_periods(["2024-H1"], "quarter")] == ["2024-Q1", "2024-Q2"]
    assert [p.code for p in obligation_periods(["2024-H1"], "event")] == ["2024-H1"]


def test_yearly_indicator_asked_in_half_years_is_judged_on_the_year(reported):
    result = completeness(reported, indicator_code="NW_DENS", periods=["2023-H2", "2023-H1"])
    assert result.select("organisation", "period", "status").rows() == [
        ("NW-OOST", "2023", "on_time")
    ]
    assert str(result["due_date"][0]) == "2024-03-30"
    later = completeness(reported, indicator_code="NW_DENS", periods=["2024-H1"])
    assert later.select("period", "status").rows() == [("2024", "missing")]  # due 2025-03-31


def test_half_yearly_indicator_asked_in_a_year_is_judged_on_both_halves(reported):
    result = completeness(reported, indicator_code="NW_CHILDREN", periods=["2023", "2024"])
    assert result.select("period", "due_date", "status").rows() == [
        ("2023-H1", date(2023, 8, 29), "on_time"),
        ("2023-H2", date(2024, 2, 29), "on_time"),
        ("2024-H1", date(2024, 8, 29), "on_time"),  # the municipality on the network's behalf
        ("2024-H2", date(2025, 3, 1), "late"),
    ]


def test_partner_completeness_counts_each_obligation_once(reported):
    table = views.partner_completeness(
        reported, ADMIN, organisation_code="NW-OOST", period_codes=["2023-H2", "2023-H1"]
    )
    assert table.select("indicator_code", "expected", "on_time", "late", "missing").rows() == [
        ("NW_CHILDREN", 2, 2, 0, 0),
        ("NW_DENS", 1, 1, 0, 0),
    ]
    assert table["periods"].to_list() == ["2023-H1, 2023-H2", "2023"]
