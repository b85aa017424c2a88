"""``python -m synthetic_data --size demo --seed 42 --out DIR [--with-errors]``."""

from __future__ import annotations

import argparse
import json
import sys

from synthetic_data.config import SIZES
from synthetic_data.generator import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synthetic_data", description="Generate synthetic Common Monitor data."
    )
    parser.add_argument("--size", choices=SIZES, default="demo")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--with-errors", action="store_true", help="inject realistic bad rows")
    parser.add_argument(
        "--municipalities", type=int, default=None, help="keep only the first N municipalities"
    )
    args = parser.parse_args(argv)

    def report(done: int, total: int, message: str) -> None:
        print(f"[{done}/{total}] {message}", file=sys.stderr, flush=True)

    summary = generate(
        args.size,
        args.seed,
        args.out,
        with_errors=args.with_errors,
        progress=report,
        n_municipalities=args.municipalities,
    )
    print(json.dumps(summary.as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
