"""Combine JSON files written by ``benchmarks/coverage.py --json`` into one table.

python benchmarks/coverage_combine.py run1.json run2.json ...
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage import print_table, summarise  # noqa: E402


def main(paths: list[str]) -> int:
    runs = []
    for path in paths:
        runs += json.loads(Path(path).read_text(encoding="utf-8"))["runs"]
    runs.sort(key=lambda r: r["seed"])
    for r in runs:
        r.setdefault("truth_ratio", 0.75)
    report = {"seeds": [r["seed"] for r in runs], "truth": "configured", "runs": runs}
    report["summary"] = summarise(runs)
    print_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
