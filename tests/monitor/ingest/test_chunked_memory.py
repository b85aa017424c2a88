"""A case file read in chunks holds no more memory for a longer file: the peak RSS of
``monitor ingest`` (a child process, ``VmHWM``) for a file of 4N rows stays within a
bound of the peak for N rows; and the longer file, with a bad last row, stores nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from sqlmodel import func, select

from schema import CaseMeasurement, Child

ROOT = Path(__file__).resolve().parents[3]
CHUNK = 10_000
N = 60_000
#: Allowed growth of the peak from N to 4N rows (180,000 rows more). Legitimate growth: the
#: cross-chunk hashes, 16 bytes a key and 16 a child (180,000 keys, 18,000 children: 3 MiB),
#: and allocator noise (one 10,000-row chunk's working set is ~30 MiB); measured: +26 MiB
#: (198 -> 225 MiB). Holding the rows, as the whole-file reader does (~0.7 KiB a row), would
#: add ~120 MiB.
BOUND_MIB = 40
CHILD = (
    "import sys; from monitor.ingest import chunked; chunked.CHUNK_ROWS = int(sys.argv[2]); "
    "from monitor.cli import main; code = main(['ingest', sys.argv[1], '--org', 'SCH-01']); "
    "print('VmHWM', [l.split()[1] for l in open('/proc/self/status') "
    "if l.startswith('VmHWM')][0], file=sys.stderr); sys.exit(code)"
)


def _case_file(path: Path, rows: int, prefix: str, *, bad_last: bool = False) -> Path:
    """``rows`` valid CH_ABS rows, ten per child (attributes on its first row only)."""
    children = rows // 10
    i = pl.col("i")
    child, first = i % children, i < children
    frame = pl.DataFrame({"i": pl.int_range(rows, eager=True)}).select(
        child_ref=pl.lit(prefix) + child.cast(pl.String),
        indicator=pl.lit("CH_ABS"),
        date=pl.lit("2024-") + (1 + i // children).cast(pl.String).str.zfill(2) + "-15",
        value=pl.when(bad_last & (i == rows - 1))
        .then(pl.lit("lots"))
        .otherwise((i % 20).cast(pl.String)),
        birth_month=pl.when(first).then(pl.lit("2014-05")),
        sex=pl.when(first).then(pl.lit("f")),
        municipality=pl.when(first).then(pl.lit("GM0363")),
    )
    frame.write_csv(path)
    return path


def _peak_mib(path: Path) -> tuple[int, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(CHUNK)],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "VmHWM" in done.stderr, done.stdout + done.stderr
    return done.returncode, int(done.stderr.split("VmHWM", 1)[1].split()[0]) / 1024


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_peak_memory_does_not_grow_with_the_file(orgs, tmp_path):
    orgs.commit()
    code, small = _peak_mib(_case_file(tmp_path / "small.csv", N, "s"))
    assert code == 0
    assert orgs.exec(select(func.count()).select_from(CaseMeasurement)).one() == N
    code, large = _peak_mib(_case_file(tmp_path / "large.csv", 4 * N, "l", bad_last=True))
    assert code != 0  # rejected: the last row's value is not a number
    # all or nothing: the 23 chunks stored before the bad last row are rolled back
    assert orgs.exec(select(func.count()).select_from(CaseMeasurement)).one() == N
    assert orgs.exec(select(func.count()).select_from(Child)).one() == N // 10
    assert large - small < BOUND_MIB, f"peak {small:.0f} MiB for {N:,} rows, {large:.0f} for 4x"
