"""Decompression bombs and oversized inputs are refused before they are expanded: peak
memory of reading each one (in a fresh interpreter, VmHWM) stays near the interpreter's
own, and a plausible CSV at the upload cap stays under a stated bound (README, Limits).

Measured on the 2-core test machine (baseline: the interpreter with its imports, ~180 MB)
before the limits: sharedStrings bomb 4.5 MB -> 4,177 MB; sheet bomb 0.5 MB (6 M cells)
-> 1,057 MB and 58 s; sparse A1..XFD1048576 bomb: the process aborted (allocation
failure); Parquet of 50 M repeated rows 0.4 MB -> 4,807 MB; CSV at the 50 MB cap 477 MB.
"""

from __future__ import annotations

import sys

import pytest

from tests.security import bombs

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")

#: Refusing a bomb may cost at most this much above reading a two-line CSV.
REFUSAL_HEADROOM_MB = 100
#: Reading a plausible CSV at the 50 MB upload cap (1.1 M rows, 7.6 M cells): the README
#: states 0.5 GB; the bound leaves room for allocator noise.
CSV_AT_CAP_MB = 700


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> float:
    return bombs.baseline_rss_mb(tmp_path_factory.mktemp("baseline"))


@pytest.mark.parametrize(
    ("build", "name", "refusal"),
    [
        (bombs.shared_strings_bomb, "strings.xlsx", "MAX_UNZIPPED_MB"),
        (lambda: bombs.sheet_bomb(6_000_000), "sheet.xlsx", "MAX_UPLOAD_CELLS"),
        (bombs.sparse_bomb, "sparse.xlsx", "used range is 1,048,576 rows by 16,384 columns"),
        (bombs.parquet_bomb, "rows.parquet", "MAX_UPLOAD_CELLS"),
    ],
    ids=["shared-strings", "sheet", "sparse", "parquet"],
)
def test_bomb_is_refused_unexpanded(build, name, refusal, baseline, tmp_path):
    data = build()
    assert len(data) < 5 * 1024 * 1024  # far under MAX_UPLOAD_MB: the size cap cannot help
    peak, outcome = bombs.peak_rss_mb(data, name, tmp_path)
    assert outcome.startswith("refused: "), outcome
    assert refusal in outcome
    assert peak < baseline + REFUSAL_HEADROOM_MB, (peak, baseline)


def test_csv_at_the_upload_cap_reads_in_bounded_memory(tmp_path):
    data = bombs.csv_at_cap(50)
    peak, outcome = bombs.peak_rss_mb(data, "cap.csv", tmp_path)
    assert outcome.startswith("read "), outcome
    assert peak < CSV_AT_CAP_MB, peak


def test_csv_of_tiny_cells_is_refused_by_count(tmp_path):
    data = b"a,b,c,d\n" + b"1,2,3,4\n" * 3_000_000  # 12 M cells in 24 MB
    peak, outcome = bombs.peak_rss_mb(data, "tiny-cells.csv", tmp_path)
    assert "MAX_UPLOAD_CELLS" in outcome


def test_deeply_nested_json_is_refused_clearly(tmp_path):
    data = b"[" * 100_000 + b"]" * 100_000
    _peak, outcome = bombs.peak_rss_mb(data, "deep.json", tmp_path)
    assert outcome == "refused: not usable JSON: it is nested too deeply; send a flat list of rows"


@pytest.mark.parametrize("build", [bombs.shared_strings_bomb, lambda: bombs.sheet_bomb(6_000_000)])
def test_bomb_lying_about_its_size_is_refused(build, baseline, tmp_path):
    peak, outcome = bombs.peak_rss_mb(bombs.lying_sizes(build()), "lying.xlsx", tmp_path)
    assert "does not match its declared size" in outcome, outcome
    assert peak < baseline + REFUSAL_HEADROOM_MB, (peak, baseline)
