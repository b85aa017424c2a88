"""The fast two-level growth fit (:mod:`analysis.mixed`) against lme4 and statsmodels.

lme4 references: ``results/lme4_growth.csv``, written by ``results/lme4_growth.R`` (R 4.2.2,
lme4 1.1.31, bobyqa with ``rhoend = 1e-12``) from ``data/sleepstudy.csv`` and geepack's
``dietox`` (Lauridsen et al., 1999; copied unchanged to ``data/dietox_geepack.csv`` by that
script). The published lme4 output agrees: sleepstudy in Bates et al. (2015), JSS 67(1),
section 3 (251.405, 10.467; variances 612.09, 35.07, 654.94); dietox ``Weight ~ Time +
(1 | Pig)`` in the statsmodels MixedLM documentation (15.72352, 6.94251; 40.39, 11.37).

Tolerances (the brief's): fixed effects 1e-6, variance components 1e-4 relative; standard
errors 1e-5 relative; log-likelihood 1e-6 absolute.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import statsmodels.formula.api as smf

from analysis import fit_growth
from monitor.errors import ModelFitError

HERE = Path(__file__).parent
LME4 = pl.read_csv(HERE / "results" / "lme4_growth.csv")


def _sleep() -> pl.DataFrame:
    return pl.read_csv(HERE / "data" / "sleepstudy.csv", schema_overrides={"Subject": pl.String})


def _dietox() -> pl.DataFrame:
    return pl.read_csv(
        HERE / "data" / "dietox_geepack.csv",
        null_values="NA",
        schema_overrides={"Pig": pl.String, "Litter": pl.String},
    )


def _unbalanced_sleep() -> pl.DataFrame:
    data = _sleep()
    drop = (pl.col("Subject").cast(pl.Int64) % 3 == 0) & (pl.col("Days") > 5)
    return data.filter(~drop)


CASES = {
    "sleep_slope_reml": (_sleep, "Reaction", "Days", "Subject", True, True, ()),
    "sleep_slope_ml": (_sleep, "Reaction", "Days", "Subject", True, False, ()),
    "sleep_intercept_reml": (_sleep, "Reaction", "Days", "Subject", False, True, ()),
    "sleep_unbalanced_reml": (_unbalanced_sleep, "Reaction", "Days", "Subject", True, True, ()),
    "dietox_intercept_reml": (_dietox, "Weight", "Time", "Pig", False, True, ()),
    "dietox_slope_reml": (_dietox, "Weight", "Time", "Pig", True, True, ()),
    "dietox_slope_ml": (_dietox, "Weight", "Time", "Pig", True, False, ()),
    "dietox_covariates_reml": (_dietox, "Weight", "Time", "Pig", True, True, ("Evit", "Cu")),
}


def _our_term(r_term: str, *, time: str, child: str) -> str:
    """lme4's term names in the platform's (patsy's) spelling."""
    named = {
        "(Intercept)": "Intercept",
        "var:intercept": f"{child} Var",
        "cov": f"{child} x {time} Cov",
        "var:slope": f"{time} Var",
        "var:residual": "Residual Var",
    }
    if r_term in named:
        return named[r_term]
    for factor in ("Evit", "Cu"):
        if r_term.startswith(factor) and r_term != factor:
            return f"{factor}[T.{r_term[len(factor) :]}]"
    return r_term


@pytest.mark.parametrize("case", list(CASES))
def test_fast_fit_reproduces_lme4(case: str) -> None:
    make, outcome, time, child, slope, reml, covariates = CASES[case]
    data = make()
    if case == "sleep_unbalanced_reml":
        assert data.height == 156  # 6 subjects lose 4 days each
    result = fit_growth(
        data,
        outcome=outcome,
        time=time,
        child=child,
        covariates=covariates,
        random_slope=slope,
        reml=reml,
    )
    assert "analysis.mixed" in result.description and result.converged
    reference = LME4.filter(pl.col("case") == case)
    assert reference.height >= 6
    variances = {r["term"]: r["value"] for r in reference.to_dicts() if ":" in r["term"]}
    scale = max(v for k, v in variances.items() if k.startswith("var:"))
    for row in reference.to_dicts():
        term, expected = row["term"], row["value"]
        if term == "logLik":
            assert result.fit.llf == pytest.approx(expected, abs=1e-6), term
        elif term.startswith("se:"):
            got = result.term(_our_term(term[3:], time=time, child=child))["std_error"]
            assert got == pytest.approx(expected, rel=1e-5), term
        elif term.startswith("var:"):
            got = result.term(_our_term(term, time=time, child=child))["estimate"]
            assert got == pytest.approx(expected, rel=1e-4), term
        elif term == "cov":  # may be near 0: relative to the largest variance
            got = result.term(_our_term(term, time=time, child=child))["estimate"]
            assert abs(got - expected) <= 1e-4 * scale, term
        else:
            got = result.term(_our_term(term, time=time, child=child))["estimate"]
            assert got == pytest.approx(expected, rel=1e-6, abs=1e-6), term


def _random_design(seed: int, *, n_children: int = 80) -> pl.DataFrame:
    """Unbalanced panel (1-9 measurements per child, irregular times) with a numeric and a
    categorical covariate and a time-varying exposure."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 10, n_children)
    child = np.repeat(np.arange(n_children), sizes)
    time = np.concatenate([np.sort(rng.uniform(0, 6, k)) for k in sizes])
    cov = [[9.0, rng.uniform(-1.5, 1.5)], [0.0, 1.0]]
    cov[1][0] = cov[0][1]
    effects = rng.multivariate_normal([0, 0], cov, n_children)
    group = rng.choice(["a", "b", "c"], n_children)[child]
    score = rng.normal(0, 1, child.size)
    exposed = (time > rng.uniform(1, 8, n_children)[child]).astype(int)
    value = (
        20
        + effects[child, 0]
        + (1.5 + effects[child, 1]) * time
        + 2.0 * exposed
        + 0.7 * score
        + np.where(group == "b", 1.0, np.where(group == "c", -2.0, 0.0))
        + rng.normal(0, rng.uniform(1, 3), child.size)
    )
    return pl.DataFrame(
        {
            "child_id": [f"K{c:03d}" for c in child],
            "time": time,
            "exposed": exposed,
            "score": score,
            "group": group,
            "value": value,
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("slope", [True, False])
@pytest.mark.parametrize("reml", [True, False])
def test_fast_fit_agrees_with_statsmodels(seed: int, slope: bool, reml: bool) -> None:
    """Same terms, sizes and sentence shape as the statsmodels path; estimates equal to a
    statsmodels MixedLM fit run to its precision limit (BFGS, gtol 1e-12: the default
    tolerance stops ~1e-6 short in the fixed effects, at a lower likelihood than ours)."""
    data = _random_design(seed)
    kwargs = dict(exposure="exposed", covariates=["score", "group"], random_slope=slope)
    fast = fit_growth(data, reml=reml, **kwargs)
    slow = fit_growth(data, reml=reml, engine="statsmodels", **kwargs)
    assert "analysis.mixed" in fast.description and fast.converged
    assert "statsmodels MixedLM" in slow.description
    assert fast.estimates["term"].to_list() == slow.estimates["term"].to_list()
    assert (fast.n_obs, fast.n_children, fast.n_periods) == (
        slow.n_obs,
        slow.n_children,
        slow.n_periods,
    )
    assert fast.fit.llf >= slow.fit.llf - 1e-8
    assert fast.sentence.startswith("On average, value changed by")

    pdf = data.to_pandas()
    model = smf.mixedlm(
        "value ~ time + exposed + score + group",
        pdf,
        groups=pdf["child_id"],
        re_formula="~time" if slope else "1",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tight = model.fit(reml=reml, method=["bfgs"], gtol=1e-12, maxiter=5000)
    rows = {r["term"]: r["estimate"] for r in fast.estimates.to_dicts()}
    for term, value in tight.fe_params.items():
        assert rows[term] == pytest.approx(value, rel=1e-6, abs=1e-6), term
    cov_re = np.asarray(tight.cov_re)
    assert rows["child_id Var"] == pytest.approx(cov_re[0, 0], rel=1e-4)
    if slope:
        assert rows["time Var"] == pytest.approx(cov_re[1, 1], rel=1e-4)
        assert abs(rows["child_id x time Cov"] - cov_re[0, 1]) <= 1e-4 * cov_re.max()
    assert rows["Residual Var"] == pytest.approx(tight.scale, rel=1e-4)
    assert fast.fit.llf == pytest.approx(tight.llf, abs=1e-6)
    # standard errors: lme4's σ²(X'V⁻¹X)⁻¹ (statsmodels inverts the joint observed
    # information instead), computed here child by child from statsmodels' variances
    se = _gls_standard_errors(data, tight, slope=slope)
    fixed = fast.estimates.filter(pl.col("term").is_in(list(tight.fe_params.index)))
    assert fixed["std_error"].to_numpy() == pytest.approx(se, rel=1e-4)


def _gls_standard_errors(data: pl.DataFrame, slow, *, slope: bool) -> np.ndarray:
    """√diag(σ²(Σ X_i'V_i⁻¹X_i)⁻¹) with V_i = Z_i G Z_i' + σ² I, one child at a time."""
    exog = slow.model.exog
    cov_re, scale = np.asarray(slow.cov_re), float(slow.scale)
    times = data["time"].to_numpy()
    info = np.zeros((exog.shape[1], exog.shape[1]))
    codes = data["child_id"].to_numpy()
    for child in np.unique(codes):
        rows = codes == child
        z = np.column_stack([np.ones(rows.sum()), times[rows]])[:, : 2 if slope else 1]
        v = z @ cov_re @ z.T + scale * np.eye(rows.sum())
        info += exog[rows].T @ np.linalg.solve(v, exog[rows])
    return np.sqrt(np.diag(np.linalg.inv(info)))


def test_nested_design_uses_statsmodels_and_fast_engine_refuses_it() -> None:
    from tests.analysis import simulate as sim

    data = sim.growth_panel(n_children=60, n_waves=4, n_schools=6, seed=2)
    result = fit_growth(data, exposure="exposed", nest="school_id")
    assert "statsmodels MixedLM" in result.description
    with pytest.raises(ModelFitError, match="two-level models only"):
        fit_growth(data, exposure="exposed", nest="school_id", engine="fast")
    with pytest.raises(ModelFitError, match="unknown engine 'lme4'"):
        fit_growth(data, engine="lme4")


def test_collinear_covariate_is_refused_by_name() -> None:
    """statsmodels raised numpy's bare 'Singular matrix' here; now the term is named."""
    data = _random_design(7).with_columns((2 * pl.col("score")).alias("score2"))
    for engine in ("auto", "fast"):
        with pytest.raises(ModelFitError, match="collinear: score2 is a combination"):
            fit_growth(data, covariates=["score", "score2"], random_slope=False, engine=engine)


def test_zero_slope_variance_sits_on_the_boundary() -> None:
    """No child-specific slopes in the data: the slope variance is estimated at (about) 0
    and the fit still reports convergence, as lme4 does for a singular fit."""
    rng = np.random.default_rng(11)
    child = np.repeat(np.arange(300), 5)
    time = np.tile(np.arange(5.0), 300)
    value = 10 + rng.normal(0, 3, 300)[child] + 0.5 * time + rng.normal(0, 1, child.size)
    data = pl.DataFrame({"child_id": child.astype(str), "time": time, "value": value})
    result = fit_growth(data)
    assert result.converged and "analysis.mixed" in result.description
    assert result.term("time Var")["estimate"] < 1e-3
    assert math.isclose(result.term("time")["estimate"], 0.5, abs_tol=0.05)
