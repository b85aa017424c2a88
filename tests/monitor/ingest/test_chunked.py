"""Case files read chunk by chunk (tiny chunks here): still all or nothing, the same
problems as a whole-file check (duplicates and children's attributes across chunks), and
every problem in the rejects file while the report lists the first ones."""

from __future__ import annotations

import csv
import tempfile

import polars as pl
import pytest
from sqlmodel import func, select

from monitor import auth, views
from monitor.ingest import chunked, ingest_file, ingest_frame
from monitor.policy import principal_for
from schema import CaseMeasurement, Child, Submission
from tests.monitor.ingest.helpers import NEW_CHILD, valid_bsns, write_case

BSNS = valid_bsns(4, start=30_000_000)


def _rows(count: int) -> list[dict[str, str]]:
    """``count`` valid rows: four children, a new month per row, attributes on each child's
    first row only (rows 2..5 of the file)."""
    rows = []
    for n in range(count):
        child = n % 4
        row = {"bsn": BSNS[child], "indicator": "CH_ABS", "value": "3",
               "date": f"20{20 + n // 48}-{1 + n // 4 % 12:02d}-{1 + n % 28:02d}"}  # fmt: skip
        if n < 4:
            row.update(NEW_CHILD)
        rows.append(row)
    return rows


@pytest.fixture
def chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunks of 7 rows; the sizes of the chunks read, in order."""
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 7)
    seen: list[int] = []
    original = chunked.Source.chunks

    def counted(self: chunked.Source):  # noqa: ANN202
        for chunk in original(self):
            seen.append(chunk.height)
            yield chunk

    monkeypatch.setattr(chunked.Source, "chunks", counted)
    return seen


def _count(session, model) -> int:  # noqa: ANN001
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_bad_row_in_the_last_chunk_stores_nothing(orgs, tmp_path, chunks, suffix):
    rows = _rows(30)
    rows[-1]["value"] = "lots"  # file row 31, in the fifth chunk (rows 30..31)
    path = write_case(tmp_path / "cases.csv", rows)
    if suffix == ".parquet":
        path = tmp_path / "cases.parquet"
        pl.read_csv(tmp_path / "cases.csv", infer_schema=False).write_parquet(path)
    report = ingest_file(orgs, path, organisation_code="SCH-01")
    assert chunks == [7, 7, 7, 7, 2]  # read in chunks, not whole
    assert report.status == "rejected"
    assert [(p.file, p.row, p.column, p.reason) for p in report.problems] == [
        (path.name, 31, "value", "not a number")
    ]
    assert (report.rows_read, report.rows_rejected) == (30, 1)
    assert _count(orgs, CaseMeasurement) == 0 and _count(orgs, Child) == 0
    assert orgs.exec(select(Submission.status)).all() == ["rejected"]


def test_the_same_file_without_the_bad_row_is_stored_whole(orgs, tmp_path, chunks):
    report = ingest_file(orgs, write_case(tmp_path / "cases.csv", _rows(30)),
                         organisation_code="SCH-01")  # fmt: skip
    assert len(chunks) == 5
    assert (report.status, report.rows_accepted, report.rows_stored) == ("accepted", 30, 30)
    assert _count(orgs, CaseMeasurement) == 30 and _count(orgs, Child) == 4


def test_problems_across_chunks_are_those_of_the_whole_file(orgs, tmp_path, chunks):
    rows = _rows(24)
    rows[20] = dict(rows[1])  # file row 22 repeats row 3 (three chunks earlier)
    rows.append({"bsn": valid_bsns(1, start=31_000_000)[0], "indicator": "CH_ABS",
                 "date": "2024-01-01", "value": "1"})  # fmt: skip # row 26: new, no attributes
    path = write_case(tmp_path / "cases.csv", rows)
    report = ingest_file(orgs, path, organisation_code="SCH-01", dry_run=True)
    found = [(p.row, p.column, p.reason) for p in report.problems]
    duplicate = "duplicate of row 3: same child, indicator, category, date and source kind"
    attributes = "required on each child's first row in a file (birth_month, sex, municipality)"
    assert found == [
        (22, "indicator", duplicate),
        (26, "birth_month", attributes),
        (26, "sex", attributes),
        (26, "municipality", attributes),
    ]
    # the whole-frame path (one frame, no chunks) reports exactly the same
    whole = ingest_frame(orgs, pl.read_csv(path, infer_schema=False), file_name=path.name,
                         organisation_code="SCH-01", dry_run=True)  # fmt: skip
    assert [(p.row, p.column, p.reason) for p in whole.problems] == found


def test_accept_valid_across_chunks(orgs, tmp_path, chunks):
    rows = _rows(12)
    rows[0]["value"] = "x"  # child 1's only row with attributes is rejected (row 2) ...
    path = write_case(tmp_path / "cases.csv", rows)
    report = ingest_file(orgs, path, organisation_code="SCH-01", accept_valid=True)
    # ... so its later rows (6 in chunk one, 10 in chunk two) cannot be stored
    assert chunks == [7, 5]
    assert sorted({p.row for p in report.problems}) == [2, 6, 10]
    assert (report.status, report.rows_accepted, report.rows_rejected) == ("partial", 9, 3)
    assert _count(orgs, CaseMeasurement) == 9 and _count(orgs, Child) == 3


def test_every_problem_reaches_the_rejects_file(orgs, tmp_path, chunks, monkeypatch):
    monkeypatch.setattr(chunked, "LISTED", 3)
    rows = _rows(20)
    for row in rows[4:]:
        row["value"] = "-1"  # rows 6..21: 16 problems over three chunks
    report = ingest_file(orgs, write_case(tmp_path / "cases.csv", rows),
                         organisation_code="SCH-01")  # fmt: skip
    assert report.status == "rejected"
    assert (len(report.problems), report.problems_more, report.rows_rejected) == (3, 13, 16)
    assert report.message == "nothing stored: 16 problem(s) in 16 row(s)"
    with report.rejects_csv(tmp_path / "rejects.csv").open(newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["file", "row", "column", "value", "reason", "severity"]
    assert [int(line[1]) for line in lines[1:]] == list(range(6, 22))
    stored = orgs.exec(select(Submission.message)).one()
    assert stored.endswith("... and 13 more problem(s)")


def test_no_rejects_file_is_left_behind(orgs, tmp_path, chunks, monkeypatch):
    """The rejects file of a big file (it holds the rejected values) is moved to where the
    CLI's user asked, and deleted after a web upload, which lists the first problems."""
    monkeypatch.setattr(chunked, "LISTED", 3)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    rows = _rows(20)
    for row in rows[4:]:
        row["value"] = "-1"
    path = write_case(tmp_path / "cases.csv", rows)
    report = ingest_file(orgs, path, organisation_code="SCH-01", dry_run=True)
    assert [p.name[:8] for p in scratch.iterdir()] == ["rejects-"]  # written while reading
    kept = report.rejects_csv(tmp_path / "mine.csv")
    assert list(scratch.iterdir()) == [] and len(kept.read_text().splitlines()) == 17
    user = auth.create_user(orgs, username="entry_sch", password="entry-password-1")
    auth.grant_role(orgs, user, "partner_entry", "SCH-01")
    orgs.commit()  # a rejected batch rolls its transaction back
    report = views.submit_file(orgs, principal_for(orgs, user), path, organisation_code="SCH-01")
    assert (report.status, len(report.problems), report.problems_more) == ("rejected", 3, 13)
    assert list(scratch.iterdir()) == []
