"""Goal attainment per network: the share of agreed targets met per period, and its trend.

Networks agree targets per period (e.g. "waiting time under 6 weeks", "90% of children
discussed within a month"). For each network and period the share of targets met is
computed; the trend is a weighted least-squares regression of the share on the period
index, weighted by the number of targets, with standard errors clustered by network when
there are at least two networks (a linear probability model of attainment; Angrist &
Pischke, 2009, sec. 3.4.2).

References
----------
Kania, J., & Kramer, M. (2011). Collective impact. *Stanford Social Innovation Review*,
9(1), 36-41 (shared measurement as a condition of collective impact).
Angrist, J. D., & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*. Princeton UP.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import statsmodels.formula.api as smf

from analysis.base import (
    ModelResult,
    capture_warnings,
    ci_text,
    drop_missing,
    estimates_frame,
    period_index,
    require_binary,
    require_columns,
    significance_note,
    to_pandas,
    warning_notes,
)
from monitor.errors import ModelFitError

MODEL = "goal attainment"


@dataclass(frozen=True)
class GoalsResult(ModelResult):
    """A :class:`ModelResult` with the attainment table.

    Attributes
    ----------
    attainment : polars.DataFrame
        ``network, period, targets, met, share`` per network and period.
    overall : polars.DataFrame
        ``period, targets, met, share`` over all networks.
    """

    attainment: pl.DataFrame | None = None
    overall: pl.DataFrame | None = None


def fit_goals(
    data: pl.DataFrame,
    *,
    network: str = "network_id",
    period: str = "period",
    met: str = "met",
    targets: str | None = None,
) -> GoalsResult:
    """Share of agreed targets met per network and period, with a linear trend.

    Parameters
    ----------
    data : polars.DataFrame
        Either one row per target (``met`` is 0/1) or, with ``targets``, one row per
        network and period (``met`` = number of targets met out of ``targets``).
    network : str
        Network column.
    period : str
        Period column (sortable).
    met : str
        0/1 per target, or the number met when ``targets`` is given.
    targets : str, optional
        Number of agreed targets (aggregated input).

    Returns
    -------
    GoalsResult
        ``period_trend`` = change in the share met per period (proportion, 0.01 = one
        percentage point); ``attainment`` and ``overall`` tables.

    Raises
    ------
    ModelFitError
        Missing columns, met above the number of targets, fewer than 2 periods.
    """
    require_columns(data, [network, period, met, targets], model=MODEL)
    frame, notes = drop_missing(data, [network, period, met, targets], model=MODEL)
    if targets is None:
        require_binary(frame[met], model=MODEL, what="target-met indicator")
        table = frame.group_by([network, period]).agg(
            pl.len().alias("targets"), pl.col(met).cast(pl.Int64).sum().alias("met")
        )
    else:
        table = frame.group_by([network, period]).agg(
            pl.col(targets).sum().alias("targets"), pl.col(met).sum().alias("met")
        )
        if (table["met"] > table["targets"]).any() or (table["targets"] <= 0).any():
            raise ModelFitError(
                f"{MODEL}: {met!r} must lie between 0 and {targets!r}, and {targets!r} > 0"
            )
    table = table.with_columns((pl.col("met") / pl.col("targets")).alias("share")).sort(
        [network, period]
    )
    index, labels = period_index(table[period])
    if len(labels) < 2:
        raise ModelFitError(f"{MODEL}: a trend needs at least 2 periods; found {len(labels)}")
    table = table.with_columns(index.alias("_period_index"))
    n_networks = table[network].n_unique()
    pdf = to_pandas(table)
    model = smf.wls("share ~ _period_index", pdf, weights=pdf["targets"].astype(float))
    with capture_warnings() as caught:
        if n_networks >= 2:
            fit = model.fit(
                cov_type="cluster", cov_kwds={"groups": pdf[network].astype(str)}, use_t=True
            )
            se_text = f"standard errors clustered by {network} (t with G-1 df)"
        else:
            fit = model.fit()
            se_text = "classical standard errors (one network)"
    notes += warning_notes(caught)
    estimates = estimates_frame(
        fit.params,
        fit.bse,
        fit.pvalues,
        ci=fit.conf_int(),
        rename={"_period_index": "period_trend"},
    )
    overall = (
        table.group_by(period)
        .agg(pl.col("targets").sum(), pl.col("met").sum())
        .with_columns((pl.col("met") / pl.col("targets")).alias("share"))
        .sort(period)
    )
    first, last = overall.row(0, named=True), overall.row(-1, named=True)
    trend = estimates.filter(pl.col("term") == "period_trend").row(0, named=True)
    pp = 100 * trend["estimate"]
    direction = "rose" if pp > 0 else "fell"
    sentence = (
        f"Across {n_networks} network(s), the share of agreed targets met went from "
        f"{100 * first['share']:.0f}% in {first[period]} to {100 * last['share']:.0f}% in "
        f"{last[period]}; on trend it {direction} by {abs(pp):.1f} percentage points per period "
        f"({ci_text(100 * trend['ci_low'], 100 * trend['ci_high'], 1)})"
        f"{significance_note(trend['p_value'])}."
    )
    return GoalsResult(
        method="goals",
        estimates=estimates,
        n_obs=int(fit.nobs),
        converged=True,
        sentence=sentence,
        n_clusters=n_networks,
        n_periods=len(labels),
        description=(
            "Share of targets met per network and period; weighted least squares of the "
            f"share on the period index (weights = number of targets), {se_text}."
        ),
        notes=tuple(notes),
        fit=fit,
        attainment=table.drop("_period_index"),
        overall=overall,
    )
