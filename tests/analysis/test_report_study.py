"""Reports (self-contained HTML + JSON) and config-driven runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from analysis import (
    MODELS,
    ITSResult,
    fit_cox,
    fit_event_study,
    fit_goals,
    fit_growth,
    fit_its,
    fit_rates,
    run_study,
    write_report,
)
from analysis.report import figure_for
from tests.analysis import simulate as sim

DATA = Path(__file__).parent / "data"


def test_write_report_is_self_contained_and_json_round_trips(tmp_path: Path) -> None:
    results = {
        "Referrals around the start": fit_its(
            sim.its_series(seed=1), event=31, seasonality="dummies", season="month"
        ),
        "Staggered starts": fit_event_study(sim.did_panel(n_units=40, seed=1)),
        "Referral rates": fit_rates(sim.rate_panel(n_networks=8, seed=1)),
        "Goals": fit_goals(sim.goals_table(n_networks=4, seed=1)),
        "Placement": fit_cox(sim.survival_intervals(n_children=200, seed=1)),
    }
    paths = write_report(results, tmp_path / "out", title="Network X")
    page = paths["html"].read_text(encoding="utf-8")
    # plotly.js embedded exactly once and no CDN reference: the report opens offline
    assert page.count("<script>/**\n* plotly.js v") == 1
    assert '<script src="https://cdn.plot.ly' not in page
    assert page.count('class="plotly-graph-div"') == 5
    for heading, result in results.items():
        assert heading in page
        assert result.sentence.split(";")[0].replace("'", "&#x27;") in page
    payload = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert payload["title"] == "Network X"
    assert [r["heading"] for r in payload["results"]] == list(results)
    its = payload["results"][0]
    assert its["method"] == "its" and len(its["counterfactual"]) == 60
    level = next(e for e in its["estimates"] if e["term"] == "level_change")
    assert level["estimate"] == pytest.approx(
        results["Referrals around the start"].term("level_change")["estimate"]
    )
    assert "fit" not in its


def test_report_accepts_a_single_result(tmp_path: Path) -> None:
    result = fit_goals(sim.goals_table(n_networks=3, seed=2))
    paths = write_report(result, tmp_path)
    assert paths["html"].name == "report.html" and paths["json"].exists()
    assert figure_for(result) is not None


def test_to_dict_is_json_safe_with_nan_and_dates() -> None:
    data = sim.its_series(seed=3).with_columns(
        pl.date_range(pl.date(2020, 1, 1), pl.date(2024, 12, 1), "1mo").alias("period")
    )
    result = fit_its(data, event="2022-07-01")
    assert result.n_pre == 30
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert '"event": "2022-07-01"' in text
    assert "2022-07-01" in result.sentence


def test_summary_delegates_to_statsmodels() -> None:
    result = fit_rates(sim.rate_panel(n_networks=6, seed=4), family="poisson")
    assert "Generalized Linear Model Regression Results" in result.summary()
    assert (
        "NegativeBinomial"
        in fit_rates(sim.rate_panel(n_networks=6, seed=4), family="negative_binomial").summary()
    )


def test_run_study_from_dict_and_yaml(tmp_path: Path) -> None:
    data = pl.read_csv(DATA / "sicily.csv")
    config = {
        "model": "its",
        "outcome": "aces",
        "period": "time",
        "event": 37,
        "family": "poisson",
        "population": "stdpop",
        "slope_change": False,
        "seasonality": "fourier",
        "season": "month",
        "harmonics": 2,
    }
    direct = run_study(config, data)
    assert isinstance(direct, ITSResult)
    yaml_text = "title: Sicily smoking ban\nmodel: its\nparameters:\n" + "".join(
        f"  {k}: {str(v).lower() if isinstance(v, bool) else v}\n"
        for k, v in config.items()
        if k != "model"
    )
    path = tmp_path / "study.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    from_yaml = run_study(path, data)
    assert from_yaml.term("level_change")["rate_ratio"] == pytest.approx(
        direct.term("level_change")["rate_ratio"]
    )
    assert from_yaml.term("level_change")["rate_ratio"] == pytest.approx(0.885, abs=5e-4)


def test_every_model_is_reachable_from_a_study() -> None:
    cases = {
        "growth": ({"exposure": "exposed"}, sim.growth_panel(n_children=40, seed=5)),
        "gee": ({"correlation": "ar1"}, sim.binary_panel(n_children=80, seed=5)),
        "rates": ({"family": "poisson"}, sim.rate_panel(n_networks=6, seed=5)),
        "its": ({"event": 31}, sim.its_series(seed=5)),
        "did": ({"design": "2x2"}, sim.did_panel(n_units=20, staggered=False, seed=5)),
        "event_study": ({"leads": 2, "lags": 2}, sim.did_panel(n_units=30, seed=5)),
        "staggered": ({"bootstrap": 199}, sim.did_panel(n_units=40, seed=5)),
        "sun_abraham": ({}, sim.did_panel(n_units=40, seed=5)),
        "survival": (
            {"event_name": "entry into youth care"},
            sim.survival_intervals(n_children=100, seed=5),
        ),
        "goals": ({}, sim.goals_table(n_networks=3, seed=5)),
    }
    assert set(cases) == set(MODELS)
    for name, (params, data) in cases.items():
        result = run_study({"model": name, **params}, data)
        assert result.sentence and result.n_obs > 0, name


@pytest.mark.parametrize("engine", ["auto", "statsmodels"])
def test_growth_names_its_grouping_unit_not_always_children(tmp_path: Path, engine: str) -> None:
    """dietox groups weights by pig: the description, the result and the report say ``Pig``
    (72 pigs, counted from the CSV itself), never "per child" or "children"."""
    pigs = pl.read_csv(DATA / "dietox_geepack.csv", null_values="NA", infer_schema=False)
    result = fit_growth(pigs.with_columns(pl.col("Weight", "Time").cast(pl.Float64)),
                        outcome="Weight", time="Time", child="Pig", engine=engine)  # fmt: skip
    assert "random intercept and slope per Pig" in result.description
    assert "child" not in result.description
    assert result.group_unit == "Pig" and result.n_children == pigs["Pig"].n_unique() == 72
    page = write_report({"Pigs": result}, tmp_path, title="dietox")["html"].read_text("utf-8")
    meta = re.search(r"<h2>Pigs</h2>.*?<p class='meta'>(.*?)</p>", page, re.S).group(1)
    assert "per Pig" in meta and "Pig 72" in meta and "child" not in meta
    payload = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert payload["results"][0]["group_unit"] == "Pig"


def test_growth_of_children_still_says_children(tmp_path: Path) -> None:
    data = sim.growth_panel(n_children=40, seed=5)
    result = fit_growth(data, exposure="exposed")
    assert "random intercept and slope per child" in result.description
    assert result.group_unit == "children"
    page = write_report(result, tmp_path)["html"].read_text("utf-8")
    assert f"children {data['child_id'].n_unique()}" in page
