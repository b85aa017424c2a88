"""Combine JSON files written by ``benchmarks/coverage.py --json`` into one table.

python benchmarks/coverage_combine.py run1.json run2.json ...

A ``.jsonl`` file (the per-seed lines ``--json`` also writes as the run goes) counts too, so
the seeds of an interrupted run can be combined; a seed found twice is counted once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage import print_table, summarise  # noqa: E402


def main(paths: list[str]) -> int:
    runs, truths, seconds = [], set(), 0.0
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        if path.endswith(".jsonl"):
            runs += [json.loads(line) for line in text.splitlines() if line.strip()]
            continue
        part = json.loads(text)
        runs += part["runs"]
        truths.add(part.get("truth", "configured"))
        seconds += float(part.get("seconds", 0.0))
    runs = sorted({r["seed"]: r for r in runs}.values(), key=lambda r: r["seed"])
    truths = truths or {"realised"}
    report = {"seeds": [r["seed"] for r in runs], "truth": "/".join(sorted(truths)), "runs": runs}
    report["summary"] = summarise(runs)
    print_table(report)
    if seconds:
        print(f"{seconds:.0f} s in the JSON files' runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
