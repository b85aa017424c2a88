"""Models that cannot be fitted raise ModelFitError with a message naming what is missing."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import (
    fit_cox,
    fit_did,
    fit_event_study,
    fit_gee,
    fit_goals,
    fit_growth,
    fit_its,
    fit_rates,
    run_study,
)
from monitor.errors import ModelFitError, MonitorError
from tests.analysis import simulate as sim


def test_model_fit_error_is_a_monitor_error() -> None:
    assert issubclass(ModelFitError, MonitorError)
    assert ModelFitError.exit_code == 8


@pytest.mark.parametrize(
    ("fit", "data", "kwargs", "named"),
    [
        (fit_growth, sim.growth_panel(n_children=5), {"exposure": "dose"}, "'dose'"),
        (fit_gee, sim.binary_panel(n_children=5), {"child": "pupil"}, "'pupil'"),
        (fit_rates, sim.rate_panel(n_networks=2), {"children": "kids"}, "'kids'"),
        (fit_its, sim.its_series(), {"event": 31, "outcome": "referrals"}, "'referrals'"),
        (fit_did, sim.did_panel(n_units=4), {"treated": "programme"}, "'programme'"),
        (fit_event_study, sim.did_panel(n_units=4), {"start": "began"}, "'began'"),
        (fit_cox, sim.survival_intervals(n_children=5), {"event": "placed"}, "'placed'"),
        (fit_goals, sim.goals_table(n_networks=2), {"met": "reached"}, "'reached'"),
    ],
)
def test_missing_columns_are_named(fit, data, kwargs, named) -> None:
    with pytest.raises(ModelFitError, match="missing column") as info:
        fit(data, **kwargs)
    assert named in str(info.value)


def test_missing_columns_lists_all_of_them() -> None:
    data = pl.DataFrame({"value": [1.0, 2.0]})
    with pytest.raises(ModelFitError) as info:
        fit_growth(data)
    assert "'time'" in str(info.value) and "'child_id'" in str(info.value)


def test_gee_needs_two_children() -> None:
    data = sim.binary_panel(n_children=1, seed=1).with_columns(
        pl.Series("referred", [0, 1, 0, 1, 0, 1])
    )
    with pytest.raises(ModelFitError, match="too few clusters: 1 distinct children"):
        fit_gee(data, exposure=None)


def test_did_needs_two_networks_for_clustered_errors() -> None:
    data = sim.did_panel(n_units=30, staggered=False, seed=2).with_columns(
        pl.lit("N1").alias("region")
    )
    with pytest.raises(ModelFitError, match="too few clusters: 1"):
        fit_did(data, design="2x2", cluster="region")


def test_event_study_needs_two_networks() -> None:
    data = sim.did_panel(n_units=30, seed=2).with_columns(pl.lit("N1").alias("region"))
    with pytest.raises(ModelFitError, match="too few clusters"):
        fit_event_study(data, cluster="region")


def test_rates_need_two_networks() -> None:
    data = sim.rate_panel(n_networks=4, seed=3).with_columns(pl.lit("N0").alias("network_id"))
    with pytest.raises(ModelFitError, match="too few clusters"):
        fit_rates(data)


@pytest.mark.parametrize(
    ("fit", "data", "kwargs"),
    [
        (fit_growth, sim.growth_panel(n_children=10).with_columns(pl.lit(5.0).alias("value")), {}),
        (fit_gee, sim.binary_panel(n_children=10).with_columns(pl.lit(0).alias("referred")), {}),
        (fit_rates, sim.rate_panel(n_networks=4).with_columns(pl.lit(0).alias("count")), {}),
        (fit_its, sim.its_series().with_columns(pl.lit(3.0).alias("value")), {"event": 31}),
        (fit_did, sim.did_panel(n_units=10).with_columns(pl.lit(1.0).alias("value")), {}),
    ],
)
def test_no_variation_in_outcome(fit, data, kwargs) -> None:
    with pytest.raises(ModelFitError, match="no variation"):
        fit(data, **kwargs)


def test_cox_without_events() -> None:
    data = sim.survival_intervals(n_children=50).with_columns(pl.lit(0).alias("event"))
    with pytest.raises(ModelFitError, match="no events"):
        fit_cox(data)


def test_its_without_pre_period() -> None:
    with pytest.raises(ModelFitError, match="no pre-period"):
        fit_its(sim.its_series(), event=1)
    with pytest.raises(ModelFitError, match="only 2 pre-period"):
        fit_its(sim.its_series(), event=3)
    with pytest.raises(ModelFitError, match="post-period"):
        fit_its(sim.its_series(), event=1000)


def test_did_without_pre_period() -> None:
    data = sim.did_panel(n_units=20, seed=4).with_columns(pl.lit(1).alias("post"))
    with pytest.raises(ModelFitError, match="no pre-period"):
        fit_did(data)


def test_event_study_without_pre_period() -> None:
    data = sim.did_panel(n_units=20, seed=4).with_columns(
        pl.col("period") + 1,
        pl.when(pl.col("start_period").is_not_null()).then(1).alias("start_period"),
    )
    with pytest.raises(ModelFitError, match="no pre-period"):
        fit_event_study(data)


def test_did_without_comparison_units() -> None:
    data = sim.did_panel(n_units=20, seed=4).filter(pl.col("treated") == 1)
    with pytest.raises(ModelFitError, match="no comparison units"):
        fit_did(data)


def test_gee_outcome_must_be_binary() -> None:
    data = sim.binary_panel(n_children=10).with_columns((pl.col("referred") * 3).alias("referred"))
    with pytest.raises(ModelFitError, match="must be 0/1"):
        fit_gee(data)


def test_cox_interval_must_have_positive_length() -> None:
    data = sim.survival_intervals(n_children=20).with_columns(pl.col("start").alias("stop"))
    with pytest.raises(ModelFitError, match="positive length"):
        fit_cox(data)


def test_rates_reject_non_positive_denominator() -> None:
    data = sim.rate_panel(n_networks=4).with_columns(pl.lit(0).alias("children"))
    with pytest.raises(ModelFitError, match="must be positive"):
        fit_rates(data)


def test_goals_need_two_periods() -> None:
    data = sim.goals_table(n_periods=1)
    with pytest.raises(ModelFitError, match="at least 2 periods"):
        fit_goals(data)


def test_growth_needs_repeated_measurements() -> None:
    data = pl.DataFrame(
        {
            "child_id": [f"C{i}" for i in range(30)],
            "time": [float(i % 3) for i in range(30)],
            "value": [float(i * i % 7) for i in range(30)],
        }
    )
    with pytest.raises(ModelFitError, match="single measurement"):
        fit_growth(data)


def test_seasonality_without_season_column() -> None:
    with pytest.raises(ModelFitError, match="needs a season column"):
        fit_its(sim.its_series(), event=31, seasonality="dummies")


def test_rows_with_missing_values_are_dropped_with_a_note() -> None:
    data = sim.rate_panel(n_networks=6, seed=1).with_columns(
        pl.when(pl.col("period") == 0).then(None).otherwise(pl.col("count")).alias("count")
    )
    result = fit_rates(data)
    assert result.n_obs == 6 * 9
    assert any("6 row(s) with missing values" in n for n in result.notes)


def test_study_refuses_unknown_parameters() -> None:
    with pytest.raises(ModelFitError, match="does not take parameter.*evnt"):
        run_study({"model": "its", "evnt": 31}, sim.its_series())
    with pytest.raises(ModelFitError, match="unknown model 'arima'"):
        run_study({"model": "arima"}, sim.its_series())
    with pytest.raises(ModelFitError, match="no 'model:'"):
        run_study({"event": 31}, sim.its_series())
