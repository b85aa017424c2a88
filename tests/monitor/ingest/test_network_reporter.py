"""A network-level figure has one reporter (issue #12, item 8): the network itself, or its
municipality on its behalf; a member school is refused, and the municipality's re-send
supersedes the network's row and is listed as a correction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from monitor import views
from monitor.ingest import ingest_file
from monitor.organisations import get_organisation
from monitor.policy import Principal
from schema import AggregateMeasurement
from tests.monitor.ingest.helpers import write_aggregate

ROW = {"organisation": "NW-OOST", "indicator": "NW_CHILDREN", "period": "2024-H1"}
ADMIN = Principal(user_id=None, username="test", roles=frozenset({("admin", None)}))


def _rows(session) -> list[AggregateMeasurement]:  # noqa: ANN001
    session.expire_all()  # the ingest writes with Core: reread, not the identity map
    return list(session.exec(select(AggregateMeasurement).order_by(AggregateMeasurement.id)))


def test_member_school_may_not_send_the_networks_figure(orgs, tmp_path):
    first = write_aggregate(tmp_path / "netwerk.csv", [{**ROW, "value": "800"}])
    assert ingest_file(orgs, first, organisation_code="NW-OOST").status == "accepted"
    school = write_aggregate(tmp_path / "school.csv", [{**ROW, "value": "950"}])
    report = ingest_file(orgs, school, organisation_code="SCH-01")
    assert report.status == "rejected"
    [problem] = report.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "school.csv", 2, "organisation", "NW-OOST",
    )  # fmt: skip
    assert "SCH-01 (school) may not report network-level figures about NW-OOST" in problem.reason
    assert "by the network itself or by its municipality" in problem.reason
    [stored] = _rows(orgs)
    assert (stored.value, stored.superseded_at) == (800.0, None)


def test_municipalitys_resend_supersedes_the_networks_row(orgs, tmp_path, exact_figures):
    network, municipality = get_organisation(orgs, "NW-OOST"), get_organisation(orgs, "GM0363")
    before = datetime.now(UTC)
    first = write_aggregate(tmp_path / "netwerk.csv", [{**ROW, "value": "800"}])
    assert ingest_file(orgs, first, organisation_code="NW-OOST").status == "accepted"
    fix = write_aggregate(tmp_path / "gemeente.csv", [{**ROW, "value": "812"}])
    report = ingest_file(orgs, fix, organisation_code="GM0363")
    assert report.status == "accepted" and report.rows_superseded == 1
    old, new = _rows(orgs)
    assert (old.value, old.reporting_org_id) == (800.0, network.id)
    assert old.superseded_at is not None and old.superseded_by_id == new.id
    assert (new.value, new.reporting_org_id, new.superseded_at) == (812.0, municipality.id, None)
    corrections = views.corrections(orgs, ADMIN, organisation_codes=["NW-OOST"], since=before)
    columns = ("indicator_code", "period_code", "old_value", "new_value", "corrected_by")
    assert corrections.select(columns).rows() == [
        ("NW_CHILDREN", "2024-H1", 800.0, 812.0, "GM0363")  # who: the municipality
    ]
    # the same figure sent again by the network: unchanged, nothing stored
    again = write_aggregate(tmp_path / "netwerk2.csv", [{**ROW, "value": "812"}])
    assert ingest_file(orgs, again, organisation_code="NW-OOST").rows_unchanged == 1
    assert len(_rows(orgs)) == 2
