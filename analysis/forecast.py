"""Baseline forecast for "turn the curve" charts: the trend before an event, projected
forward with its prediction interval.

A straight line is fitted by ordinary least squares to the periods before the event,

.. math:: y_t = \\beta_0 + \\beta_1 t + \\varepsilon_t,

with :math:`t` in years since the first period, and extended over the periods from the
event onward. The band is the prediction interval for a new observation (not the narrower
confidence interval of the line): where the later figures fall outside it, the curve has
turned by more than the pre-event variation would explain. This is the "baseline" of
Friedman's results-based accountability; for a formal test use the interrupted time series
in :mod:`analysis.its`.

References
----------
Friedman, M. (2005). *Trying Hard Is Not Good Enough*. Trafford.
Wagner, A. K., Soumerai, S. B., Zhang, F., & Ross-Degnan, D. (2002). Segmented regression
analysis of interrupted time series studies in medication use research. *Journal of
Clinical Pharmacy and Therapeutics*, 27(4), 299-309.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm

from monitor.errors import ModelFitError

MIN_BASELINE_PERIODS = 3


@dataclass(frozen=True)
class BaselineForecast:
    """A pre-event trend and its projection.

    Attributes
    ----------
    baseline : polars.DataFrame
        ``period_start, value, fitted`` for the periods before the event.
    forecast : polars.DataFrame
        ``period_start, expected, pi_low, pi_high, observed`` from the event onward
        (``observed`` is null for periods not yet measured).
    slope_per_year : float
        Change per year of the baseline trend.
    n_obs : int
        Periods in the baseline.
    level : float
        Coverage of the prediction interval (0.95 by default).
    fit : object
        The statsmodels OLS results.
    """

    baseline: pl.DataFrame
    forecast: pl.DataFrame
    slope_per_year: float
    n_obs: int
    level: float
    fit: Any = field(default=None, repr=False, compare=False)

    @property
    def outside(self) -> pl.DataFrame:
        """Observed periods after the event outside the prediction interval."""
        return self.forecast.filter(
            pl.col("observed").is_not_null()
            & ((pl.col("observed") < pl.col("pi_low")) | (pl.col("observed") > pl.col("pi_high")))
        )

    def summary(self) -> str:
        """The statsmodels summary of the baseline fit."""
        return str(self.fit.summary())


def _years(days: np.ndarray | list[date], origin: date) -> np.ndarray:
    return np.array([(d - origin).days / 365.25 for d in days], dtype=float)


def baseline_forecast(
    series: pl.DataFrame,
    *,
    event_date: date,
    periods_ahead: int = 2,
    level: float = 0.95,
    time_column: str = "period_start",
    value_column: str = "value",
    bounds: tuple[float | None, float | None] = (None, None),
) -> BaselineForecast:
    """Fit the trend before ``event_date`` and project it over the later periods.

    Parameters
    ----------
    series
        One row per period with a date column and a value (nulls are dropped).
    event_date
        Periods starting before this date form the baseline.
    periods_ahead
        Extra periods to project past the last one observed (same spacing as the series).
    level
        Coverage of the prediction interval.
    bounds
        The values the indicator can take (low, high; None: unbounded). The projection
        and its interval are cut off there: a count or a rate never falls below 0.

    Raises
    ------
    ModelFitError
        With fewer than :data:`MIN_BASELINE_PERIODS` periods before the event.
    """
    if not 0 < level < 1:
        raise ValueError("level must lie between 0 and 1")
    for column in (time_column, value_column):
        if column not in series.columns:
            raise ValueError(f"series has no column {column!r}")
    data = series.select(time_column, value_column).drop_nulls().sort(time_column)
    before = data.filter(pl.col(time_column) < event_date)
    if before.height < MIN_BASELINE_PERIODS:
        raise ModelFitError(
            f"a baseline needs at least {MIN_BASELINE_PERIODS} periods with a value before "
            f"{event_date.isoformat()}; there are {before.height}"
        )
    dates = before[time_column].to_list()
    origin = dates[0]
    x = sm.add_constant(_years(dates, origin), has_constant="add")
    fit = sm.OLS(before[value_column].to_numpy(), x).fit()

    after = data.filter(pl.col(time_column) >= event_date)
    all_dates = data[time_column].to_list()
    step = (
        int(np.median(np.diff([d.toordinal() for d in all_dates]))) if len(all_dates) > 1 else 182
    )
    future = after[time_column].to_list()
    last = all_dates[-1]
    extra = [last + timedelta(days=round(step * (k + 1))) for k in range(periods_ahead)]
    if not future:  # the event is after the last measurement: start at the event
        extra = [event_date + timedelta(days=round(step * k)) for k in range(periods_ahead)]
    targets = future + extra
    frame = fit.get_prediction(sm.add_constant(_years(targets, origin), has_constant="add"))
    predicted = frame.summary_frame(alpha=1 - level)
    observed = dict(zip(after[time_column], after[value_column], strict=True))
    low, high = bounds

    def cut(values: np.ndarray) -> np.ndarray:
        return np.clip(values, -np.inf if low is None else low, np.inf if high is None else high)

    forecast = pl.DataFrame(
        {
            "period_start": targets,
            "expected": cut(predicted["mean"].to_numpy()),
            "pi_low": cut(predicted["obs_ci_lower"].to_numpy()),
            "pi_high": cut(predicted["obs_ci_upper"].to_numpy()),
            "observed": [observed.get(d) for d in targets],
        },
        schema={
            "period_start": pl.Date,
            "expected": pl.Float64,
            "pi_low": pl.Float64,
            "pi_high": pl.Float64,
            "observed": pl.Float64,
        },
    )
    baseline = before.rename({time_column: "period_start", value_column: "value"}).with_columns(
        pl.Series("fitted", fit.fittedvalues, dtype=pl.Float64)
    )
    return BaselineForecast(
        baseline=baseline,
        forecast=forecast,
        slope_per_year=float(fit.params[1]),
        n_obs=int(fit.nobs),
        level=level,
        fit=fit,
    )
