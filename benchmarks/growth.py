"""Growth-model fit time against R's lme4, on the same data in the same run.

Run from the repository root::

    python benchmarks/growth.py                       # 2,000 / 5,000 / 20,000 children x 8
    python benchmarks/growth.py --children 2000 5000  # other sizes
    python benchmarks/growth.py --statsmodels 5000    # also time statsmodels MixedLM up to 5,000

Model: ``value ~ time + exposed`` with a correlated random intercept and slope per child,
REML (lme4: ``lmer(value ~ time + exposed + (time | child_id), REML = TRUE)``). Data: 8 waves
per child with about 10% of the measurements missing at random (unequal group sizes);
true values intercept 50, slope 2, exposure +3, intercept SD 5, slope SD 1, correlation
0.3, residual SD 2.

Times are the median of ``--repeats`` fits, fit only: for Python the call of
:func:`analysis.fit_growth` on a polars frame (formula, design, optimisation, results), for
R ``system.time(lmer(...))`` on a data frame already read from the temporary CSV. lme4 is
timed only when ``Rscript`` with lme4 is installed (Debian: ``apt-get install r-cran-lme4``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import fit_growth  # noqa: E402

TRUTH = {"Intercept": 50.0, "time": 2.0, "exposed": 3.0}
SD_INTERCEPT, SD_SLOPE, CORRELATION, SD_RESIDUAL = 5.0, 1.0, 0.3, 2.0
TERMS = [
    "Intercept",
    "time",
    "exposed",
    "child_id Var",
    "child_id x time Cov",
    "time Var",
    "Residual Var",
]

R_NAMES = {
    "child_id_Var": "child_id Var",
    "child_id_x_time_Cov": "child_id x time Cov",
    "time_Var": "time Var",
    "Residual_Var": "Residual Var",
    "REML_criterion": "REML criterion",
}

R_SCRIPT = r"""
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c(child_id = "factor"))
reps <- as.integer(args[2])
secs <- numeric(reps)
for (i in seq_len(reps)) {
  secs[i] <- system.time(
    fit <- lmer(value ~ time + exposed + (time | child_id), data = d, REML = TRUE)
  )[["elapsed"]]
}
cat("seconds", median(secs), "\n")
fe <- fixef(fit)
cat("Intercept", format(fe[["(Intercept)"]], digits = 15), "\n")
cat("time", format(fe[["time"]], digits = 15), "\n")
cat("exposed", format(fe[["exposed"]], digits = 15), "\n")
vc <- VarCorr(fit)$child_id
cat("child_id_Var", format(vc[1, 1], digits = 15), "\n")
cat("child_id_x_time_Cov", format(vc[1, 2], digits = 15), "\n")
cat("time_Var", format(vc[2, 2], digits = 15), "\n")
cat("Residual_Var", format(sigma(fit)^2, digits = 15), "\n")
cat("REML_criterion", format(REMLcrit(fit), digits = 15), "\n")
cat("converged", is.null(fit@optinfo$conv$lme4$messages), "\n")
"""


def panel(n_children: int, *, n_waves: int = 8, missing: float = 0.1, seed: int = 0):
    """Long-format panel with known variance components (see the module docstring)."""
    rng = np.random.default_rng(seed)
    cov = np.array(
        [
            [SD_INTERCEPT**2, CORRELATION * SD_INTERCEPT * SD_SLOPE],
            [CORRELATION * SD_INTERCEPT * SD_SLOPE, SD_SLOPE**2],
        ]
    )
    effects = rng.multivariate_normal([0.0, 0.0], cov, n_children)
    child = np.repeat(np.arange(n_children), n_waves)
    wave = np.tile(np.arange(n_waves, dtype=float), n_children)
    joins = np.where(rng.random(n_children) < 0.5, rng.integers(1, n_waves, n_children), 99)
    exposed = (wave >= joins[child]).astype(int)
    value = (
        TRUTH["Intercept"]
        + effects[child, 0]
        + (TRUTH["time"] + effects[child, 1]) * wave
        + TRUTH["exposed"] * exposed
        + rng.normal(0, SD_RESIDUAL, child.size)
    )
    keep = rng.random(child.size) >= missing
    return pl.DataFrame(
        {
            "child_id": [f"C{c:06d}" for c in child[keep]],
            "time": wave[keep],
            "exposed": exposed[keep],
            "value": value[keep],
        }
    )


def time_python(data: pl.DataFrame, repeats: int, engine: str):
    seconds, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fit_growth(data, exposure="exposed", reml=True, engine=engine)
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds), result


def time_lme4(data: pl.DataFrame, repeats: int) -> tuple[float, dict[str, float]] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv, script = Path(tmp) / "panel.csv", Path(tmp) / "fit.R"
        data.write_csv(csv)
        script.write_text(R_SCRIPT)
        run = subprocess.run(
            ["Rscript", str(script), str(csv), str(repeats)],
            capture_output=True,
            text=True,
            check=False,
        )
    if run.returncode != 0:
        print(f"lme4 not timed: {run.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    values = dict(line.split()[:2] for line in run.stdout.splitlines() if line.strip())
    seconds = float(values.pop("seconds"))
    converged = values.pop("converged")
    estimates = {R_NAMES.get(k, k): float(v) for k, v in values.items()}
    estimates["converged"] = converged
    return seconds, estimates


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[2000, 5000, 20000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--statsmodels",
        type=int,
        default=0,
        metavar="N",
        help="also time the statsmodels path for sizes up to N children (slow)",
    )
    args = parser.parse_args(argv)

    rows, agreements = [], []
    for n in args.children:
        data = panel(n, seed=n)
        fast_s, fast = time_python(data, args.repeats, "auto")
        lme4 = time_lme4(data, args.repeats)
        sm_s = None
        if n <= args.statsmodels:
            sm_s, _ = time_python(data, 1, "statsmodels")
        rows.append((n, data.height, fast_s, lme4[0] if lme4 else None, sm_s, fast))
        agreements.append((n, fast, lme4[1] if lme4 else None))

    print(f"\ngrowth model, REML, random intercept + slope, median of {args.repeats} fits")
    head = f"{'children':>9} {'rows':>8} {'fast s':>8} {'lme4 s':>8} {'fast/lme4':>10}"
    head += f" {'ms/1000 ch':>11} {'statsmodels s':>14}  path"
    print(head)
    for n, height, fast_s, lme4_s, sm_s, fast in rows:
        ratio = f"{fast_s / lme4_s:10.2f}" if lme4_s else f"{'-':>10}"
        lme4_txt = f"{lme4_s:8.2f}" if lme4_s else f"{'-':>8}"
        sm_txt = f"{sm_s:14.2f}" if sm_s else f"{'-':>14}"
        path = "fast" if "analysis.mixed" in fast.description else "statsmodels"
        print(
            f"{n:>9,} {height:>8,} {fast_s:8.2f} {lme4_txt} {ratio} "
            f"{1000 * fast_s / n * 1000:11.1f} {sm_txt}  {path}"
        )

    for n, fast, lme4 in agreements:
        print(f"\nestimates at {n:,} children (truth: fixed effects {TRUTH}, ", end="")
        print(
            f"intercept var {SD_INTERCEPT**2:g}, cov {CORRELATION * SD_INTERCEPT * SD_SLOPE:g}, "
            f"slope var {SD_SLOPE**2:g}, residual var {SD_RESIDUAL**2:g})"
        )
        print(f"{'term':<22} {'fast':>16} {'lme4':>16} {'difference':>12}")
        for term in TERMS:
            ours = fast.term(term)["estimate"]
            if lme4 is None:
                print(f"{term:<22} {ours:16.8f}")
                continue
            theirs = lme4[term]
            print(f"{term:<22} {ours:16.8f} {theirs:16.8f} {ours - theirs:12.2e}")
        if lme4 is not None:
            ours, theirs = -2 * fast.fit.llf, lme4["REML criterion"]
            print(f"{'REML criterion':<22} {ours:16.6f} {theirs:16.6f} {ours - theirs:12.2e}")
            print(f"converged: fast {fast.converged}, lme4 {lme4['converged']}")


if __name__ == "__main__":
    main()
