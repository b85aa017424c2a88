"""Peak memory of ``monitor ingest`` (a child process) on big case files.

Two cases, each ingested by the CLI in a child process that reports its own peak RSS
(``VmHWM`` of ``/proc/self/status`` at exit):

1. ``--rows`` (default 10,000,000) case rows as Parquet (:func:`benchmarks.ingest.generate`:
   seven columns, 100,000 children per million rows), with the upload caps lifted for the
   run (``MAX_UPLOAD_MB``, ``MAX_UPLOAD_CELLS``, ``MAX_UNZIPPED_MB``): target <= 600 MiB;
2. the worst CSV the default caps admit: as many rows as fit in ``MAX_UPLOAD_MB`` (50 MB)
   and ``MAX_UPLOAD_CELLS`` (10 M cells: 1.43 M rows of the seven columns a valid case file
   needs, attributes on each child's first row only): target <= 400 MiB.

Run through ``python benchmarks/ingest.py --memory [--rows N]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

from monitor.settings import Settings

#: the CLI, reporting its own peak (VmHWM: this process only; ru_maxrss would count the
#: forked benchmark's memory from before the exec too)
CLI = (
    "import atexit, sys; atexit.register(lambda: print('VmHWM', [l.split()[1] for l in "
    "open('/proc/self/status') if l.startswith('VmHWM')][0], file=sys.stderr)); "
    "from monitor.cli import main; sys.exit(main())"
)
MiB = 1024 * 1024


def _child_ingest(path: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``monitor ingest path --org SCH-01`` in a child; (seconds, peak MiB, last line)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI, "ingest", str(path), "--org", "SCH-01"],
        env={**os.environ, **env}, capture_output=True, text=True, check=False,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ingest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    peak_kib = int(done.stderr.split("VmHWM", 1)[1].split()[0])
    return seconds, peak_kib / 1024, done.stdout.strip().splitlines()[0]


def worst_csv(path: Path, children: int = 1_000) -> int:
    """The most rows that fit the default caps (bytes and cells), with the shortest columns
    a valid case file has: a child's first row carries its attributes, later rows leave
    them empty."""
    settings = Settings()
    max_bytes = settings.max_upload_mb * MiB
    header = "child_ref,indicator,date,value,birth_month,sex,municipality\n"
    # counted as (newlines + 1) x fields: the header and the final newline count too
    max_rows = settings.max_upload_cells // 7 - 2
    days = [date(2021, 1, 1) + timedelta(d) for d in range(5 * 365)]
    size = len(header)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        for day in days:
            for indicator in ("CH_ABS", "CH_ABS_UNAUTH"):
                for child in range(children):
                    tail = ",2014-05,f,GM0363" if rows < children else ",,"
                    line = f"c{child},{indicator},{day},{(child + day.day) % 100}{tail}\n"
                    if size + len(line) > max_bytes or rows == max_rows:
                        return rows
                    handle.write(line)
                    size += len(line)
                    rows += 1
    return rows


def run_memory(admin_url: str, rows: int, bench: ModuleType, *, keep: bool) -> int:
    """Both cases, each in its own scratch database (``bench``: benchmarks/ingest.py)."""
    lifted = {"MAX_UPLOAD_MB": "100000", "MAX_UPLOAD_CELLS": str(10**10),
              "MAX_UNZIPPED_MB": "100000"}  # fmt: skip
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        parquet = bench.generate(rows, Path(tmp) / "cases.parquet")
        print(f"generated {rows:,} rows ({parquet.stat().st_size / 1e6:.0f} MB Parquet) in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        csv = Path(tmp) / "worst.csv"
        csv_rows = worst_csv(csv)
        print(f"worst-case CSV: {csv_rows:,} rows, {csv.stat().st_size / 1e6:.1f} MB", flush=True)
        cases = [("Parquet via CLI", parquet, rows, lifted, 600),
                 ("50 MB CSV via CLI", csv, csv_rows, {}, 400)]  # fmt: skip
        for label, path, count, env, target in cases:
            url = bench.scratch_database(admin_url)
            try:
                bench.prepare(url)
                env = {**env, "DATABASE_URL": url}
                seconds, peak, status = _child_ingest(path, env)
            finally:
                if not keep:
                    bench.drop_database(admin_url, url)
            results.append((label, count, seconds, peak, target))
            print(f"  {label}: {status}; {count / seconds:,.0f} rows/s, peak RSS {peak:,.0f} "
                  f"MiB (target <= {target})", flush=True)  # fmt: skip
    print("\n| file | rows | rows/s | peak RSS (MiB) | target |\n|---|---:|---:|---:|---:|")
    for label, count, seconds, peak, target in results:
        print(f"| {label} | {count:,} | {count / seconds:,.0f} | {peak:,.0f} | <= {target} |")
    return 0 if all(peak <= target for *_, peak, target in results) else 1
