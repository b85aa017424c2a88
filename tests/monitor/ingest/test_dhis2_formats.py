"""What DHIS2 really exports, in: set-level attributes, extra fields, the lower-case CSV
header, dataValueSets XML and ADX; weekly/daily/financial-year periods refused by name.
Expected values are read off the fixture files by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.ingest import ingest_file
from monitor.ingest.dhis2.xml import adx_period
from monitor.organisations import get_organisation
from monitor.query import stored_aggregates

FIXTURES = Path(__file__).parent / "dhis2_fixtures"
MAPPING = FIXTURES / "mapping.yaml"


def _ingest(session, name):
    report = ingest_file(
        session, FIXTURES / name, organisation_code="NW-OOST", shape="dhis2", dhis2_map=MAPPING
    )
    return report


def _stored(session):
    org = get_organisation(session, "NW-OOST")
    frame = stored_aggregates(
        session, indicator_codes=["NW_CHILDREN", "NW_REF", "NW_DENS"], organisation_ids=[org.id]
    )
    return sorted(
        (r["indicator_code"], r["period_code"], r["category"], r["value"])
        for r in frame.iter_rows(named=True)
    )


def test_adx_periods():
    assert [adx_period(p) for p in (
        "2024-01-01/P1Y", "2024-07-01/P6M", "2024-04-01/P3M", "2024-03-01/P1M",
        "2024-04-01/P1Y", "2024-01-29/P7D", "2024-03-05/P1D",
    )] == ["2024", "2024S2", "2024Q2", "202403", "2024April", "2024W5", "20240305"]  # fmt: skip


@pytest.mark.parametrize("name", ["set_level.json", "value_set.xml"])
def test_set_level_attributes_and_extra_fields(orgs, name):
    report = _ingest(orgs, name)
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    expected = {
        "set_level.json": [
            ("NW_CHILDREN", "2024-H1", "", 812.0),
            ("NW_REF", "2024-H1", "huisarts", 14.0),
            ("NW_REF", "2024-H1", "jeugdarts", 9.0),
        ],
        "value_set.xml": [
            ("NW_CHILDREN", "2024-H1", "", 812.0),
            ("NW_DENS", "2024", "", 0.4),  # the value's own period overrides the set's
            ("NW_REF", "2024-H1", "huisarts", 14.0),
        ],
    }[name]
    assert _stored(orgs) == expected


def test_lower_case_csv_header_with_dhis2_extras(orgs):
    report = _ingest(orgs, "lower_case.csv")
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    assert _stored(orgs) == [
        ("NW_CHILDREN", "2024-H2", "", 790.0),
        ("NW_DENS", "2024", "", 0.45),
        ("NW_REF", "2024-H2", "huisarts", 11.0),
    ]


def test_adx(orgs):
    report = _ingest(orgs, "adx.xml")
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    assert _stored(orgs) == [
        ("NW_CHILDREN", "2024-H2", "", 790.0),
        ("NW_DENS", "2024", "", 0.45),
        ("NW_REF", "2024-H2", "huisarts", 11.0),
        ("NW_REF", "2024-H2", "jeugdarts", 6.0),
    ]


def test_weekly_daily_and_financial_periods_are_refused_by_line(orgs):
    report = _ingest(orgs, "odd_periods.xml")
    assert report.status == "rejected"
    found = [(p.file, p.row, p.column, p.reason.split(":")[0]) for p in report.problems]
    assert found == [
        ("odd_periods.xml", 3, "period", "weekly period 2024W05"),
        ("odd_periods.xml", 4, "period", "daily period 20240305"),
        ("odd_periods.xml", 5, "period", "financial year 2024April does not start on 1 January"),
    ]
    assert _stored(orgs) == []  # all or nothing: line 6 was fine but nothing is stored


def test_deleted_value_and_two_adx_categories_are_refused(orgs, tmp_path):
    csv = (
        (FIXTURES / "lower_case.csv")
        .read_bytes()
        .decode()
        .replace('"false"\r\n"deNwRef', '"true"\r\n"deNwRef', 1)
    )
    path = tmp_path / "deleted.csv"
    path.write_bytes(csv.encode())
    report = ingest_file(orgs, path, organisation_code="NW-OOST", shape="dhis2", dhis2_map=MAPPING)
    assert [(p.row, p.column) for p in report.problems] == [(2, "deleted")]
    adx = (
        (FIXTURES / "adx.xml")
        .read_text()
        .replace('REFERRER="cocHuisarts"', 'REFERRER="cocHuisarts" SEX="F"')
    )
    path = tmp_path / "two.xml"
    path.write_text(adx)
    report = ingest_file(orgs, path, organisation_code="NW-OOST", shape="dhis2", dhis2_map=MAPPING)
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(5, "REFERRER, SEX")]
