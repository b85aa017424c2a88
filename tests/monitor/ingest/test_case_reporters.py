"""Case rows are reported by the partner that holds them (issue #11, defect 6): a network,
a samenwerkingsverband or a municipality is refused as the reporter on every channel."""

from __future__ import annotations

import polars as pl
import pytest
from sqlmodel import func, select

from monitor.ingest import ingest_file, ingest_frame
from schema import CaseMeasurement, Child, Submission
from tests.monitor.ingest.helpers import case_row, write_case


def _stored(session) -> tuple[int, int]:  # noqa: ANN001
    return (
        session.exec(select(func.count()).select_from(CaseMeasurement)).one(),
        session.exec(select(func.count()).select_from(Child)).one(),
    )


@pytest.mark.parametrize(
    ("reporter", "kind"),
    [("NW-OOST", "network"), ("NW-WEST", "samenwerkingsverband"), ("GM0363", "municipality")],
)
def test_network_or_municipality_may_not_report_case_rows(orgs, tmp_path, reporter, kind):
    path = write_case(tmp_path / "kinderen.csv", [case_row(), case_row(date="2024-04-30")])
    report = ingest_file(orgs, path, organisation_code=reporter, accept_valid=True)
    assert report.status == "rejected"
    [problem] = report.problems
    assert (problem.file, problem.row, problem.value) == ("kinderen.csv", None, reporter)
    assert f"{reporter} is een {kind}: gegevens per kind levert de partner" in problem.reason
    assert "case-level rows are sent by the partner that serves the child" in problem.reason
    assert _stored(orgs) == (0, 0)
    assert orgs.exec(select(Submission.status)).all() == ["rejected"]


def test_api_rows_of_a_network_are_refused(orgs):
    frame = pl.DataFrame([case_row()])
    report = ingest_frame(orgs, frame, file_name="rows", organisation_code="NW-OOST", shape="case")
    assert report.status == "rejected" and "is een network" in report.problems[0].reason
    assert _stored(orgs) == (0, 0)


def test_cli_refuses_case_rows_with_a_network_as_org(orgs, cli, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row()])
    code, out, err = cli("ingest", str(path), "--org", "NW-OOST")
    assert code != 0 and "rejected" in out
    assert "NW-OOST is een network" in " ".join(err.split())
    orgs.rollback()
    assert _stored(orgs) == (0, 0)


def test_the_partner_itself_may(orgs, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row()])
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "accepted"
    assert _stored(orgs) == (1, 1)
