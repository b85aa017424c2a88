"""The baseline forecast behind the trend page (``analysis.forecast``)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from analysis.forecast import baseline_forecast
from monitor.errors import ModelFitError

STARTS = [date(2020 + k // 2, 1 if k % 2 == 0 else 7, 1) for k in range(8)]


def _series(values: list[float | None]) -> pl.DataFrame:
    return pl.DataFrame({"period_start": STARTS[: len(values)], "value": values})


def test_straight_line_before_the_event_is_projected_with_its_interval():
    noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0]
    years = np.array([(d - STARTS[0]).days / 365.25 for d in STARTS[:6]])
    values = list(50 + 4 * years + np.array(noise))
    values += [30.0, 28.0]  # the curve turned after the event
    result = baseline_forecast(_series(values), event_date=date(2023, 1, 1), periods_ahead=1)
    # the same OLS fitted by hand on the six baseline periods
    reference = sm.OLS(values[:6], sm.add_constant(years)).fit()
    assert result.slope_per_year == pytest.approx(reference.params[1])
    assert result.n_obs == 6
    ahead = result.forecast
    assert ahead["period_start"].to_list()[:2] == [date(2023, 1, 1), date(2023, 7, 1)]
    assert ahead.height == 3 and ahead["observed"].to_list()[2] is None
    # prediction interval: wider than the line's own confidence interval, centred on it
    frame = reference.get_prediction(
        sm.add_constant(
            np.array([(date(2023, 1, 1) - STARTS[0]).days / 365.25]), has_constant="add"
        )
    ).summary_frame(alpha=0.05)
    assert ahead["pi_low"][0] == pytest.approx(frame["obs_ci_lower"].iloc[0])
    assert ahead["pi_low"][0] < frame["mean_ci_lower"].iloc[0]
    assert result.outside.height == 2  # both later periods fall far below the band


def test_too_short_a_baseline_is_refused_with_the_reason():
    with pytest.raises(ModelFitError, match="at least 3 periods"):
        baseline_forecast(_series([1.0, None, 2.0, 5.0]), event_date=date(2021, 7, 1))
    with pytest.raises(ValueError, match="level"):
        baseline_forecast(_series([1.0, 2.0, 3.0]), event_date=date(2022, 1, 1), level=1.5)


def test_the_projection_stays_within_what_the_indicator_can_take():
    """A steeply falling rate would be projected below zero; bounded, it never is."""
    values = [60.0, 48.0, 41.0, 30.0, 22.0, 12.0, 15.0, 14.0]
    event = date(2023, 1, 1)
    free = baseline_forecast(_series(values), event_date=event, periods_ahead=2)
    assert free.forecast["pi_low"].min() < 0 and free.forecast["expected"].min() < 0
    bounded = baseline_forecast(_series(values), event_date=event, periods_ahead=2,
                                bounds=(0.0, None))  # fmt: skip
    assert bounded.forecast["pi_low"].min() == 0.0
    assert bounded.forecast["expected"].min() >= 0.0
    # inside the bounds nothing moves
    free_high = free.forecast["pi_high"].to_list()
    assert bounded.forecast["pi_high"].to_list() == [max(v, 0.0) for v in free_high]
    assert free_high[0] > 0 and bounded.forecast["pi_high"][0] == free_high[0]
    capped = baseline_forecast(_series(values), event_date=event, bounds=(None, 5.0))
    assert capped.forecast["pi_high"].max() == 5.0
