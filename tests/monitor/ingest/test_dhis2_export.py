"""A period's figures out to DHIS2 (JSON, CSV, ADX) and back in unchanged; withheld
cells are never exported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.ingest import ingest_file
from monitor.ingest.dhis2 import load_mapping
from monitor.ingest.dhis2.export import export_values
from monitor.policy import system_principal

FIXTURES = Path(__file__).parent / "dhis2_fixtures"
MAPPING = FIXTURES / "mapping.yaml"


def _load(session):
    for name in ("set_level.json", "lower_case.csv"):
        report = ingest_file(session, FIXTURES / name, organisation_code="NW-OOST",
                             shape="dhis2", dhis2_map=MAPPING)  # fmt: skip
        assert report.status == "accepted", [p.as_text() for p in report.problems]


def _export(session, period, fmt):
    return export_values(
        session, system_principal(), organisation_code="NW-OOST", period_code=period,
        mapping=load_mapping(MAPPING), fmt=fmt,
    )  # fmt: skip


def test_json_export_leaves_out_the_withheld_cell(orgs, exact_figures):
    _load(orgs)
    export = _export(orgs, "2024-H1", "json")
    values = json.loads(export.text)["dataValues"]
    # set_level.json: 812 children, 14 by the GP; 9 by the youth doctor is below 10
    assert [(v["dataElement"], v["period"], v["orgUnit"], v["categoryOptionCombo"], v["value"])
            for v in values] == [
        ("deNwChild01", "2024S1", "ouOost00001", "HllvX50cXC0", "812"),
        ("deNwRef0001", "2024S1", "ouOost00001", "cocHuisarts", "14"),
    ]  # fmt: skip
    assert export.withheld == 1
    assert "cocJeugdart" not in export.text and '"9"' not in export.text
    assert "23" not in export.text  # no derived total (14 + 9) either


@pytest.mark.parametrize("fmt, suffix", [("json", "json"), ("csv", "csv"), ("adx", "xml")])
def test_round_trip_through_the_importer_is_unchanged(orgs, exact_figures, tmp_path, fmt, suffix):
    _load(orgs)
    for period, count in (("2024-H2", 2), ("2024", 1)):
        export = _export(orgs, period, fmt)
        assert export.values == count and export.withheld == 0
        path = tmp_path / f"{period}.{suffix}"
        path.write_text(export.text)
        report = ingest_file(orgs, path, organisation_code="NW-OOST", shape="dhis2",
                             dhis2_map=MAPPING)  # fmt: skip
        assert report.status == "accepted", [p.as_text() for p in report.problems]
        assert (report.rows_accepted, report.rows_unchanged, report.rows_superseded) == (
            count,
            count,
            0,
        )
        assert _export(orgs, period, fmt).text == export.text


def test_cli_export(orgs, exact_figures, cli, tmp_path):
    _load(orgs)
    out = tmp_path / "h1.xml"
    args = [
        "--period",
        "2024-H1",
        "--format",
        "adx",
        "--out",
        str(out),
        "--dhis2-map",
        str(MAPPING),
    ]
    code, stdout, err = cli("dhis2", "export", "--org", "NW-OOST", *args)
    assert code == 0, err
    assert "1 withheld cell left out" in " ".join(stdout.split())
    assert "2 values" in " ".join(stdout.split())
    text = out.read_text()
    assert 'period="2024-01-01/P6M"' in text and 'REFERRER="cocHuisarts" value="14"' in text
