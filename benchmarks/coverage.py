"""Are the 95% intervals honest? Coverage and bias over seeds of the synthetic panel.

For each seed the municipality-size panel is generated and, on the network x half-year
referral series built from its aggregate files (as in :mod:`benchmarks.recovery`):

* **ITS level change** - segmented Poisson/NB regression on the treated networks (rate
  ratio; truth 0.75 = 1 + ``truth.json`` ``effects.referral_relative_change``);
* **robust DiD overall effect** - ``fit_did``'s default on staggered starts, Callaway &
  Sant'Anna (doubly robust, never-started comparison networks, multiplier bootstrap) on
  ``log(referral rate)``; truth log(0.75);
* **referral rate ratio** - Poisson/NB with network and half-year effects (truth 0.75);
* **growth-model slope difference** - on the yearly ``CH_SEM`` scores
  (:mod:`growth_panel`): the study file ``growth_programme.yaml`` run through
  :func:`analysis.study.run_study` (as ``monitor analyse growth``) on the frame of
  :func:`analysis.prepare.growth_frame` with programme exposure
  (:func:`analysis.prepare.programme_schools` from ``memberships.csv`` and ``events.csv``):
  ``value ~ age + programme_years + calendar_years``, an intercept and age slope per school
  (``school_effects``) and a random intercept and age slope per child, REML on the fast
  path; truth ``effects.wellbeing_slope_change_per_year`` (1.5 points per year of exposure),
  or, realised, ``truth.json`` ``realised.wellbeing_effect_on_exposed`` mean shift / mean
  exposure years (the effect after clipping and rounding). The school terms are needed: the
  generator gives every school its own intercept and age slope, which change when a child
  changes school (secondary school at 12, moves), so with child random effects alone they
  load onto the exposure slope: seeds 1-4 gave 1.70, 0.83, 1.59, 1.34 (SD 0.37) against a
  model SE of 0.04 (0 of 4 intervals covered; a CR1 sandwich over the first school, SE 0.10,
  still far too narrow). School intercepts alone left seed 2 at 1.18; intercepts and age
  slopes per school gave 1.48 and 1.50 (SE 0.04) on seeds 1 and 2.

Per estimand: the share of 95% intervals that cover the truth (target 93-97%), printed
with its Monte-Carlo 95% interval (share +- 1.96 sqrt(v / seeds), v the larger of
share (1 - share) and 0.95 x 0.05, so that 100% of 40 still shows its uncertainty), and
the bias (mean estimate - truth on the estimation scale, log for ratios) relative to the
mean standard error (target within 10%). The standard error is read back from the
interval (half-width / 1.96 on the estimation scale).

Run from the repository root::

    python benchmarks/coverage.py                 # 200 seeds, 2 processes
    python benchmarks/coverage.py --seeds 40 --jobs 1
    python benchmarks/coverage.py --only growth_slope_difference --seeds 40

The panels are generated without the dated deliveries (``generate(deliveries=False)``):
they are cut from the finished files afterwards and the study reads none of them.
"""

from __future__ import annotations

import os

# one BLAS thread per worker: the fits are many small products, and threads that spin on a
# shared 2-core machine cost three times the work (set before numpy is first imported)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from contextlib import nullcontext  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from unittest import mock  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import polars as pl  # noqa: E402
from growth_panel import fit_slope_difference  # noqa: E402
from recovery import referral_series  # noqa: E402

from analysis import fit_did, fit_rates  # noqa: E402
from synthetic_data import generate  # noqa: E402
from synthetic_data.config import Effects  # noqa: E402

Z95 = 1.959963984540054
ESTIMANDS = {
    "its_level_change": "ITS level change (rate ratio)",
    "robust_did": "Robust DiD overall effect (C&S, log rate)",
    "referral_rate_ratio": "Referral rate ratio (Poisson TWFE)",
    "growth_slope_difference": "Growth slope difference (points/year)",
}
REFERRAL_ESTIMANDS = ("its_level_change", "robust_did", "referral_rate_ratio")
RATIOS = {"its_level_change", "referral_rate_ratio"}


def counterfactual_series(seed: int, size: str) -> pl.DataFrame:
    """The same seed's referral series without the programme effect (common random numbers:
    a child-month has a referral when its uniform draw is below the hazard, so only the
    treated child-months' outcomes change)."""
    from synthetic_data import generator

    no_effect = Effects(referral_relative_change=0.0)
    with (
        tempfile.TemporaryDirectory(prefix=f"coverage-cf-{seed}-") as tmp,
        mock.patch.object(generator, "Effects", lambda: no_effect),
    ):
        generate(size, seed, Path(tmp), deliveries=False)
        return referral_series(Path(tmp))


def realised_ratio(frame: pl.DataFrame, counterfactual: pl.DataFrame) -> float:
    """Treated networks' referrals after the start over the same cells without the effect."""
    keys = ["network_id", "period"]
    both = frame.filter(pl.col("exposed") == 1).join(
        counterfactual.select(*keys, pl.col("count").alias("count_cf")), on=keys
    )
    return float(both["count"].sum() / both["count_cf"].sum())


def fit_seed(
    seed: int,
    size: str = "municipality",
    truth: str = "realised",
    estimands: tuple[str, ...] = tuple(ESTIMANDS),
) -> dict[str, Any]:
    """Generate one panel and return estimate, interval and truth per estimand."""
    with tempfile.TemporaryDirectory(prefix=f"coverage-{seed}-") as tmp:
        out_dir = Path(tmp)
        generate(size, seed, out_dir, deliveries=False)
        configured = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
        out: dict[str, Any] = {"seed": seed}
        if "growth_slope_difference" in estimands:
            out["growth_slope_difference"] = _growth_row(out_dir, configured, truth)
        if not set(REFERRAL_ESTIMANDS) & set(estimands):
            return out
        frame = referral_series(out_dir)
    ratio = 1.0 + float(configured["effects"]["referral_relative_change"])
    out["configured_ratio"] = ratio
    if truth == "realised":
        ratio = realised_ratio(frame, counterfactual_series(seed, size))
    out["truth_ratio"] = ratio
    its = fit_rates(
        frame.filter(frame["treated"] == 1),
        count="count",
        children="children",
        exposure="post",
        period="period",
        network=None,
        covariates=["network_id", "season"],
        time_trend=True,
        family="auto",
    ).term("post")
    out["its_level_change"] = _log_row(its["rate_ratio"], its["rate_ratio_ci_low"],
                                       its["rate_ratio_ci_high"], ratio)  # fmt: skip
    did = fit_did(frame, outcome="log_rate", unit="network_id", period="period").term("did")
    out["robust_did"] = _row(did["estimate"], did["ci_low"], did["ci_high"], math.log(ratio))
    rates = fit_rates(
        frame, exposure="exposed", covariates=["network_id", "period"], time_trend=False
    ).term("exposed")
    out["referral_rate_ratio"] = _log_row(rates["rate_ratio"], rates["rate_ratio_ci_low"],
                                          rates["rate_ratio_ci_high"], ratio)  # fmt: skip
    return out


def _growth_row(out_dir: Path, configured: dict[str, Any], truth: str) -> dict[str, float]:
    """The slope difference per year of exposure against the configured or realised effect."""
    slope = float(configured["effects"]["wellbeing_slope_change_per_year"])
    if truth == "realised":
        realised = configured["realised"]["wellbeing_effect_on_exposed"]
        slope = realised["mean_shift_points"] / realised["mean_exposure_years"]
    fit = fit_slope_difference(out_dir)
    if not fit["converged"]:
        raise RuntimeError(f"growth fit did not converge on {out_dir}")
    return _row(fit["estimate"], fit["ci_low"], fit["ci_high"], slope)


def _log_row(ratio: float, low: float, high: float, truth: float) -> dict[str, float]:
    return _row(math.log(ratio), math.log(low), math.log(high), math.log(truth))


def _row(estimate: float, low: float, high: float, truth: float) -> dict[str, float]:
    return {
        "estimate": float(estimate),
        "se": (float(high) - float(low)) / (2 * Z95),
        "truth": float(truth),
        "covered": bool(low <= truth <= high),
    }


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Coverage share (with its Monte-Carlo SE) and bias / mean SE per estimand."""
    rows = []
    for name, label in ESTIMANDS.items():
        values = [r[name] for r in runs if name in r]
        if not values:
            continue
        mean_se = statistics.fmean(v["se"] for v in values)
        bias = statistics.fmean(v["estimate"] - v["truth"] for v in values)
        sd = statistics.stdev(v["estimate"] for v in values) if len(values) > 1 else math.nan
        covered = sum(v["covered"] for v in values)
        rows.append(
            {
                "estimand": name,
                "label": label,
                "runs": len(values),
                "coverage": covered / len(values),
                "coverage_mc_se": math.sqrt(0.95 * 0.05 / len(values)),
                "coverage_band": _band(covered, len(values)),
                "bias": bias,
                "bias_mc_se": sd / math.sqrt(len(values)),
                "mean_se": mean_se,
                "sd_estimates": sd,
                "bias_over_se": bias / mean_se,
                "ok": 0.93 <= covered / len(values) <= 0.97 and abs(bias / mean_se) <= 0.10,
            }
        )
    return rows


def _band(covered: int, runs: int) -> tuple[float, float]:
    """Monte-Carlo 95% interval of a coverage share (normal approximation, clipped)."""
    share = covered / runs
    half = Z95 * math.sqrt(max(share * (1 - share), 0.95 * 0.05) / runs)
    return max(share - half, 0.0), min(share + half, 1.0)


def run(
    seeds: list[int],
    *,
    jobs: int = 2,
    size: str = "municipality",
    truth: str = "realised",
    estimands: tuple[str, ...] = tuple(ESTIMANDS),
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Fit every seed (in ``jobs`` processes) and summarise; ``on_result`` sees each seed's
    run as soon as it is done (one slow seed holds back no others)."""
    runs = []
    with ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else nullcontext() as pool:
        if pool is None:
            done = (fit_seed(s, size, truth, estimands) for s in seeds)
        else:
            futures = [pool.submit(fit_seed, s, size, truth, estimands) for s in seeds]
            done = (f.result() for f in as_completed(futures))
        for one in done:
            runs.append(one)
            if on_result is not None:
                on_result(one)
    runs.sort(key=lambda r: r["seed"])
    return {"seeds": seeds, "truth": truth, "runs": runs, "summary": summarise(runs)}


def print_table(report: dict[str, Any]) -> None:
    """Coverage (target 93-97%), bias / SE (target within 10%), SD of estimates vs SE."""
    seeds = report["seeds"]
    ratios = [r["truth_ratio"] for r in report["runs"] if "truth_ratio" in r]
    span = f" (rate ratio {min(ratios):.4f}..{max(ratios):.4f})" if ratios else ""
    print(
        f"{len(seeds)} seeds ({seeds[0]}..{seeds[-1]}), municipality size, {report['truth']} "
        f"truth{span}; coverage [its Monte-Carlo 95% interval], bias +- its Monte-Carlo SE"
    )
    head = (
        f"{'estimand':40} {'runs':>4} {'coverage [MC 95%]':>22} {'bias':>17} {'mean SE':>8} "
        f"{'SD est':>8} {'bias/SE':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in report["summary"]:
        low, high = r.get("coverage_band") or _band(round(r["coverage"] * r["runs"]), r["runs"])
        print(
            f"{r['label']:40} {r['runs']:4d} {r['coverage']:6.1%} [{low:5.1%}, {high:6.1%}] "
            f"{r['bias']:8.4f} +- {r['bias_mc_se']:.4f} {r['mean_se']:8.4f} "
            f"{r['sd_estimates']:8.4f} {r['bias_over_se']:8.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--only", nargs="+", choices=list(ESTIMANDS), default=list(ESTIMANDS),
        help="estimands to run (default all)",
    )  # fmt: skip
    parser.add_argument(
        "--truth",
        choices=["realised", "configured"],
        default="realised",
        help="realised: the seed's own effect on the referral counts (a second run without "
        "the effect) and on the scores (truth.json realised); configured: "
        "1 + effects.referral_relative_change and effects.wellbeing_slope_change_per_year",
    )
    args = parser.parse_args(argv)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    started = time.perf_counter()
    keep = None
    if args.json:  # each seed also as a line of <json>l, so an interrupted run is not lost
        lines = args.json.with_suffix(args.json.suffix + "l")
        lines.write_text("", encoding="utf-8")

        def keep(one: dict[str, Any]) -> None:
            with lines.open("a", encoding="utf-8") as out:
                out.write(json.dumps(one) + "\n")

    report = run(
        seeds, jobs=args.jobs, truth=args.truth, estimands=tuple(args.only), on_result=keep
    )
    report["seconds"] = round(time.perf_counter() - started, 1)
    print_table(report)
    print(f"{report['seconds']:.0f} s with {args.jobs} process(es)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
