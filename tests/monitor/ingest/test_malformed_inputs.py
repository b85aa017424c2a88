"""Malformed files are refused by the ingest core itself, so every channel (CLI, dashboard
upload, API) gets the same answer: formula cells, empty and header-only files, UTF-16/32
text and files over ``MAX_UPLOAD_MB``. Each gives one clear problem (or one per formula
cell), the Submission is recorded as rejected and nothing stored changes."""

from __future__ import annotations

import io
import pathlib
import time
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from sqlmodel import Session, func, select

from monitor.api import create_api, limits, uploads
from monitor.errors import SettingsError, ValidationFailed
from monitor.ingest import ingest_file, ingest_frame, sheets
from monitor.settings import get_settings
from schema import AuditEntry, CaseMeasurement, Child, Submission
from tests.monitor.ingest.helpers import case_row, write_case

HEADER = ["child_ref", "indicator", "date", "value", "birth_month", "sex", "municipality"]
ROWS = [
    ["K-2", "CH_ABS", "2024-03-31", "2", "2014-05", "f", "GM0363"],
    ["K-3", "CH_ABS", "2024-03-31", "3", "2013-01", "m", "GM0363"],
]
CSV = ("\n".join(",".join(r) for r in [HEADER, *ROWS]) + "\n").replace("\n", "\r\n")


def _counts(session: Session) -> dict[str, int]:
    session.rollback()
    return {
        model.__tablename__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Child, CaseMeasurement, Submission, AuditEntry)
    }


@pytest.fixture
def stored(orgs: Session, tmp_path: Path) -> Session:
    """One accepted batch already in the database: what a bad file must leave alone."""
    path = write_case(tmp_path / "first.csv", [case_row(), case_row(date="2024-04-30")])
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert report.status == "accepted", report.problems
    return orgs


def _refused(session: Session, path: Path, before: dict[str, int], **kwargs) -> list:
    """Ingest ``path``; assert rejected, recorded as such, and no data row changed."""
    values_before = session.exec(select(CaseMeasurement.value)).all()
    report = ingest_file(session, path, organisation_code="SCH-01", **kwargs)
    assert report.status == "rejected"
    assert report.problems, "a rejection names its reason"
    assert all(p.file == path.name and p.reason for p in report.problems)
    after = _counts(session)
    assert after["child"] == before["child"]
    assert after["case_measurement"] == before["case_measurement"]
    assert after["submission"] == before["submission"] + 1
    assert sorted(session.exec(select(CaseMeasurement.value)).all()) == sorted(values_before)
    submission = session.get(Submission, report.submission_id)
    assert submission is not None and submission.status == "rejected"
    assert report.problems[0].reason in submission.message
    assert f"{len(report.problems)} problem(s)" in submission.message
    return report.problems


def xlsx_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": True})
    sheet = workbook.add_worksheet("data")
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


# 1. XLSX formula cells ---------------------------------------------------------------


def test_xlsx_formula_cell_is_refused_naming_row_column_and_formula(stored, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][3] = "=1+1"
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    before = _counts(stored)
    problems = _refused(stored, path, before)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "D", "=1+1")
    assert problem.reason.startswith("cell D3 (column value) holds a formula (=1+1)")
    assert "submit values, not formulas" in problem.reason


def test_every_formula_cell_is_named_and_the_cached_value_is_never_stored(stored, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][0] = '=HYPERLINK("http://example.org","K-9")'
    rows[1][3] = "=SUM(1,2)"
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    before = _counts(stored)
    problems = _refused(stored, path, before)
    assert [(p.row, p.column) for p in problems] == [(2, "A"), (3, "D")]
    assert "HYPERLINK" in problems[0].reason and "(column child_ref)" in problems[0].reason


def test_the_same_workbook_without_formulas_is_accepted(stored, tmp_path):
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    report = ingest_file(stored, path, organisation_code="SCH-01")
    assert report.status == "accepted", report.problems
    assert report.rows_accepted == 2


def test_many_formula_cells_are_capped_and_counted(stored, tmp_path):
    rows = [[f"K-{i}", "CH_ABS", "2024-03-31", f"=1+{i}", "2014-05", "f", "GM0363"]
            for i in range(sheets.MAX_REPORTED + 5)]  # fmt: skip
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    problems = _refused(stored, path, _counts(stored))
    assert len(problems) == sheets.MAX_REPORTED + 1
    assert problems[-1].row is None and "5 more formula cell(s)" in problems[-1].reason


def test_the_api_check_is_the_core_check(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][2] = "=TODAY()"
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    assert uploads.formula_problems is sheets.formula_problems
    with pytest.raises(ValidationFailed) as caught:
        uploads.refuse_formulas(path, "cases.xlsx")
    assert caught.value.problems == sheets.formula_problems(path, "cases.xlsx")
    assert "formula" in caught.value.summary
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(2, "C", "=TODAY()")]
    uploads.refuse_formulas(tmp_path / "cases.csv", "cases.csv")  # other types pass


def test_cli_refuses_formula_cells(stored, cli, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][3] = "=1+1"
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    before = _counts(stored)
    code, out, err = cli("ingest", str(path), "--org", "SCH-01")
    assert code == 9 and "rejected" in out
    assert "formula" in err and "Traceback" not in err
    after = _counts(stored)
    assert after["case_measurement"] == before["case_measurement"]
    assert after["submission"] == before["submission"] + 1


# 2. header only, 5. empty ----------------------------------------------------------------


def _header_only(suffix: str, path: Path) -> None:
    if suffix == ".csv":
        path.write_text(",".join(HEADER) + "\r\n", encoding="utf-8")
    elif suffix == ".xlsx":
        path.write_bytes(xlsx_bytes([]))
    else:
        pl.DataFrame(schema={c: pl.String for c in HEADER}).write_parquet(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_header_only_file_gets_one_clear_problem(stored, tmp_path, suffix):
    path = tmp_path / f"cases{suffix}"
    _header_only(suffix, path)
    problems = _refused(stored, path, _counts(stored))
    assert [p.reason for p in problems] == [
        "the file has a header but no data rows; put one measurement per row under the header"
    ]
    assert stored.exec(select(Submission).order_by(Submission.id.desc())).first().shape == "case"


def test_header_only_frame_gets_the_same_problem(stored):
    before = _counts(stored)
    frame = pl.DataFrame(schema={c: pl.String for c in HEADER})
    report = ingest_frame(stored, frame, file_name="form", organisation_code="SCH-01")
    assert report.status == "rejected"
    assert ["header but no data rows" in p.reason for p in report.problems] == [True]
    assert _counts(stored)["case_measurement"] == before["case_measurement"]


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".xlsx", ".parquet", ".json"])
def test_empty_file_gets_one_clear_problem(stored, tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    problems = _refused(stored, path, _counts(stored))
    assert [p.reason for p in problems] == ["the file is empty (0 bytes)"]


@pytest.mark.parametrize(
    ("data", "suffix"),
    [(b"\r\n\r\n", ".csv"), (b"\xef\xbb\xbf", ".csv"), (b"  \n", ".json"), (b"[]", ".json")],
)
def test_blank_file_gets_one_clear_problem(stored, tmp_path, data, suffix):
    path = tmp_path / f"blank{suffix}"
    path.write_bytes(data)
    problems = _refused(stored, path, _counts(stored))
    assert [p.reason for p in problems] == ["the file holds no data: no header and no data rows"]


# 3. UTF-16 / UTF-32 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("utf-16", "UTF-16 (little-endian)"),  # Excel's "Unicode text": BOM + LE
        ("utf-16-le", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-32", "UTF-32 (little-endian)"),
        ("utf-32-be", "UTF-32 (big-endian)"),
    ],
)
def test_wide_encodings_get_one_problem_naming_the_encoding(stored, tmp_path, encoding, named):
    path = tmp_path / "cases.csv"
    path.write_bytes(CSV.replace("K-2", "K-ë").encode(encoding))
    problems = _refused(stored, path, _counts(stored))
    assert [p.reason for p in problems] == [
        f"the file is {named} encoded; save it as a UTF-8 CSV (Excel: Save As > CSV UTF-8)"
    ]


def test_utf16_json_is_named_too(stored, tmp_path):
    path = tmp_path / "rows.json"
    path.write_bytes('[{"child_ref": "K-2"}]'.encode("utf-16"))
    problems = _refused(stored, path, _counts(stored))
    assert [p.reason for p in problems] == [
        "the file is UTF-16 (little-endian) encoded; save it as UTF-8 JSON"
    ]


def test_nul_bytes_in_a_text_file_are_named(stored, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(CSV.encode().replace(b"K-3", b"K\x003"))
    problems = _refused(stored, path, _counts(stored))
    assert len(problems) == 1 and "NUL bytes" in problems[0].reason


def test_utf8_and_windows_1252_still_read(stored, tmp_path):
    for name, data in (("a.csv", CSV.encode("utf-8-sig")), ("b.csv", CSV.encode("cp1252"))):
        path = tmp_path / name
        path.write_bytes(data.replace(b"K-2", b"K-2" + name[0].encode()))
        report = ingest_file(stored, path, organisation_code="SCH-01")
        assert report.status == "accepted", report.problems


# 4. MAX_UPLOAD_MB ------------------------------------------------------------------------


@pytest.fixture
def cap_mb(monkeypatch: pytest.MonkeyPatch):
    """Set MAX_UPLOAD_MB for one test (settings re-read)."""

    def set_cap(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv("MAX_UPLOAD_MB", raising=False)
        else:
            monkeypatch.setenv("MAX_UPLOAD_MB", value)
        get_settings.cache_clear()

    yield set_cap
    monkeypatch.delenv("MAX_UPLOAD_MB", raising=False)
    get_settings.cache_clear()


def test_file_over_the_cap_is_refused_naming_size_and_setting(stored, tmp_path, cap_mb):
    cap_mb("1")
    path = tmp_path / "cases.csv"
    path.write_bytes(CSV.encode() + b"\n" * (1024 * 1024))  # 1 MB and a few bytes
    problems = _refused(stored, path, _counts(stored))
    assert [p.reason for p in problems] == [
        "the file is 1.01 MB, larger than the maximum of 1 MB (setting MAX_UPLOAD_MB); "
        "split it into smaller submissions"
    ]
    assert get_settings().max_upload_mb == 1


def test_file_at_the_cap_is_read(stored, tmp_path, cap_mb):
    cap_mb("1")
    path = tmp_path / "cases.csv"
    data = CSV.encode()  # padded with spaces (cells are trimmed) to exactly 1 MB
    path.write_bytes(data[:-2] + b" " * (1024 * 1024 - len(data)) + b"\r\n")
    assert path.stat().st_size == 1024 * 1024
    report = ingest_file(stored, path, organisation_code="SCH-01")
    assert report.status == "accepted", report.problems


def test_a_sparse_gigabyte_is_refused_instantly_without_reading_it(stored, tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(1024 * 1024 * 1024)
    before = _counts(stored)

    def no_reading(*_args, **_kwargs):
        raise AssertionError("the file was opened for reading")

    started = time.perf_counter()
    with monkeypatch.context() as patched:
        patched.setattr(pathlib.Path, "read_bytes", no_reading)
        patched.setattr(pathlib.Path, "open", no_reading)
        report = ingest_file(stored, path, organisation_code="SCH-01")
    assert time.perf_counter() - started < 5
    assert report.status == "rejected"
    assert [p.reason for p in report.problems] == [
        "the file is 1024.00 MB, larger than the maximum of 50 MB (setting MAX_UPLOAD_MB); "
        "split it into smaller submissions"
    ]
    after = _counts(stored)
    assert after["case_measurement"] == before["case_measurement"]
    assert after["submission"] == before["submission"] + 1


def test_cli_refuses_a_file_over_the_cap(stored, cli, tmp_path, cap_mb):
    cap_mb("1")
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    code, out, err = cli("ingest", str(path), "--org", "SCH-01")
    assert code == 9 and "rejected" in out
    assert "MAX_UPLOAD_MB" in err.replace("\n", "") and "Traceback" not in err


def test_max_upload_mb_setting_is_validated_and_read_by_the_api(cap_mb):
    cap_mb(None)
    assert get_settings().max_upload_mb == 50
    assert limits.max_upload_bytes() == limits.DEFAULT_MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    cap_mb("3")
    assert limits.max_upload_bytes() == 3 * 1024 * 1024
    declared = [m for m in create_api().user_middleware if m.cls is limits.BodyLimitMiddleware]
    assert declared[0].kwargs["max_bytes"] == 3 * 1024 * 1024
    for bad in ("0", "-5", "lots", "1.5", ""):
        cap_mb(bad)
        with pytest.raises(SettingsError, match="MAX_UPLOAD_MB"):
            get_settings()
