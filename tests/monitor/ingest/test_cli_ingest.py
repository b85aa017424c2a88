"""``monitor ingest`` and ``monitor template`` end to end."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlmodel import func, select

from schema import CaseMeasurement
from tests.monitor.ingest.helpers import case_row, write_case


def test_ingest_summary_and_exit_codes(orgs, cli, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row(), case_row(date="2024-04-30")])
    code, out, err = cli("ingest", str(path), "--org", "SCH-01", "--dry-run")
    assert code == 0 and "dry_run" in out and "rows accepted:    2" in out
    code, out, _ = cli("ingest", str(path), "--org", "SCH-01")
    assert code == 0 and "accepted" in out and "rows read:        2" in out and "time taken" in out
    code, out, _ = cli("ingest", str(path), "--org", "SCH-01")
    assert code == 0 and "duplicate" in out
    orgs.rollback()
    assert orgs.exec(select(func.count()).select_from(CaseMeasurement)).one() == 2


def test_rejected_file_exit_code_table_and_rejects_file(orgs, cli, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row(), case_row(date="2024-04-30", value="x")])
    code, out, err = cli("ingest", str(path), "--org", "SCH-01")
    assert code == 9
    assert "rejected" in out and "not a number" in err and "Traceback" not in err
    rejects = pl.read_csv(Path(f"{path}.rejects.csv"), infer_schema=False)
    assert rejects.select("row", "column", "value").rows() == [("3", "value", "x")]
    custom = tmp_path / "problems.csv"
    code, _, _ = cli("ingest", str(path), "--org", "SCH-01", "--accept-valid", "--rejects",
                     str(custom))  # fmt: skip
    assert code == 10 and custom.exists()  # stored the good row, but not everything: not 0
    orgs.rollback()
    assert orgs.exec(select(func.count()).select_from(CaseMeasurement)).one() == 1


def test_accept_valid_with_rejected_rows_exits_10(orgs, cli, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row(), case_row(date="2024-04-30", value="x")])
    code, _out, err = cli("ingest", str(path), "--org", "SCH-01", "--accept-valid", "--dry-run")
    assert code == 10 and "1 row rejected" in err
    code, _out, err = cli("ingest", str(path), "--org", "SCH-01", "--accept-valid")
    assert code == 10 and "1 row rejected; exit code 10" in err
    good = write_case(tmp_path / "good.csv", [case_row(date="2024-05-31")])
    code, _out, _err = cli("ingest", str(good), "--org", "SCH-01", "--accept-valid")
    assert code == 0
    code, out, _err = cli("ingest", "--help")
    assert "10" in out


def test_bad_arguments_are_clear(orgs, cli, tmp_path):
    path = write_case(tmp_path / "in.csv", [case_row()])
    code, _, err = cli("ingest", str(path), "--org", "NOPE")
    assert code == 4 and "NOPE" in err
    code, _, err = cli("ingest", str(path), "--org", "SCH-01", "--user", "ghost")
    assert code == 4 and "ghost" in err
    code, _, err = cli("ingest", str(tmp_path / "missing.csv"), "--org", "SCH-01")
    assert code != 0 and "missing.csv" in err.replace("\n", "") and "exist" in err
    code, _, err = cli("ingest", str(path), "--org", "SCH-01", "--shape", "blob")
    assert code == 9 and "unknown shape" in err


def test_templates(orgs, cli, tmp_path):
    xlsx = tmp_path / "case.xlsx"
    code, out, _ = cli("template", "case", "--out", str(xlsx))
    assert code == 0
    sheets = pl.read_excel(xlsx, sheet_id=0, infer_schema_length=0)
    assert list(sheets) == ["case", "indicators", "categories"]
    assert sheets["case"].columns[:3] == ["bsn", "child_ref", "indicator"]
    codes = set(sheets["indicators"]["code"])
    assert "CH_ABS" in codes and "NW_REF" not in codes
    assert {"referrer", "care_type"} <= set(sheets["categories"]["category_set"])
    csv = tmp_path / "agg.csv"
    code, out, _ = cli("template", "aggregate", "--out", str(csv))
    assert code == 0
    indicators = pl.read_csv(tmp_path / "agg.indicators.csv")
    rate = indicators.filter(pl.col("code") == "NW_REF_RATE")["submit"][0]
    assert rate.startswith("no: computed as NW_REF / NW_CHILDREN")
    assert (tmp_path / "agg.categories.csv").exists()
    # the templates' example rows are valid input
    code, out, err = cli("template", "case", "--out", str(tmp_path / "case.csv"))
    code, out, err = cli("ingest", str(tmp_path / "case.csv"), "--org", "SCH-01")
    assert code == 0, err
    code, out, err = cli("ingest", str(xlsx), "--org", "JH-01")
    assert code == 0, err
    code, out, err = cli("ingest", str(csv), "--org", "GM0363")
    assert code == 0, err
    code, _, err = cli("template", "case", "--out", str(tmp_path / "x.txt"))
    assert code != 0 and ".xlsx or .csv" in err
