"""Researchers' files: R write.csv, Stata and SPSS CSV exports read as the tools meant them.

The expected values are independent of the reader: the files are written here from known
frames in each tool's documented format (R ``write.csv``: quoted header with an empty first
name and row names 1..n, ``NA``; Stata ``export delimited``: empty cells; SPSS: ``;`` with
decimal commas, blanks), and model results are compared with statsmodels on the complete
rows read by pandas with explicit missing-value codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.formula.api as smf

from analysis.read import read_table
from monitor.errors import MonitorError

DATA = Path(__file__).parent / "data"
RESULTS = Path(__file__).parent / "results"


def r_write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """What R's ``write.csv(df, path)`` writes: quoted strings, row names, ``NA``."""
    lines = ['"",' + ",".join(f'"{c}"' for c in frame.columns)]
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        cells = [f'"{i}"']
        for v in row:
            if v is None or (isinstance(v, float) and np.isnan(v)):
                cells.append("NA")
            elif isinstance(v, str):
                cells.append(f'"{v}"')
            else:
                cells.append(repr(v))
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sleep_with_na() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "sleepstudy.csv")
    frame["Reaction"] = frame["Reaction"].astype(float)
    frame.loc[[3, 40, 41, 150], "Reaction"] = np.nan
    return frame


def test_r_write_csv_numeric_na_column_is_a_number(tmp_path, sleep_with_na):
    table = read_table(r_write_csv(sleep_with_na, tmp_path / "sleep.csv"))
    assert table.frame.columns == ["Reaction", "Days", "Subject"]
    assert table.frame.schema["Reaction"] == pl.Float64
    assert table.missing == {"Reaction": 4, "Days": 0, "Subject": 0}
    assert any("row names" in n for n in table.notes)
    assert "missing values per column in the data file: Reaction 4" in table.report_notes()


def test_the_slope_is_the_complete_case_slope_not_a_dummy_expansion(tmp_path, sleep_with_na):
    """The issue's failure: a numeric column with NA read as text became category dummies.
    Read through the reader, a regression on it gives the complete-case slope."""
    table = read_table(r_write_csv(sleep_with_na, tmp_path / "sleep.csv"))
    ours = smf.ols("Days ~ Reaction", table.frame.drop_nulls().to_pandas()).fit()
    truth = smf.ols("Days ~ Reaction", sleep_with_na.dropna()).fit()
    assert len(ours.params) == 2
    assert ours.params["Reaction"] == pytest.approx(truth.params["Reaction"], rel=1e-12)


def test_stata_export_with_empty_and_dot_missing(tmp_path):
    path = tmp_path / "stata.csv"
    path.write_text("id,score,group\n1,3.5,a\n2,,b\n3,.,a\n4,7,b\n", encoding="utf-8")
    table = read_table(path)
    assert table.frame["score"].to_list() == [3.5, None, None, 7.0]
    assert table.missing["score"] == 2


def test_spss_export_semicolon_decimal_comma_cp1252(tmp_path):
    path = tmp_path / "spss.csv"
    text = "leerling;gewicht;school\n1;12,5;Zoë\n2; ;Zoë\n3;14,25;Aïda\n"
    path.write_bytes(text.encode("cp1252"))
    table = read_table(path)
    assert table.frame["gewicht"].to_list() == [12.5, None, 14.25]
    assert table.frame["school"].to_list() == ["Zoë", "Zoë", "Aïda"]
    assert table.missing["gewicht"] == 1
    assert any("Windows-1252" in n for n in table.notes)


def test_an_almost_numeric_column_is_refused_naming_the_cells(tmp_path):
    rows = "\n".join(f"{i},{i * 1.5}" for i in range(1, 30))
    path = tmp_path / "typo.csv"
    path.write_text(f"id,weight\n{rows}\n30,12,x\n", encoding="utf-8")
    path.write_text(f"id,weight\n{rows}\n30,twelve\n", encoding="utf-8")
    with pytest.raises(
        MonitorError, match=r"column 'weight' holds numbers.*'twelve'.*line\(s\) 31"
    ):
        read_table(path)


def test_analyse_did_on_an_r_file_reports_missing_and_chooses_the_robust_estimator(cli, tmp_path):
    """``monitor analyse did --data`` on mpdta as R writes it (row names, first.treat 0 =
    never, NA outcomes): the report names the estimator and why, the coding, the missing
    values and the rows left out; the overall effect is R did's on the same complete rows."""
    mpdta = pd.read_csv(RESULTS / "mpdta.csv")
    mpdta["treated"] = (mpdta["first.treat"] > 0).astype(int)
    mpdta["post"] = ((mpdta["first.treat"] > 0) & (mpdta["year"] >= mpdta["first.treat"])).astype(
        int
    )
    path = r_write_csv(mpdta, tmp_path / "mpdta.csv")
    config = tmp_path / "study.yaml"
    config.write_text(
        "model: did\noutcome: lemp\nunit: countyreal\nperiod: year\n", encoding="utf-8"
    )
    out = tmp_path / "report"
    code, stdout, stderr = cli(
        "analyse", "did", "--config", str(config), "--data", str(path), "--out", str(out)
    )
    assert code == 0, stderr
    result = json.loads((out / "report.json").read_text(encoding="utf-8"))["results"][0]
    assert result["method"] == "staggered_did"
    did = next(r for r in result["estimates"] if r["term"] == "did")
    assert did["estimate"] == pytest.approx(-0.0399512751551763, abs=1e-6)
    notes = " ".join(result["notes"])
    assert "Callaway & Sant'Anna" in notes and "3 different periods" in notes
    assert "row names" in notes
    assert "the data file has no missing values" in notes

    mpdta.loc[[0, 7], "lemp"] = np.nan
    r_write_csv(mpdta, path)
    code, stdout, stderr = cli(
        "analyse", "did", "--config", str(config), "--data", str(path), "--out", str(out)
    )
    assert code == 0, stderr
    notes = " ".join(json.loads((out / "report.json").read_text())["results"][0]["notes"])
    assert "missing values per column in the data file: lemp 2" in notes
    assert "2 row(s) with missing values in the model columns were left out" in notes
    assert "rows 1, 8" in notes
