"""Callaway & Sant'Anna against R's ``did`` package on its own example data ``mpdta``.

Reference values come from R (see ``tests/analysis/results/SOURCES.md``): the analytic
standard errors of ``att_gt``/``aggte(bstrap = FALSE)`` and the README's published
bootstrap output. Point estimates and analytic standard errors must match within 1e-3 (they
match to ~1e-9); bootstrap standard errors within Monte-Carlo tolerance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from analysis.staggered import fit_staggered
from monitor.errors import ModelFitError

RESULTS = Path(__file__).parent / "results"
MPDTA = dict(outcome="lemp", unit="countyreal", period="year", start="first.treat")
SCENARIOS = {
    "mpdta_nev_dr": dict(comparison="never", method="dr"),
    "mpdta_nyt_dr": dict(comparison="not_yet", method="dr"),
    "mpdta_nev_reg_cov": dict(comparison="never", method="reg", covariates=["lpop"]),
}


@pytest.fixture(scope="module")
def mpdta() -> pl.DataFrame:
    return pl.read_csv(RESULTS / "mpdta.csv")


@pytest.fixture(scope="module")
def r_att_gt() -> pl.DataFrame:
    return pl.read_csv(RESULTS / "mpdta_r_att_gt.csv")


@pytest.fixture(scope="module")
def r_aggte() -> pl.DataFrame:
    return pl.read_csv(RESULTS / "mpdta_r_aggte.csv", null_values="NA")


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_group_time_effects_match_r(mpdta, r_att_gt, scenario):
    fit = fit_staggered(mpdta, **MPDTA, **SCENARIOS[scenario], bootstrap=0)
    ref = r_att_gt.filter(pl.col("scenario") == scenario).sort("group", "t")
    ours = fit.group_time.sort("group", "period")
    assert ours["group"].to_list() == ref["group"].to_list()
    assert ours["period"].to_list() == ref["t"].to_list()
    np.testing.assert_allclose(ours["att"], ref["att"], atol=1e-6)
    np.testing.assert_allclose(ours["std_error"], ref["se"], atol=1e-6)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_aggregations_match_r(mpdta, r_aggte, scenario):
    fit = fit_staggered(mpdta, **MPDTA, **SCENARIOS[scenario], bootstrap=0)
    ref = r_aggte.filter(pl.col("scenario") == scenario)
    overall = {"simple": "att", "group": "att_group", "dynamic": "att_dynamic"}
    overall["calendar"] = "att_calendar"
    for kind, term in overall.items():
        row = ref.filter(pl.col("type") == kind).row(0, named=True)
        ours = fit.term(term)
        assert ours["estimate"] == pytest.approx(row["overall_att"], abs=1e-6), kind
        assert ours["std_error"] == pytest.approx(row["overall_se"], abs=1e-6), kind
    frames = {"group": fit.by_group, "dynamic": fit.event_time, "calendar": fit.by_calendar}
    for kind, frame in frames.items():
        rows = ref.filter(pl.col("type") == kind).sort("egt")
        np.testing.assert_allclose(frame["estimate"], rows["att_egt"], atol=1e-6)
        np.testing.assert_allclose(frame["std_error"], rows["se_egt"], atol=1e-6)


def test_pretrend_test_matches_r(mpdta):
    ref = pl.read_csv(RESULTS / "mpdta_r_pretest.csv")
    for scenario, options in SCENARIOS.items():
        fit = fit_staggered(mpdta, **MPDTA, **options, bootstrap=0)
        row = ref.filter(pl.col("scenario") == scenario).row(0, named=True)
        assert fit.pretrend_statistic == pytest.approx(row["W"], abs=1e-6)
        assert fit.pretrend_p_value == pytest.approx(row["Wpval"], abs=1e-5)


def test_doubly_robust_with_a_covariate_matches_r():
    data = pl.read_csv(RESULTS / "csdid_sim_data.csv.gz")
    fit = fit_staggered(
        data, outcome="Y", unit="id", period="period", start="G", covariates=["X"], bootstrap=0
    )
    ref = pl.read_csv(RESULTS / "mpdta_r_att_gt.csv").filter(pl.col("scenario") == "sim_nev_dr")
    np.testing.assert_allclose(fit.group_time["att"], ref.sort("group", "t")["att"], atol=1e-6)
    np.testing.assert_allclose(fit.group_time["std_error"], ref.sort("group", "t")["se"], atol=1e-6)


def test_published_readme_output_with_the_bootstrap(mpdta):
    """The README's printed summaries: estimates to the 4 printed decimals; bootstrap
    standard errors and uniform bands within Monte-Carlo tolerance. R used 1,000 draws, so
    its printed standard errors carry ~3.7% Monte-Carlo error (IQR scale estimator); we use
    20,000 draws and allow 12% (about three of R's Monte-Carlo standard deviations)."""
    ref = pl.read_csv(RESULTS / "mpdta_r_readme_bootstrap.csv")
    fit = fit_staggered(mpdta, **MPDTA, method="reg", bootstrap=20_000, seed=1)
    cells = ref.filter(pl.col("table") == "att_gt")
    np.testing.assert_allclose(fit.group_time["att"], cells["estimate"], atol=6e-5)
    np.testing.assert_allclose(fit.group_time["std_error"], cells["std_error"], rtol=0.12)
    # uniform band: the critical value (band half-width / se), R's printed 2.6-2.7
    crit = (fit.group_time["band_high"] - fit.group_time["att"]) / fit.group_time["std_error"]
    r_crit = (cells["band_high"] - cells["band_low"]) / (2 * cells["std_error"])
    assert float(crit[0]) == pytest.approx(float(r_crit.mean()), rel=0.06)
    dynamic = ref.filter(pl.col("table") == "dynamic")
    np.testing.assert_allclose(fit.event_time["estimate"], dynamic["estimate"], atol=6e-5)
    np.testing.assert_allclose(fit.event_time["std_error"], dynamic["std_error"], rtol=0.12)
    overall = ref.filter(pl.col("table") == "dynamic_overall").row(0, named=True)
    assert fit.term("att_dynamic")["estimate"] == pytest.approx(overall["estimate"], abs=6e-5)
    assert fit.term("att_dynamic")["std_error"] == pytest.approx(overall["std_error"], rel=0.12)
    group = ref.filter(pl.col("table") == "group")
    np.testing.assert_allclose(fit.by_group["estimate"], group["estimate"], atol=6e-5)
    np.testing.assert_allclose(fit.by_group["std_error"], group["std_error"], rtol=0.12)
    g_overall = ref.filter(pl.col("table") == "group_overall").row(0, named=True)
    assert fit.term("att_group")["estimate"] == pytest.approx(g_overall["estimate"], abs=6e-4)
    assert fit.pretrend_p_value == pytest.approx(0.16812, abs=1e-5)


def test_bootstrap_agrees_with_the_analytic_errors(mpdta):
    """Close to the analytic errors; slightly above them (the IQR scale of a Rademacher
    bootstrap with 20-40 treated counties per cohort), as R's README shows too (0.0246
    bootstrap against 0.0233 analytic for ATT(2004, 2004))."""
    analytic = fit_staggered(mpdta, **MPDTA, bootstrap=0)
    boot = fit_staggered(mpdta, **MPDTA, bootstrap=20_000, seed=7)
    ratio = boot.estimates["std_error"] / analytic.estimates["std_error"]
    assert float(ratio.min()) > 0.97 and float(ratio.max()) < 1.10


@pytest.mark.parametrize("code", [0, None, float("inf"), "NA", ""])
def test_every_usual_never_coding_gives_the_same_answer(mpdta, code):
    reference = fit_staggered(mpdta, **MPDTA, bootstrap=0).term("att")["estimate"]
    if isinstance(code, str):
        starts = pl.col("first.treat").cast(pl.String)
        recoded = mpdta.with_columns(
            pl.when(pl.col("first.treat") == 0).then(pl.lit(code)).otherwise(starts)
            .alias("first.treat")
        )  # fmt: skip
    else:
        recoded = mpdta.with_columns(
            pl.when(pl.col("first.treat") == 0)
            .then(pl.lit(code, dtype=pl.Float64))
            .otherwise(pl.col("first.treat").cast(pl.Float64))
            .alias("first.treat")
        )
    fit = fit_staggered(recoded, **MPDTA, bootstrap=0)
    assert fit.term("att")["estimate"] == pytest.approx(reference, abs=1e-12)
    assert fit.start_coding.startswith("never-started units in 'first.treat' coded as")
    assert fit.start_coding in fit.notes


def test_zero_start_is_refused_when_zero_is_a_period():
    data = pl.DataFrame(
        {
            "unit": [1, 1, 2, 2, 3, 3],
            "t": [0, 1, 0, 1, 0, 1],
            "start": [0, 0, 1, 1, 0, 0],
            "y": [1.0, 2.0, 1.0, 3.0, 2.0, 2.5],
        }
    )
    with pytest.raises(ModelFitError, match="0 is also a period"):
        fit_staggered(data, outcome="y", unit="unit", period="t", start="start")


def _with_treated_post(mpdta: pl.DataFrame) -> pl.DataFrame:
    started = pl.col("first.treat") > 0
    return mpdta.with_columns(
        started.cast(pl.Int64).alias("treated"),
        (started & (pl.col("year") >= pl.col("first.treat"))).cast(pl.Int64).alias("post"),
    )


def test_2x2_on_staggered_starts_is_refused_naming_the_design_that_fits(mpdta):
    from analysis import fit_did

    data = _with_treated_post(mpdta)
    with pytest.raises(ModelFitError, match=r"start in 3 different periods.*design='staggered'"):
        fit_did(data, outcome="lemp", unit="countyreal", period="year", design="2x2")


def test_did_chooses_the_robust_estimator_on_staggered_starts_and_says_why(mpdta):
    """On mpdta (staggered 2004/2006/2007) the default gives R did's DR overall ATT."""
    from analysis import fit_did

    result = fit_did(_with_treated_post(mpdta), outcome="lemp", unit="countyreal", period="year")
    ref = pl.read_csv(RESULTS / "mpdta_r_aggte.csv", null_values="NA")
    simple = ref.filter((pl.col("scenario") == "mpdta_nev_dr") & (pl.col("type") == "simple"))
    assert result.term("did")["estimate"] == pytest.approx(simple["overall_att"][0], abs=1e-6)
    assert result.method == "staggered_did"
    assert "Callaway & Sant'Anna" in result.notes[0] and "3 different periods" in result.notes[0]
    twfe = fit_did(
        _with_treated_post(mpdta), outcome="lemp", unit="countyreal", period="year", design="twfe"
    )
    assert any("Goodman-Bacon" in n for n in twfe.notes)


def test_sun_abraham_equals_hand_computed_cohort_contrasts_and_cs(mpdta):
    """Saturated in cohort x relative period with never-treated controls, each coefficient
    is a 2x2 contrast of means against period g-1 (computed here by hand), so the post
    periods equal Callaway & Sant'Anna's never-treated ATT(g,t) and R's dynamic effects."""
    from analysis.sun_abraham import fit_sun_abraham

    fit = fit_sun_abraham(mpdta, outcome="lemp", unit="countyreal", period="year",
                          start="first.treat")  # fmt: skip

    def mean(g: int, year: int) -> float:
        rows = mpdta.filter((pl.col("first.treat") == g) & (pl.col("year") == year))
        return float(rows["lemp"].mean())

    def contrast(g: int, year: int) -> float:
        return (mean(g, year) - mean(g, g - 1)) - (mean(0, year) - mean(0, g - 1))

    assert fit.term("event-4")["estimate"] == pytest.approx(contrast(2007, 2003), abs=1e-10)
    counts = {2004: 20, 2006: 40, 2007: 131}
    assert sum(counts.values()) == mpdta.filter(pl.col("first.treat") > 0)["countyreal"].n_unique()
    e_minus_2 = sum(counts[g] * contrast(g, g - 2) for g in (2006, 2007)) / 171
    assert fit.term("event-2")["estimate"] == pytest.approx(e_minus_2, abs=1e-10)
    ref = pl.read_csv(RESULTS / "mpdta_r_aggte.csv", null_values="NA")
    dyn = ref.filter((pl.col("scenario") == "mpdta_nev_dr") & (pl.col("type") == "dynamic"))
    for row in dyn.filter(pl.col("egt") >= 0).iter_rows(named=True):
        assert fit.term(f"event{row['egt']:+d}")["estimate"] == pytest.approx(
            row["att_egt"], abs=1e-9
        )
        # cluster-robust (CRV1) against influence-function errors: within 1%
        assert fit.term(f"event{row['egt']:+d}")["std_error"] == pytest.approx(
            row["se_egt"], rel=0.01
        )
    assert fit.term("average_post")["estimate"] == pytest.approx(dyn["overall_att"][0], abs=1e-9)


def test_event_study_reads_first_treat_zero_as_never_started(mpdta):
    """The old code took first.treat = 0 as a start in year 0 (average -0.0507); coded as
    null the same data give the never-treated answer, and 0 must give it too."""
    from analysis import fit_event_study

    options = dict(outcome="lemp", unit="countyreal", period="year", start="first.treat")
    zero = fit_event_study(mpdta, **options, leads=2, lags=2)
    null = mpdta.with_columns(
        pl.when(pl.col("first.treat") > 0).then(pl.col("first.treat")).alias("first.treat")
    )
    expected = fit_event_study(null, **options, leads=2, lags=2).term("average_post")
    assert zero.term("average_post")["estimate"] == pytest.approx(expected["estimate"], abs=1e-12)
    assert zero.term("average_post")["estimate"] != pytest.approx(-0.050675, abs=1e-4)
    assert any("coded as 0" in n for n in zero.notes)
