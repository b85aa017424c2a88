"""Growth models with an intercept and a time slope per school (``school_effects=``): the
sparse fast path (:mod:`analysis.mixed_sparse`) against statsmodels MixedLM and against the
dense fast path, and the design against the formula machinery's."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
import statsmodels.formula.api as smf

import analysis.mixed as mixed
from analysis import fit_growth
from analysis.growth_design import design, with_school_terms
from monitor.errors import ModelFitError


def _schools_design(seed: int, n_children: int = 240, n_schools: int = 6) -> pl.DataFrame:
    """Children measured 2-6 times, changing school now and then; each school has its own
    intercept and age slope, the programme adds 1.5 per year at a programme school."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 7, n_children)
    child = np.repeat(np.arange(n_children), sizes)
    age = rng.uniform(5, 10, n_children)[child] + np.concatenate([np.arange(k) for k in sizes])
    school = rng.integers(0, n_schools, n_children)[child]
    moved = rng.random(child.size) < 0.2
    school = np.where(moved, rng.integers(0, n_schools, child.size), school)
    programme = np.clip(age - 8, 0, None) * (school % 2)
    v0, v1 = rng.normal(0, 3, n_schools), rng.normal(0, 0.4, n_schools)
    value = (
        60
        + rng.normal(0, 6, n_children)[child]
        + v0[school]
        + (0.8 + rng.normal(0, 0.6, n_children)[child] + v1[school]) * (age - 10)
        + 1.5 * programme
        + rng.normal(0, 3, child.size)
    )
    return pl.DataFrame(
        {
            "child_id": [f"K{c:03d}" for c in child],
            "age": age - 10,  # centred: statsmodels' optimiser stalls on raw ages
            "programme_years": programme,
            "school": [f"S{s}" for s in school],
            "value": value,
        }
    )


def test_school_columns_are_the_formula_machinerys() -> None:
    """Built directly (sparse), named and valued as ``C(school) + C(school):age`` would be."""
    pdf = _schools_design(1, n_children=30).to_pandas()
    _, base = design("value ~ age + programme_years", pdf)
    X, names = with_school_terms(base, pdf, school="school", time="age")
    _, full = design("value ~ age + programme_years + C(school) + C(school):age", pdf)
    assert sorted(names) == sorted(full.columns)
    ours = dict(zip(names, X.toarray().T, strict=True))
    for name in full.columns:
        assert ours[name] == pytest.approx(full[name].to_numpy(), abs=0), name


def _statsmodels(data: pl.DataFrame):
    pdf = data.to_pandas()
    model = smf.mixedlm(
        "value ~ age + programme_years + C(school) + C(school):age",
        pdf,
        groups=pdf["child_id"],
        re_formula="~age",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tight = model.fit(reml=True, method=["bfgs"], gtol=1e-12, maxiter=5000)
    return model, tight


def _fast(data: pl.DataFrame):
    return fit_growth(data, time="age", covariates=["programme_years"], school_effects="school")


def test_school_effects_agree_with_statsmodels() -> None:
    """The sparse fast fit equals statsmodels MixedLM on the same formula, run to its
    precision limit (BFGS, gtol 1e-12): fixed effects 1e-6, variances 1e-4 (the
    tolerances of the lme4 and statsmodels comparisons in test_mixed.py)."""
    data = _schools_design(1)
    fast = _fast(data)
    assert "analysis.mixed" in fast.description and fast.converged
    assert "C(school) + C(school):age" in fast.description
    _, tight = _statsmodels(data)
    rows = {r["term"]: r["estimate"] for r in fast.estimates.to_dicts()}
    assert len(tight.fe_params) == 3 + 2 * 5
    for term, value in tight.fe_params.items():
        assert rows[term] == pytest.approx(value, rel=1e-6, abs=1e-6), term
    cov_re = np.asarray(tight.cov_re)
    assert rows["child_id Var"] == pytest.approx(cov_re[0, 0], rel=1e-4)
    assert rows["age Var"] == pytest.approx(cov_re[1, 1], rel=1e-4)
    assert rows["Residual Var"] == pytest.approx(tight.scale, rel=1e-4)
    assert fast.fit.llf == pytest.approx(tight.llf, abs=1e-6)


@pytest.mark.parametrize("seed", [2, 3])
def test_school_effects_likelihood_by_statsmodels(seed: int) -> None:
    """Where statsmodels' optimiser stops short (these seeds), its own REML log-likelihood
    evaluated at the fast fit's estimates equals the fast fit's, and is above the optimum
    statsmodels found: the fast fit is a better optimum of the same criterion."""
    from statsmodels.regression.mixed_linear_model import MixedLMParams

    data = _schools_design(seed)
    fast = _fast(data)
    model, tight = _statsmodels(data)
    fe = fast.fit.fe_params.reindex(model.exog_names).to_numpy()
    relative = np.asarray(fast.fit.cov_re) / fast.fit.scale
    params = MixedLMParams.from_components(fe, cov_re=relative)
    assert model.loglike(params, profile_fe=False) == pytest.approx(fast.fit.llf, abs=1e-7)
    assert fast.fit.llf >= tight.llf - 1e-8


def test_sparse_path_equals_dense_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide dense design (45 columns, mostly zeros) takes the sparse path; forcing the
    dense one gives the same fit to rounding."""
    data = _schools_design(3, n_children=300, n_schools=22).to_pandas()
    _, base = design("value ~ age + programme_years", data)
    X, names = with_school_terms(base, data, school="school", time="age")
    dense = X.toarray()
    assert mixed.is_wide_and_sparse(dense) and dense.shape[1] == 45
    args = (
        data["value"].to_numpy(),
        dense,
        np.column_stack([np.ones(len(data)), data["age"].to_numpy()]),
        data["child_id"].to_numpy(),
    )
    kwargs = {"fe_names": names, "re_names": ["Group", "age"]}
    sparse_fit = mixed.fit_two_level(*args, **kwargs)
    monkeypatch.setattr(mixed, "SPARSE_MIN_COLUMNS", 10**6)
    dense_fit = mixed.fit_two_level(*args, **kwargs)
    assert sparse_fit.converged and dense_fit.converged
    assert np.abs(sparse_fit.fe_params - dense_fit.fe_params).max() < 1e-8
    assert np.abs(sparse_fit.bse_fe / dense_fit.bse_fe - 1).max() < 1e-8
    assert np.asarray(sparse_fit.cov_re) == pytest.approx(np.asarray(dense_fit.cov_re), rel=1e-7)
    assert sparse_fit.llf == pytest.approx(dense_fit.llf, abs=1e-7)


def test_collinear_term_is_named_with_school_effects() -> None:
    """The rank check of the wide design (on its cross-product) names the redundant term,
    not a school column after it."""
    data = _schools_design(1).with_columns((0.1 * pl.col("age") + 22.0).alias("calendar"))
    with pytest.raises(ModelFitError, match="collinear: calendar is a combination"):
        fit_growth(data, time="age", covariates=["programme_years", "calendar"],
                   school_effects="school")  # fmt: skip
