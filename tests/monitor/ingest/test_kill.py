"""A batch is one transaction: an ingest killed (SIGKILL) in the middle of writing leaves no
trace, and the next ingest succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import polars as pl
from sqlmodel import func, select

from monitor.ingest import ingest_file
from monitor.ingest.store import CHUNK
from schema import AuditEntry, CaseMeasurement, Child, Submission
from tests.monitor.ingest.helpers import case_row, valid_bsns, write_case

CHILD = textwrap.dedent(
    """
    import os, sys, time
    from sqlmodel import Session
    from monitor.db import get_engine
    from monitor.ingest import ingest_file

    def progress(done, total):
        print(f"progress {done} {total}", flush=True)
        if done < total:
            time.sleep(120)  # hold the open transaction mid-write until we are killed

    with Session(get_engine(os.environ["DATABASE_URL"])) as session:
        ingest_file(session, sys.argv[1], organisation_code="SCH-01", progress=progress)
    print("finished", flush=True)
    """
)


def _counts(session) -> tuple[int, ...]:
    session.rollback()
    return tuple(
        session.exec(select(func.count()).select_from(model)).one()
        for model in (CaseMeasurement, Child, Submission, AuditEntry)
    )


def _big_file(path, rows: int):
    bsns = valid_bsns(5_000, start=30_000_000)
    frame = pl.DataFrame(
        {
            "bsn": [bsns[i % 5_000] for i in range(rows)],
            "indicator": "CH_ABS",
            "date": [
                f"2024-{1 + (i // 5_000) % 12:02d}-{1 + i // 60_000:02d}" for i in range(rows)
            ],
            "value": [str(i % 100) for i in range(rows)],
            "birth_month": "2014-05",
            "sex": "m",
            "municipality": "GM0363",
        }
    )
    frame.write_parquet(path)
    return path


def test_killed_ingest_leaves_no_trace(orgs, tmp_path):
    ingest_file(orgs, write_case(tmp_path / "first.csv", [case_row()]), organisation_code="SCH-01")
    before = _counts(orgs)
    orgs.close()
    big = _big_file(tmp_path / "big.parquet", CHUNK + 10_000)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    process = subprocess.Popen(
        [sys.executable, str(script), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        cwd=os.getcwd(),
    )
    seen = []
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            seen.append(line.strip())
            parts = line.split()
            if parts[0] == "progress" and 0 < int(parts[1]) < int(parts[2]):
                process.send_signal(signal.SIGKILL)
                break
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, (seen, process.stderr.read())  # type: ignore[union-attr]
    assert seen and seen[-1] == f"progress {CHUNK} {CHUNK + 10_000}"  # killed mid-write
    assert _counts(orgs) == before
    report = ingest_file(orgs, big, organisation_code="SCH-01")
    assert (report.status, report.rows_accepted) == ("accepted", CHUNK + 10_000)
    assert _counts(orgs)[:2] == (before[0] + CHUNK + 10_000, before[1] + 5_000)
