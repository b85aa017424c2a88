"""Completeness of reporting, rules between indicators and outlier flags (warnings only)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
from sqlmodel import select

from monitor.ingest import completeness, ingest_file, outliers, rule_violations
from monitor.organisations import get_organisation
from schema import AggregateMeasurement, ReportingObligation, Submission
from tests.monitor.ingest.helpers import write_aggregate


def _figures(*rows: tuple[int, str, str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        [(org, ind, cat, date(2024, 1, 1), "registered", value) for org, ind, cat, value in rows],
        schema=["organisation_id", "indicator", "category", "period_start", "source_kind", "value"],
        orient="row",
    )


def test_rule_violations_sum_categories_or_use_the_total():
    figures = _figures(
        (1, "NW_CHILDREN", "", 100), (1, "NW_REF", "huisarts", 80), (1, "NW_REF", "jeugdarts", 30),
        (2, "MU_CARE", "ambulant", 25), (2, "MU_CARE", "pleegzorg", 15), (2, "MU_CARE_RES", "", 50),
        (3, "MU_CARE", "", 60), (3, "MU_CARE", "ambulant", 20), (3, "MU_CARE_RES", "", 50),
        (4, "MU_YOUTH", "", 1000), (4, "MU_CARE", "", 999),
    )  # fmt: skip
    found = rule_violations(figures).sort("organisation_id")
    assert found.select("organisation_id", "part", "whole", "part_total", "whole_total").rows() == [
        (1, "NW_REF", "NW_CHILDREN", 110.0, 100.0),
        (2, "MU_CARE_RES", "MU_CARE", 50.0, 40.0),
    ]


def test_rule_warnings_never_reject(orgs, tmp_path):
    base = {"organisation": "NW-OOST", "period": "2024-H1"}
    first = [{**base, "indicator": "NW_CHILDREN", "value": "100"}]
    assert ingest_file(orgs, write_aggregate(tmp_path / "a.csv", first),
                       organisation_code="NW-OOST").warnings == []  # fmt: skip
    refs = [
        {**base, "indicator": "NW_REF", "category": "huisarts", "value": "80"},
        {**base, "indicator": "NW_REF", "category": "jeugdarts", "value": "30"},
    ]
    report = ingest_file(
        orgs, write_aggregate(tmp_path / "b.csv", refs), organisation_code="NW-OOST"
    )
    assert report.status == "accepted"
    assert [(w.row, w.severity) for w in report.warnings] == [(2, "warning")]
    reason = report.warnings[0].reason
    assert "NW_REF is groter dan NW_CHILDREN" in reason
    assert "100" not in reason and "110" not in reason  # no stored figure quoted
    assert len(orgs.exec(select(AggregateMeasurement)).all()) == 3


def test_outliers_against_own_history():
    history = pl.DataFrame(
        [(1, "NW_REFLECT", "", date(2021 + i // 2, 1 + 6 * (i % 2), 1), "registered", v)
         for i, v in enumerate([2, 3, 2, 2, 3, 2])]
        + [(2, "NW_CONSULT", "", date(2021 + i // 2, 1 + 6 * (i % 2), 1), "registered", v)
           for i, v in enumerate([100, 110, 95, 105, 98, 102])],
        schema=["organisation_id", "indicator", "category", "period_start", "source_kind", "value"],
        orient="row",
    )  # fmt: skip
    new = pl.DataFrame(
        [(1, "NW_REFLECT", "", date(2024, 1, 1), "registered", v, 2 + i)
         for i, v in enumerate([15.0, 4.0, 0.0])]
        + [(2, "NW_CONSULT", "", date(2024, 1, 1), "registered", v, 5 + i)
           for i, v in enumerate([160.0, 104.0])],
        schema=["organisation_id", "indicator", "category", "period_start", "source_kind", "value",
                "_row"],
        orient="row",
    )  # fmt: skip
    flagged = outliers(new, history)
    assert sorted(flagged["_row"].to_list()) == [2, 5]
    # too little history: no judgement
    assert outliers(new, history.head(3)).height == 0


def test_outlier_warning_in_a_batch(orgs, tmp_path):
    base = {"organisation": "NW-OOST", "indicator": "NW_REFLECT"}
    history = [
        {**base, "period": p, "value": v}
        for p, v in zip(
            ["2021-H1", "2021-H2", "2022-H1", "2022-H2", "2023-H1"], "23223", strict=True
        )
    ]
    ingest_file(orgs, write_aggregate(tmp_path / "a.csv", history), organisation_code="NW-OOST")
    report = ingest_file(
        orgs,
        write_aggregate(tmp_path / "b.csv", [{**base, "period": "2023-H2", "value": "14"}]),
        organisation_code="NW-OOST",
    )
    assert report.status == "accepted"
    assert "ongebruikelijke waarde voor NW_REFLECT" in report.warnings[0].reason


def _set_received(session, submission_id: int, when: datetime) -> None:
    submission = session.get(Submission, submission_id)
    submission.received_at = when
    session.add(submission)
    session.commit()


def test_completeness(orgs, tmp_path):
    network = get_organisation(orgs, "NW-OOST")
    orgs.add(ReportingObligation(organisation_id=network.id, indicator_code="NW_CHILDREN",
                                 valid_from=date(2023, 1, 1), due_days=60))  # fmt: skip
    orgs.commit()
    row = {"organisation": "NW-OOST", "indicator": "NW_CHILDREN"}
    for name, period, value, received in (
        ("a.csv", "2023-H1", "100", datetime(2023, 8, 15, tzinfo=UTC)),  # due 2023-08-29
        ("b.csv", "2023-H2", "110", datetime(2024, 3, 15, tzinfo=UTC)),  # due 2024-02-29
    ):
        path = write_aggregate(tmp_path / name, [{**row, "period": period, "value": value}])
        report = ingest_file(orgs, path, organisation_code="NW-OOST")
        _set_received(orgs, report.submission_id, received)
    # a later correction does not make an on-time figure late
    fix = write_aggregate(tmp_path / "c.csv", [{**row, "period": "2023-H1", "value": "101"}])
    assert ingest_file(orgs, fix, organisation_code="NW-OOST").rows_superseded == 1
    result = completeness(
        orgs, indicator_code="NW_CHILDREN",
        periods=["2022-H2", "2023-H1", "2023-H2", "2024-H1", "2099-H1"],
    )  # fmt: skip
    assert result.select("organisation", "period", "status").rows() == [
        ("NW-OOST", "2022-H2", "not_expected"),
        ("NW-OOST", "2023-H1", "on_time"),
        ("NW-OOST", "2023-H2", "late"),
        ("NW-OOST", "2024-H1", "missing"),
        ("NW-OOST", "2099-H1", "open"),
    ]
    assert result["on_time"].sum() == 1 and result["late"].sum() == 1
    assert result["missing"].sum() == 1
    assert str(result["due_date"][1]) == "2023-08-29"
    assert completeness(orgs, indicator_code="NW_CHILDREN", periods=["2023-H1"],
                        organisation_codes=["GM0363"]).height == 0  # fmt: skip
