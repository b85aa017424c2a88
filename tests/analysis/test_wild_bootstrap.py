"""Few clusters: the did p-value and interval come from the wild cluster bootstrap.

Checked against a brute-force bootstrap written independently: every Rademacher sign
pattern, the restricted model's residuals flipped per cluster, the full dummy-variable
regression refitted with statsmodels and its own cluster-robust t statistic.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.formula.api as smf

from analysis import fit_did
from tests.analysis import simulate as sim


def brute_force_p(pdf: pd.DataFrame, b0: float = 0.0) -> float:
    formula = "value ~ _did + C(network_id) + C(period)"
    full = smf.ols(formula, pdf).fit(cov_type="cluster", cov_kwds={"groups": pdf["network_id"]})
    t = (full.params["_did"] - b0) / full.bse["_did"]
    shifted = pdf.assign(_y0=pdf["value"] - b0 * pdf["_did"])
    restricted = smf.ols("_y0 ~ C(network_id) + C(period)", shifted).fit()
    fitted, resid = restricted.fittedvalues, restricted.resid
    clusters = sorted(pdf["network_id"].unique())
    count = total = 0
    for signs in itertools.product([-1.0, 1.0], repeat=len(clusters)):
        flip = pdf["network_id"].map(dict(zip(clusters, signs, strict=True)))
        boot = pdf.assign(value=fitted + b0 * pdf["_did"] + resid * flip)
        fit = smf.ols(formula, boot).fit(
            cov_type="cluster", cov_kwds={"groups": boot["network_id"]}
        )
        t_star = (fit.params["_did"] - b0) / fit.bse["_did"]
        count += abs(t_star) >= abs(t) - 1e-12
        total += 1
    return count / total


def test_few_clusters_p_value_equals_a_brute_force_wild_bootstrap():
    data = sim.did_panel(n_units=6, n_periods=6, staggered=False, effect=-1.0, seed=11)
    result = fit_did(data, design="twfe")
    pdf = data.to_pandas().assign(_did=lambda d: d["treated"] * d["post"])
    row = result.term("did")
    assert row["p_value"] == pytest.approx(brute_force_p(pdf), abs=1e-12)
    assert any("wild cluster bootstrap" in n and "all 64 sign patterns" in n for n in result.notes)
    # the interval is the set of values the test does not reject
    assert (
        brute_force_p(pdf, row["ci_low"] - 1e-3) < 0.05 <= brute_force_p(pdf, row["ci_low"] + 1e-3)
    )


def test_many_clusters_keep_the_cluster_robust_interval():
    data = sim.did_panel(n_units=60, staggered=False, seed=3)
    result = fit_did(data, design="twfe")
    assert not any("wild cluster bootstrap" in n for n in result.notes)


@pytest.mark.slow
def test_wild_bootstrap_holds_its_size_where_the_t_test_over_rejects():
    """6 clusters, no effect, cluster-level shocks: the CRV1 t test (t with G-1 df) rejects
    too often; the wild bootstrap stays near 5%."""
    rng = np.random.default_rng(5)
    wild = t_test = 0
    reps = 300
    for r in range(reps):
        data = sim.did_panel(n_units=6, n_periods=8, staggered=False, effect=0.0, seed=1000 + r)
        shock = rng.normal(0, 1.5, 6)
        ids = data["network_id"].str.slice(1).cast(pl.Int64).to_numpy()
        data = data.with_columns((data["value"] + data["post"] * shock[ids]).alias("value"))
        result = fit_did(data, design="twfe")
        row = result.term("did")
        wild += row["p_value"] < 0.05
        t_test += result.fit.pvalues["_did"] < 0.05
    assert wild / reps <= 0.08
    assert t_test / reps > wild / reps
