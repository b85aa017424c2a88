"""DHIS2 dataValueSets (JSON and CSV) through the mapping into the aggregate path."""

from __future__ import annotations

import json

import polars as pl
from sqlmodel import select

from monitor.ingest import ingest_file
from monitor.ingest.dhis2 import DEFAULT_MAPPING, load_mapping, period_expr
from schema import AggregateMeasurement

MAPPING = """
pass_through: false
data_elements:
  deNwChild01: NW_CHILDREN
  deNwRef0001: NW_REF
  deNwDens001: NW_DENS
org_units:
  ouOost00001: NW-OOST
category_option_combos:
  HllvX50cXC0: ""
  cocHuisarts: huisarts
"""


def _values(*rows: tuple[str, str, str, str, str]) -> dict:
    return {
        "dataValues": [
            {"dataElement": de, "period": pe, "orgUnit": ou, "categoryOptionCombo": coc,
             "attributeOptionCombo": "HllvX50cXC0", "value": value}
            for de, pe, ou, coc, value in rows
        ]
    }  # fmt: skip


def test_periods_are_converted():
    frame = pl.DataFrame({"p": ["2024S1", "2024S2", "2024Q2", "202403", "2024", "2024W05"]})
    assert frame.select(period_expr("p"))["p"].to_list() == [
        "2024-H1", "2024-H2", "2024-Q2", "2024-03", "2024", "2024W05",
    ]  # fmt: skip


def test_shipped_mapping_is_valid():
    mapping = load_mapping(DEFAULT_MAPPING)
    assert mapping.pass_through and mapping.category_option_combos["HllvX50cXC0"] == ""


def test_json_data_value_set(orgs, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING)
    payload = _values(
        ("deNwChild01", "2024S1", "ouOost00001", "HllvX50cXC0", "800"),
        ("deNwRef0001", "2024S1", "ouOost00001", "cocHuisarts", "12"),
        ("deNwDens001", "2024", "ouOost00001", "HllvX50cXC0", "0.4"),
    )
    path = tmp_path / "values.json"
    path.write_text(json.dumps(payload))
    report = ingest_file(orgs, path, organisation_code="NW-OOST", shape="dhis2", dhis2_map=mapping)
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    stored = orgs.exec(select(AggregateMeasurement).order_by(AggregateMeasurement.id)).all()
    assert [(m.period_code, m.category, m.value) for m in stored] == [
        ("2024-H1", "", 800.0), ("2024-H1", "huisarts", 12.0), ("2024", "", 0.4),
    ]  # fmt: skip


def test_unmapped_and_bad_rows_are_reported_with_dhis2_names(orgs, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING)
    payload = _values(
        ("deNwChild01", "2024S1", "ouOost00001", "HllvX50cXC0", "800"),
        ("deUnknown01", "2024S1", "ouOost00001", "HllvX50cXC0", "1"),
        ("deNwChild01", "2024S1", "ouNowhere01", "HllvX50cXC0", "1"),
        ("deNwRef0001", "2024S1", "ouOost00001", "cocUnknown1", "1"),
        ("deNwChild01", "2024W05", "ouOost00001", "HllvX50cXC0", "1"),
        ("deNwChild01", "2024Q1", "ouOost00001", "HllvX50cXC0", "1"),
    )
    path = tmp_path / "values.json"
    path.write_text(json.dumps(payload))
    report = ingest_file(orgs, path, organisation_code="NW-OOST", shape="dhis2", dhis2_map=mapping)
    assert report.status == "rejected"
    found = {(p.row, p.column) for p in report.problems}
    assert {(3, "dataElement"), (4, "orgUnit"), (5, "categoryOptionCombo"), (6, "period"),
            (7, "period")} <= found  # fmt: skip
    assert 2 not in {p.row for p in report.problems}


def test_csv_form_with_pass_through(orgs, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(
        "dataElement,period,orgUnit,categoryOptionCombo,attributeOptionCombo,value\n"
        "NW_CHILDREN,2024S2,NW-OOST,HllvX50cXC0,HllvX50cXC0,810\n"
        "NW_REF,2024S2,NW-OOST,jeugdarts,HllvX50cXC0,7\n"
    )
    report = ingest_file(orgs, path, organisation_code="NW-OOST")  # shape detected
    assert (report.shape, report.status) == ("dhis2", "accepted")
    stored = orgs.exec(select(AggregateMeasurement).order_by(AggregateMeasurement.id)).all()
    assert [(m.period_code, m.category) for m in stored] == [
        ("2024-H2", ""),
        ("2024-H2", "jeugdarts"),
    ]
