"""A row's source kind must be the catalogue's kind of its indicator (issue #11, defect 5):
a ``survey`` row of a ``registered`` indicator would start a phantom survey series."""

from __future__ import annotations

import polars as pl
from sqlmodel import func, select

from monitor.ingest import ingest_file, ingest_frame
from schema import AggregateMeasurement, CaseMeasurement
from tests.monitor.ingest.helpers import case_row, write_aggregate, write_case

NW = {"organisation": "NW-OOST", "indicator": "NW_CHILDREN", "period": "2024-H1", "value": "800"}


def _count(session, table) -> int:  # noqa: ANN001
    return session.exec(select(func.count()).select_from(table)).one()


def test_aggregate_file_row_of_another_source_kind_is_refused(orgs, tmp_path):
    rows = [NW, {**NW, "period": "2023-H2", "source_kind": "survey"}]
    report = ingest_file(
        orgs, write_aggregate(tmp_path / "a.csv", rows), organisation_code="NW-OOST"
    )
    assert report.status == "rejected"
    [problem] = report.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "a.csv", 3, "source_kind", "survey",
    )  # fmt: skip
    assert "registers NW_CHILDREN with source kind registered, not survey" in problem.reason
    assert _count(orgs, AggregateMeasurement) == 0


def test_matching_or_empty_source_kind_is_accepted(orgs, tmp_path):
    rows = [NW, {**NW, "period": "2023-H2", "source_kind": "registered"}]
    report = ingest_file(
        orgs, write_aggregate(tmp_path / "a.csv", rows), organisation_code="NW-OOST"
    )
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    kinds = orgs.exec(select(AggregateMeasurement.source_kind)).all()
    assert kinds == ["registered", "registered"]


def test_case_row_of_another_source_kind_is_refused(orgs, tmp_path):
    rows = [case_row(), case_row(indicator="CH_COG", value="101", source_kind="registered")]
    report = ingest_file(orgs, write_case(tmp_path / "c.csv", rows), organisation_code="SCH-01")
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(3, "source_kind")]
    assert "registers CH_COG with source kind observed, not registered" in report.problems[0].reason
    assert _count(orgs, CaseMeasurement) == 0


def test_api_rows_of_another_source_kind_are_refused(orgs):
    """The API and the dashboard form hand rows to ingest_frame: the same rule holds."""
    frame = pl.DataFrame([{**NW, "source_kind": "survey"}])
    report = ingest_frame(orgs, frame, file_name="rows", organisation_code="NW-OOST")
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(2, "source_kind")]
    assert _count(orgs, AggregateMeasurement) == 0
