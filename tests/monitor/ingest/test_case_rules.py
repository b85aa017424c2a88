"""Every rule of the case-level format: one bad row next to a good one, reported by row
number (header = row 1) and column, and nothing stored."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml
from sqlmodel import Session, func, select

from monitor.catalogue import DEFAULT_CATALOGUE, load_catalogue
from monitor.ingest import ingest_file
from schema import CaseMeasurement, Child, Indicator, Participation, Submission
from tests.monitor.ingest.helpers import NEW_CHILD, case_row, write_case

BAD_ROWS = [
    ({"bsn": "123456782"}, "bsn", "not both"),
    ({"child_ref": ""}, "bsn", "bsn or child_ref is required"),
    ({"child_ref": "", "bsn": "123456789"}, "bsn", "elfproef"),
    ({"child_ref": "", "bsn": "12345678"}, "bsn", "9 digits"),
    ({"indicator": "CH_NOPE"}, "indicator", "unknown indicator"),
    ({"indicator": ""}, "indicator", "indicator is required"),
    ({"date": "2014-06-01"}, "indicator", "no version of this indicator is valid on 2014-06-01"),
    ({"indicator": "NW_REF", "value": "3"}, "indicator", "network-level indicator"),
    ({"date": "31-03-2024"}, "date", "not a date"),
    ({"date": ""}, "date", "date is required"),
    ({"date": "2099-01-01"}, "date", "future"),
    ({"value": ""}, "value", "a value is required for a percentage indicator"),
    ({"value": "veel"}, "value", "not a number"),
    ({"value": "nan"}, "value", "not a number"),
    ({"value": "inf"}, "value", "not a number"),
    ({"value": "101"}, "value", "outside the allowed range 0 to 100"),
    ({"indicator": "CH_HOME", "value": "misschien"}, "value", "yes/no"),
    ({"indicator": "CH_REF", "value": "", "category": "bakker"}, "category",
     "not in category list referrer"),
    ({"category": "huisarts"}, "category", "has no categories"),
    ({"indicator": "CH_CARE", "value": "", "category": "ambulant", "end_date": "2024-05-01",
      "end_reason": "verhuisd"}, "end_reason", "not in category list end_reason"),
    ({"end_date": "2024-05-01"}, "end_date", "only for episode"),
    ({"indicator": "CH_CARE", "value": "", "category": "ambulant", "end_date": "2024-01-01"},
     "end_date", "before the start date"),
    ({"indicator": "CH_CARE", "value": "", "end_date": "2099-01-01"}, "end_date", "future"),
    ({"source_kind": "guessed"}, "source_kind", "unknown source kind"),
    ({"indicator": "CH_PART", "value": "3"}, "programme", "required for CH_PART"),
    ({"indicator": "CH_PART", "value": "3", "programme": "JH-01"}, "programme", "not a network"),
    ({"indicator": "CH_PART", "value": "3", "programme": "NW-XX"}, "programme",
     "unknown organisation"),
    ({"indicator": "CH_PART", "value": "3", "programme": "NW-WEST"}, "programme", "not a member"),
    ({"sex": ""}, "sex", "required on each child's first row in a file"),
    ({"birth_month": ""}, "birth_month", "required on each child's first row"),
    ({"municipality": ""}, "municipality", "required on each child's first row"),
    ({"sex": "q"}, "sex", "use m, f or x"),
    ({"birth_month": "2014-13"}, "birth_month", "not a month"),
    ({"birth_month": "2099-01"}, "birth_month", "future"),
    ({"municipality": "GM9999"}, "municipality", "unknown municipality"),
    ({"municipality": "NW-OOST"}, "municipality", "unknown municipality"),
]  # fmt: skip


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        session.exec(select(func.count()).select_from(CaseMeasurement)).one(),
        session.exec(select(func.count()).select_from(Child)).one(),
        session.exec(select(func.count()).select_from(Participation)).one(),
    )


@pytest.mark.parametrize(("change", "column", "reason"), BAD_ROWS)
def test_bad_row_is_reported_and_nothing_stored(orgs, tmp_path, change, column, reason):
    path = write_case(tmp_path / "in.csv", [case_row(), case_row(**{"child_ref": "K-2", **change})])
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert report.status == "rejected"
    found = [(p.row, p.column) for p in report.problems if reason in p.reason]
    assert (3, column) in found, [p.as_text() for p in report.problems]
    assert all(p.row == 3 for p in report.problems), [p.as_text() for p in report.problems]
    assert _counts(orgs) == (0, 0, 0)
    stored = orgs.exec(select(Submission)).one()
    assert stored.status == "rejected" and stored.rows_rejected == 1


def test_duplicate_rows_in_file_name_the_first(orgs, tmp_path):
    rows = [case_row(), case_row(value="5"), case_row(date="2024-04-30")]
    report = ingest_file(orgs, write_case(tmp_path / "in.csv", rows), organisation_code="SCH-01")
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(3, "indicator")]
    assert "duplicate of row 2" in report.problems[0].reason


def test_every_bad_row_reported_at_once(orgs, tmp_path):
    rows = [case_row(), case_row(value="x"), case_row(date="2099-01-01"), case_row(sex="q")]
    report = ingest_file(orgs, write_case(tmp_path / "in.csv", rows), organisation_code="SCH-01")
    assert sorted({p.row for p in report.problems}) == [3, 4, 5]


def test_municipality_may_not_send_case_rows(orgs, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row()])
    report = ingest_file(orgs, path, organisation_code="GM0363", accept_valid=True)
    assert report.status == "rejected"
    assert "case-level rows are sent by the partner" in report.problems[0].reason
    assert _counts(orgs) == (0, 0, 0)


def test_missing_and_unknown_columns(orgs, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("child_ref,indicator,value,colour\nK-1,CH_ABS,3,red\n")
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert report.status == "rejected"
    assert {(p.row, p.column) for p in report.problems} == {(1, "date"), (1, "colour")}


@pytest.mark.parametrize(
    ("header", "column", "reason"),
    [
        ("child_ref,indicator,date,value,_row", "_row", "may not start with '_'"),
        ("child_ref,indicator,date,value, value", "value", "more than once"),
    ],
)
def test_unusable_header(orgs, tmp_path, header, column, reason):
    path = tmp_path / "in.csv"
    path.write_text(f"{header}\nK-1,CH_ABS,2024-03-31,4,5\n")
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems if reason in p.reason] == [(1, column)]


def test_trailing_empty_columns_are_ignored(orgs, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "child_ref,indicator,date,value,birth_month,sex,municipality,\n"
        "K-1,CH_ABS,2024-03-31,4,2014-05,f,GM0363,\n"
    )
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "accepted"


def test_accepted_values_are_parsed(orgs, tmp_path):
    rows = [
        case_row(value="4,5"),
        case_row(indicator="CH_HOME", value="ja"),
        case_row(indicator="CH_HOME", value="nee", date="2024-04-30"),
        case_row(indicator="CH_HOME", value="TRUE", date="2024-05-31"),
        case_row(indicator="CH_REF", value="", category="huisarts"),
        case_row(indicator="CH_SIGNAL", value=""),
        case_row(indicator="CH_CARE", value="", category="ambulant", end_date="2024-06-01",
                 end_reason="volgens_plan"),
        case_row(indicator="CH_COG", value="101", source_kind="observed"),
    ]  # fmt: skip
    report = ingest_file(orgs, write_case(tmp_path / "in.csv", rows), organisation_code="SCH-01")
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    stored = orgs.exec(select(CaseMeasurement).order_by(CaseMeasurement.id)).all()
    assert [m.value for m in stored] == [4.5, 1.0, 0.0, 1.0, None, None, None, 101.0]
    assert stored[4].category == "huisarts" and stored[0].category == ""
    assert stored[6].end_reason == "volgens_plan" and str(stored[6].end_date) == "2024-06-01"
    assert stored[7].source_kind == "observed"  # the catalogue's kind, spelled out
    assert orgs.exec(select(Child)).one().sex == "f"


def test_default_source_kind_is_the_indicators(orgs, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row(indicator="CH_VOICE", value="4")])
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "accepted"
    assert orgs.exec(select(CaseMeasurement)).one().source_kind == "survey"


def test_child_attributes_rule(orgs, tmp_path):
    bare = {"sex": "", "birth_month": "", "municipality": ""}
    rows = [case_row(), case_row(date="2024-04-30", **bare)]  # same child, earlier row has them
    report = ingest_file(orgs, write_case(tmp_path / "a.csv", rows), organisation_code="SCH-01")
    assert report.status == "accepted"
    later = [case_row(date="2024-05-31", **bare)]  # known in the database: the same rule
    report = ingest_file(orgs, write_case(tmp_path / "b.csv", later), organisation_code="SCH-01")
    assert report.status == "rejected"  # else the answer would tell who is known (#12.6)
    assert _counts(orgs) == (2, 1, 0)
    wrong_order = [case_row(child_ref="K-9", **bare), case_row(child_ref="K-9", date="2024-04-30")]
    report = ingest_file(
        orgs, write_case(tmp_path / "c.csv", wrong_order), organisation_code="SCH-01"
    )
    assert report.status == "rejected"
    assert {(p.row, p.column) for p in report.problems} == {
        (2, "sex"), (2, "birth_month"), (2, "municipality"),
    }  # fmt: skip


def test_same_ref_at_two_partners_are_two_children(orgs, tmp_path):
    path = write_case(tmp_path / "a.csv", [case_row()])
    assert ingest_file(orgs, path, organisation_code="SCH-01").status == "accepted"
    assert ingest_file(orgs, path, organisation_code="JH-01").status == "accepted"
    assert _counts(orgs)[1] == 2


def test_participation_goes_to_its_table(orgs, tmp_path):
    rows = [case_row(indicator="CH_PART", value="6", programme="NW-OOST", date="2024-01-01",
                     end_date="2024-06-30")]  # fmt: skip
    report = ingest_file(orgs, write_case(tmp_path / "a.csv", rows), organisation_code="SCH-01")
    assert report.status == "accepted"
    part = orgs.exec(select(Participation)).one()
    assert (part.intensity, str(part.valid_from), str(part.valid_to)) == (
        6.0,
        "2024-01-01",
        "2024-06-30",
    )
    assert _counts(orgs) == (0, 1, 1)
    # a programme given on another row is only a warning
    rows = [case_row(programme="NW-OOST")]
    report = ingest_file(orgs, write_case(tmp_path / "b.csv", rows), organisation_code="SCH-01")
    assert report.status == "accepted"
    assert report.warnings[0].column == "programme"


def test_indicator_version_valid_on_the_date(orgs, tmp_path):
    raw = yaml.safe_load(Path(DEFAULT_CATALOGUE).read_text())
    entry = next(i for i in raw["indicators"] if i["code"] == "CH_ABS")
    raw["indicators"].append(
        {**entry, "version": 2, "valid_from": "2024-06-01", "range": [0, 50],
         "definition": entry["definition"] + " (revised)"}
    )  # fmt: skip
    changed = tmp_path / "catalogue.yaml"
    changed.write_text(yaml.safe_dump(raw, allow_unicode=True))
    load_catalogue(orgs, changed)
    orgs.commit()
    rows = [case_row(value="80"), case_row(date="2024-07-31", value="20")]
    report = ingest_file(orgs, write_case(tmp_path / "a.csv", rows), organisation_code="SCH-01")
    assert report.status == "accepted"
    versions = orgs.exec(
        select(Indicator.version)
        .join(CaseMeasurement, CaseMeasurement.indicator_id == Indicator.id)
        .order_by(CaseMeasurement.observed_on)
    ).all()
    assert versions == [1, 2]
    rows = [case_row(date="2024-08-31", value="80")]  # v2 allows 0-50 only
    report = ingest_file(orgs, write_case(tmp_path / "b.csv", rows), organisation_code="SCH-01")
    assert report.problems[0].reason == "outside the allowed range 0 to 50"


def test_xlsx_and_parquet_read_like_csv(orgs, tmp_path):
    rows = [case_row(bsn="012345672", child_ref=""), case_row(child_ref="K-2", value="x")]
    frame = pl.DataFrame(rows)
    frame.write_excel(tmp_path / "in.xlsx")
    report = ingest_file(orgs, tmp_path / "in.xlsx", organisation_code="SCH-01")
    assert [(p.row, p.column) for p in report.problems] == [(3, "value")]
    typed = frame.with_columns(pl.col("bsn").replace("", None).cast(pl.Int64))
    typed.write_parquet(tmp_path / "in.parquet")
    report = ingest_file(orgs, tmp_path / "in.parquet", organisation_code="SCH-01")
    assert [(p.row, p.column) for p in report.problems] == [(3, "value")]
    semicolon = tmp_path / "in.csv"
    semicolon.write_text("child_ref;indicator;date;value\nK-1;CH_ABS;2024-03-31;4,5\n")
    report = ingest_file(orgs, semicolon, organisation_code="SCH-01")
    expected = [(2, c) for c in ("birth_month", "sex", "municipality")]
    assert [(p.row, p.column) for p in report.problems] == expected


def test_unreadable_file_is_a_clear_rejection(orgs, tmp_path):
    path = tmp_path / "in.xlsx"
    path.write_bytes(b"this is not a workbook")
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert report.status == "rejected"
    assert "not a readable XLSX" in report.problems[0].reason
    path = tmp_path / "in.doc"
    path.write_bytes(b"x")
    assert (
        "unsupported file type"
        in ingest_file(orgs, path, organisation_code="SCH-01").problems[0].reason
    )


def test_new_child_attributes_stored(orgs, tmp_path):
    rows = [case_row(**{**NEW_CHILD, "sex": "M", "birth_month": "2013-02"})]
    assert ingest_file(orgs, write_case(tmp_path / "a.csv", rows), organisation_code="SCH-01").ok
    child = orgs.exec(select(Child)).one()
    assert (child.sex, str(child.birth_month)) == ("m", "2013-02-01")
