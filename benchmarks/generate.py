"""Time and peak memory of the synthetic data generator per size.

    python benchmarks/generate.py                      # municipality and national
    python benchmarks/generate.py --sizes demo,municipality
    python benchmarks/generate.py --sizes national --municipalities 60

Each size runs in a fresh Python process so that its peak resident memory (``ru_maxrss``,
which includes numpy/polars/arrow buffers that ``tracemalloc`` cannot see) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_one(size: str, seed: int, out: Path, municipalities: int | None) -> dict[str, object]:
    """Generate one size in this process and measure it."""
    from synthetic_data import generate

    started = time.perf_counter()
    summary = generate(size, seed, out, n_municipalities=municipalities)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "size": size,
        "municipalities": summary.municipalities,
        "children": summary.children,
        "case_files": summary.case_files,
        "case_rows": summary.case_rows,
        "aggregate_rows": summary.aggregate_rows,
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "output_mib": round(_folder_bytes(out) / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="municipality,national")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--municipalities", type=int, default=None, help="national: first N only")
    parser.add_argument("--out", default=None, help="keep the output here (default: temp dir)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = run_one(args.child, args.seed, Path(args.out), args.municipalities)
        print(json.dumps(result))
        return 0
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        with tempfile.TemporaryDirectory(prefix=f"synthetic-{size}-") as tmp:
            out = Path(args.out) / size if args.out else Path(tmp)
            command = [sys.executable, __file__, "--child", size, "--seed", str(args.seed)]
            command += ["--out", str(out)]
            if args.municipalities and size == "national":
                command += ["--municipalities", str(args.municipalities)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return done.returncode
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{result['size']:>12}: {result['municipalities']:>4} municipalities, "
                f"{result['children']:>9,} children, {result['case_rows']:>11,} case rows in "
                f"{result['case_files']:>5} files, {result['seconds']:>7.1f} s, "
                f"peak RSS {result['peak_rss_mib']:>7.1f} MiB, output {result['output_mib']} MiB",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
