"""Aggregate rows and programme starts from files or query frames, and network x period counts
with the population at risk and the programme timing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import polars as pl

from analysis.prepare.common import (
    _SEASONS,
)
from monitor.errors import ModelFitError, MonitorError
from monitor.periods import Period, parse_period, period_containing

# --------------------------------------------------------------------------- aggregates

_AGGREGATE_ALIASES = {
    "organisation": "organisation_code",
    "indicator": "indicator_code",
    "period": "period_code",
}


def read_aggregates(path: str | Path, *, indicators: Sequence[str] | None = None) -> pl.DataFrame:
    """Aggregate rows from a CSV/Parquet file or a folder of them (the ingest format:
    ``organisation, indicator, period, value, numerator, denominator, category,
    source_kind``; an exported ``aggregate_series`` frame works too).

    Returns the rows with the query layer's column names (``organisation_code,
    indicator_code, period_code, value, category, ...``), ``value`` as a float, optionally
    only the ``indicators`` given.
    """
    source = Path(path)
    if source.is_dir():
        files = sorted([*source.glob("*.csv"), *source.glob("*.parquet")])
        if not files:
            raise MonitorError(f"no .csv or .parquet aggregate files in {str(source)!r}")
    elif source.is_file():
        files = [source]
    else:
        raise MonitorError(f"aggregate file or folder {str(source)!r} not found")
    parts = []
    for file in files:
        if file.suffix == ".parquet":
            frame = pl.read_parquet(file)
            frame = frame.with_columns(
                pl.col(c).cast(pl.String) for c in frame.columns if c != "value"
            )
        else:
            frame = pl.read_csv(file, infer_schema=False)
        frame = normalise_aggregates(frame, source=str(file))
        if indicators is not None:
            frame = frame.filter(pl.col("indicator_code").is_in(list(indicators)))
        parts.append(frame)
    return pl.concat(parts, how="diagonal_relaxed")


def normalise_aggregates(frame: pl.DataFrame, *, source: str = "aggregate rows") -> pl.DataFrame:
    """Rename ingest-format columns to the query layer's and type ``value`` as a float."""
    frame = frame.rename({k: v for k, v in _AGGREGATE_ALIASES.items() if k in frame.columns})
    missing = [c for c in ("organisation_code", "indicator_code", "period_code", "value")
               if c not in frame.columns]  # fmt: skip
    if missing:
        raise ModelFitError(
            f"{source}: missing column(s) {', '.join(missing)}; expected aggregate rows "
            "(organisation, indicator, period, value, category) or aggregate_series output"
        )
    casts = [pl.col("value").cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)]
    casts += [pl.col(c).cast(pl.String) for c in ("organisation_code", "indicator_code")]
    casts.append(pl.col("period_code").cast(pl.String))
    if "category" in frame.columns:
        casts.append(pl.col("category").cast(pl.String).fill_null(""))
    else:
        casts.append(pl.lit("").alias("category"))
    if "suppressed" in frame.columns:
        casts.append(pl.col("suppressed").cast(pl.String).str.to_lowercase().is_in(["true", "1"]))
    else:
        casts.append(pl.lit(False).alias("suppressed"))
    return frame.with_columns(casts)


def programme_starts(
    source: str | Path | pl.DataFrame | Mapping[str, Any], *, kind: str = "programme_start"
) -> dict[str, date]:
    """Programme start date per organisation (network).

    ``source`` is an events file or frame (``events.csv`` of the ingest format:
    ``organisation, date, kind``; or ``monitor.query.events`` output:
    ``organisation_code, event_date, kind``) - the first event of ``kind`` per organisation
    counts - or a mapping ``{network: date}`` (ISO strings accepted).
    """
    if isinstance(source, Mapping):
        return {str(k): _as_date(v, what=f"start of {k}") for k, v in source.items() if v}
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise MonitorError(f"events file {str(path)!r} not found")
        frame = (
            pl.read_parquet(path)
            if path.suffix == ".parquet"
            else pl.read_csv(path, infer_schema=False)
        )
    else:
        frame = source
    frame = frame.rename(
        {
            k: v
            for k, v in {"organisation": "organisation_code", "date": "event_date"}.items()
            if k in frame.columns
        }  # fmt: skip
    )
    missing = [c for c in ("organisation_code", "event_date", "kind") if c not in frame.columns]
    if missing:
        raise ModelFitError(
            f"events: missing column(s) {', '.join(missing)}; expected organisation, date, kind"
        )
    rows = (
        frame.filter(pl.col("kind") == kind)
        .with_columns(pl.col("event_date").cast(pl.String).str.slice(0, 10).str.to_date())
        .group_by("organisation_code")
        .agg(pl.col("event_date").min())
        .sort("organisation_code")
    )
    return dict(zip(rows["organisation_code"], rows["event_date"], strict=True))


def _as_date(value: Any, *, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ModelFitError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _parse(code: str) -> Period:
    try:
        return parse_period(code)
    except ValueError as exc:
        raise ModelFitError(f"period counts: {exc}") from None


Transition = Literal["drop", "keep", "post"]


def period_counts(
    aggregates: pl.DataFrame,
    *,
    indicator: str = "NW_REF",
    population: str = "NW_CHILDREN",
    category: str | Sequence[str] | None = None,
    by_category: bool = False,
    starts: Mapping[str, Any] | pl.DataFrame | None = None,
    organisations: Sequence[str] | None = None,
    transition: Transition = "drop",
    source_kind: str | None = None,
    per: float = 1000.0,
) -> pl.DataFrame:
    """Counts of an indicator per organisation (network) and period, with the population at
    risk and, given programme starts, the treatment timing.

    Parameters
    ----------
    aggregates : polars.DataFrame
        Aggregate rows holding both ``indicator`` and ``population``: the output of
        :func:`read_aggregates` (files) or ``monitor.query.aggregate_series`` for each of
        the two indicators, concatenated. A count reported per category (e.g. ``NW_REF``
        per referrer) is summed over the categories; a suppressed cell makes that
        organisation-period's count missing (so models leave it out, with a note).
    indicator : str
        The count (default ``NW_REF``, distinct children referred to youth care).
    population : str
        The population at risk (default ``NW_CHILDREN``); the models' ``log(children)``
        offset.
    category : str or sequence of str, optional
        Only these categories of ``indicator`` (e.g. ``huisarts``).
    by_category : bool
        One row per category instead of the sum over categories (column ``category``).
    starts : mapping or frame, optional
        Programme start per organisation (see :func:`programme_starts`); organisations
        without a start are the comparison group.
    organisations : sequence of str, optional
        Keep only these organisations.
    transition : {"drop", "keep", "post"}
        What to do with the period in which a programme starts part-way (e.g. a start on
        1 April in the half-year January-June): ``drop`` it (default; it is neither before
        nor after, and counting it either way biases the effect towards zero), ``keep`` it
        as a pre-period marked ``transition = 1``, or count it as ``post``.
    source_kind : str, optional
        Only rows of this source kind.
    per : float
        ``rate`` is per this many children (default per 1,000).

    Returns
    -------
    polars.DataFrame
        ``network_id, period, period_start, period_end, period_index, season, count,
        children, rate, log_rate`` (plus ``category``) and, with ``starts``: ``start_date,
        start_period`` (first period fully after the start; null for comparison networks),
        ``treated`` (0/1 group), ``post`` (0/1, the network's programme runs the whole
        period), ``exposed`` (= ``treated * post``), ``transition`` (0/1),
        ``relative_period`` (periods since ``start_period``; null for comparison).
        ``season`` is the position within the year (half-year 1-2, quarter 1-4, month 1-12).
    """
    what = "period counts"
    frame = normalise_aggregates(aggregates, source=what)
    if source_kind is not None and "source_kind" in frame.columns:
        frame = frame.filter(pl.col("source_kind") == source_kind)
    if organisations is not None:
        frame = frame.filter(pl.col("organisation_code").is_in(list(organisations)))
    present = sorted(frame["indicator_code"].unique().to_list())
    for code, role in ((indicator, "count"), (population, "population")):
        if code not in present:
            raise ModelFitError(
                f"{what}: the {role} indicator {code!r} is not in the aggregate rows "
                f"(they hold {', '.join(present) or 'nothing'})"
            )
    counts = frame.filter(pl.col("indicator_code") == indicator)
    if category is not None:
        wanted = [category] if isinstance(category, str) else list(category)
        counts = counts.filter(pl.col("category").is_in(wanted))
        if counts.height == 0:
            raise ModelFitError(f"{what}: no {indicator} rows in category {wanted}")
    keys = ["organisation_code", "period_code"] + (["category"] if by_category else [])
    if by_category and (counts["category"] != "").any():
        # per category: the total (sent, or published by the query layer) is not one
        counts = counts.filter(pl.col("category") != "")
    if not by_category and (counts["category"] != "").any():
        # a reported total (category "") wins over the sum of its categories
        has_total = counts.filter(pl.col("category") == "").select(
            "organisation_code", "period_code"
        )
        counts = pl.concat(
            [
                counts.filter(pl.col("category") == ""),
                counts.filter(pl.col("category") != "").join(
                    has_total, on=["organisation_code", "period_code"], how="anti"
                ),
            ]
        )
    counts = counts.group_by(keys).agg(
        pl.when((pl.col("suppressed") | pl.col("value").is_null()).any())
        .then(None)
        .otherwise(pl.col("value").sum())
        .alias("count"),
    )
    children = (
        frame.filter((pl.col("indicator_code") == population) & (pl.col("category") == ""))
        .group_by("organisation_code", "period_code")
        .agg(
            pl.when((pl.col("suppressed") | pl.col("value").is_null()).any())
            .then(None)
            .otherwise(pl.col("value").first())
            .alias("children")
        )
    )
    out = counts.join(children, on=["organisation_code", "period_code"], how="left")
    periods = {code: _parse(code) for code in out["period_code"].unique().to_list()}
    types = {p.type for p in periods.values()}
    if len(types) > 1:
        raise ModelFitError(
            f"{what}: the rows mix period types ({', '.join(sorted(str(t) for t in types))}); "
            "keep one (e.g. only half-years)"
        )
    ordered = sorted(periods.values())
    index = {p.code: i for i, p in enumerate(_all_periods(ordered))}
    out = out.with_columns(
        pl.col("period_code").replace_strict({c: p.code for c, p in periods.items()}),
    ).with_columns(
        pl.col("period_code").replace_strict({c: p.start for c, p in periods.items()},
                                             return_dtype=pl.Date).alias("period_start"),
        pl.col("period_code").replace_strict({c: p.end for c, p in periods.items()},
                                             return_dtype=pl.Date).alias("period_end"),
        pl.col("period_code").replace_strict(index, return_dtype=pl.Int64).alias("period_index"),
        pl.col("period_code").replace_strict({c: _season(p) for c, p in periods.items()},
                                             return_dtype=pl.Int64).alias("season"),
    )  # fmt: skip
    out = out.with_columns(
        pl.col("count").cast(pl.Float64),
        pl.col("children").cast(pl.Float64),
    ).with_columns(
        pl.when(pl.col("children") > 0)
        .then(pl.col("count") / pl.col("children") * per)
        .otherwise(None)
        .alias("rate"),
    )
    out = out.with_columns(
        pl.when(pl.col("rate") > 0).then(pl.col("rate").log()).otherwise(None).alias("log_rate")
    ).rename({"organisation_code": "network_id", "period_code": "period"})
    columns = ["network_id", "period", "period_start", "period_end", "period_index", "season"]
    columns += (["category"] if by_category else []) + ["count", "children", "rate", "log_rate"]
    out = out.select(columns).sort(["network_id", "period_index"] + (["category"] * by_category))
    if starts is None:
        return out
    return _with_starts(out, starts, ordered[0].type, transition)


def _all_periods(ordered: list[Period]) -> list[Period]:
    """Every period from the first to the last (so a gap keeps the index equally spaced)."""
    result = [ordered[0]]
    while result[-1].start < ordered[-1].start:
        result.append(result[-1].next())
    return result


def _season(period: Period) -> int:
    months = 12 // _SEASONS.get(period.type, 1)
    return (period.start.month - 1) // months + 1


def _with_starts(
    out: pl.DataFrame, starts: Mapping[str, Any] | pl.DataFrame, period_type, transition
) -> pl.DataFrame:
    if transition not in ("drop", "keep", "post"):
        raise ModelFitError(
            f"period counts: transition must be drop, keep or post, not {transition!r}"
        )
    start_of = programme_starts(starts)
    networks = out["network_id"].unique().to_list()
    first = period_containing(min(out["period_start"]), period_type)
    first_index = int(out["period_index"].min())
    months_per = 12 // _SEASONS[period_type]
    start_period, start_index = {}, {}
    for network in networks:
        day = start_of.get(network)
        if day is None:
            continue
        containing = period_containing(day, period_type)
        full = containing if containing.start == day else containing.next()
        start_period[network] = full.code
        months = (full.start.year - first.start.year) * 12 + full.start.month - first.start.month
        start_index[network] = first_index + months // months_per
    out = out.with_columns(
        pl.col("network_id").replace_strict(
            {n: start_of.get(n) for n in networks}, return_dtype=pl.Date
        ).alias("start_date"),
        pl.col("network_id").replace_strict(
            {n: start_period.get(n) for n in networks}, return_dtype=pl.String
        ).alias("start_period"),
        pl.col("network_id").replace_strict(
            {n: start_index.get(n) for n in networks}, return_dtype=pl.Int64
        ).alias("_start_index"),
    )  # fmt: skip
    started = pl.col("start_date").is_not_null()
    transition_row = (
        started
        & (pl.col("start_date") > pl.col("period_start"))
        & (pl.col("start_date") <= pl.col("period_end"))
    )
    post = started & (pl.col("period_index") >= pl.col("_start_index"))
    if transition == "post":
        post = post | transition_row
    out = out.with_columns(
        started.cast(pl.Int64).alias("treated"),
        post.fill_null(False).cast(pl.Int64).alias("post"),
        transition_row.fill_null(False).cast(pl.Int64).alias("transition"),
        (pl.col("period_index") - pl.col("_start_index")).alias("relative_period"),
    ).with_columns(
        (pl.col("treated") * pl.col("post")).alias("exposed"),
    )
    if transition == "drop":
        out = out.filter(pl.col("transition") == 0)
    return out.drop("_start_index")
