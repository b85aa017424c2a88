"""Behaviour of the individual models beyond recovery: terms, tables, sentences."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analysis import fit_gee, fit_goals, fit_growth, fit_its, fit_rates
from tests.analysis import simulate as sim


def test_growth_dose_response_term() -> None:
    data = sim.growth_panel(n_children=150, seed=21)
    rng = np.random.default_rng(0)
    hours = data["exposed"].to_numpy() * rng.uniform(5, 40, data.height)
    data = data.with_columns(
        pl.Series("hours", hours), (pl.col("value") + 0.1 * pl.Series(hours)).alias("value")
    )
    result = fit_growth(data, exposure="exposed", intensity="hours")
    row = result.term("hours")
    assert row["ci_low"] <= 0.1 <= row["ci_high"]
    assert "each extra unit of hours" in result.sentence


def test_rates_by_category_gives_one_rate_ratio_per_category() -> None:
    base = sim.rate_panel(n_networks=20, rate_ratio=0.7, seed=22)
    data = pl.concat(
        [base.with_columns(pl.lit(c).alias("referrer")) for c in ("school", "gp", "jgz")]
    )
    result = fit_rates(data, category="referrer", family="poisson")
    terms = result.estimates["term"].to_list()
    assert {"exposed[gp]", "exposed[jgz]", "exposed[school]"} <= set(terms)
    for level in ("gp", "jgz", "school"):
        assert result.term(f"exposed[{level}]")["rate_ratio"] == pytest.approx(0.7, abs=0.06)
    assert "by referrer" in result.sentence


def test_its_half_year_dummies_and_counterfactual_band() -> None:
    t = np.arange(1, 21)
    rng = np.random.default_rng(3)
    data = pl.DataFrame(
        {
            "period": [f"{2015 + (i - 1) // 2}-H{(i - 1) % 2 + 1}" for i in t],
            "half": (t - 1) % 2 + 1,
            "rate": 50 + 0.5 * t - 4 * (t > 10) + 3 * ((t - 1) % 2) + rng.normal(0, 0.5, 20),
        }
    )
    result = fit_its(
        data,
        outcome="rate",
        event="2020-H1",
        seasonality="fourier",
        season="half",
        season_length=2,
        harmonics=1,
        slope_change=False,
    )
    assert "season_cos1" in result.estimates["term"].to_list()
    assert "season_sin1" not in result.estimates["term"].to_list()  # sin(pi*s) is zero
    level = result.term("level_change")
    assert level["ci_low"] <= -4 <= level["ci_high"]
    line = result.counterfactual
    assert line.height == 20
    assert (line["ci_low"] <= line["counterfactual"]).all()
    assert (line["counterfactual"] <= line["ci_high"]).all()
    assert line["period"].to_list()[10] == "2020-H1"


def test_gee_reports_working_correlation() -> None:
    result = fit_gee(sim.binary_panel(n_children=200, rho=0.5, seed=23), correlation="ar1")
    assert result.converged
    assert any(n.startswith("working correlation ar1, parameter 0.") for n in result.notes)
    assert result.term("exposed")["odds_ratio"] < 1
    assert "odds of referred" in result.sentence


def test_goals_tables_add_up() -> None:
    data = sim.goals_table(n_networks=4, n_periods=3, seed=24)
    result = fit_goals(data)
    table = result.attainment
    assert table["targets"].sum() == data.height
    assert table["met"].sum() == data["met"].sum()
    overall = result.overall
    assert overall["share"].to_list() == pytest.approx(
        (overall["met"] / overall["targets"]).to_list()
    )
    aggregated = fit_goals(
        table.select("network_id", "period", "met", "targets"), targets="targets"
    )
    assert aggregated.term("period_trend")["estimate"] == pytest.approx(
        result.term("period_trend")["estimate"]
    )


def test_twfe_absorption_equals_dummy_variable_ols() -> None:
    """Unit and period effects swept out by alternating projections give the same
    coefficient as OLS with dummies (unbalanced panel), the same classical SE, and the
    clustered SE differs only by the documented small-sample factor."""
    import statsmodels.formula.api as smf

    from analysis import fit_did

    data = sim.did_panel(n_units=40, seed=3)
    data = data.filter(~((pl.col("period") == 3) & (pl.col("network_id") < "N0010")))
    pdf = data.to_pandas()
    pdf["_did"] = pdf["treated"] * pdf["post"]
    dummies = smf.ols("value ~ _did + C(network_id) + C(period)", pdf)
    classical = fit_did(data, design="twfe", cov_type="nonrobust").term("did")
    reference = dummies.fit()
    assert classical["estimate"] == pytest.approx(reference.params["_did"], rel=1e-9)
    assert classical["std_error"] == pytest.approx(reference.bse["_did"], rel=1e-9)
    clustered = fit_did(data, design="twfe").term("did")
    reference = dummies.fit(cov_type="cluster", cov_kwds={"groups": pdf["network_id"]})
    n, k = len(pdf), reference.params.size
    assert clustered["std_error"] == pytest.approx(
        reference.bse["_did"] * np.sqrt((n - k) / (n - 1)), rel=1e-9
    )
