"""From a researcher extract or aggregate series to the analysis-ready frames the models take.

The models in :mod:`analysis` take tidy frames (one row per child and wave, per network and
period, per child and period, per child and interval). This module builds them:

- :func:`read_extract` - the four files of a ``monitor extract`` directory (checksums checked)
- :func:`growth_frame` - child x measurement of a score (for :func:`~analysis.fit_growth`)
- :func:`period_counts` - network x period counts with the population at risk and the
  programme timing (for :func:`~analysis.fit_rates`, :func:`~analysis.fit_its`,
  :func:`~analysis.fit_did`, :func:`~analysis.fit_event_study`)
- :func:`binary_panel` - child x half-year, event yes/no, with exposure (for
  :func:`~analysis.fit_gee`)
- :func:`start_stop` - counting-process intervals split at participation (for
  :func:`~analysis.fit_cox`)
- :func:`read_aggregates`, :func:`programme_starts` - aggregate rows and programme start
  dates from files (the ingest formats, e.g. the synthetic panel's ``aggregate/*.csv`` and
  ``events.csv``) or from query-layer frames (``monitor.query.aggregate_series``,
  ``monitor.query.events``)

Every function raises :class:`monitor.errors.ModelFitError` naming what is missing (an
indicator that is not in the extract, a column, a period code it cannot read).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import polars as pl

from monitor.errors import ModelFitError, MonitorError
from monitor.periods import Period, parse_period, period_containing
from schema.base import PeriodType

DAYS_PER_YEAR = 365.25

MEASUREMENT_COLUMNS = (
    "child_pseudonym",
    "birth_month",
    "sex",
    "municipality_code",
    "indicator_code",
    "indicator_version",
    "observed_on",
    "end_date",
    "value",
    "category",
    "end_reason",
    "source_kind",
    "reporting_org_code",
    "recorded_at",
)
PARTICIPATION_SCHEMA = {
    "child_pseudonym": pl.String,
    "network_code": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "intensity": pl.Float64,
    "intensity_unit": pl.String,
}
_SEASONS = {
    PeriodType.HALF_YEAR: 2,
    PeriodType.QUARTER: 4,
    PeriodType.MONTH: 12,
    PeriodType.YEAR: 1,
}


# --------------------------------------------------------------------------- extracts


@dataclass(frozen=True)
class Extract:
    """The contents of a researcher extract directory (see :mod:`monitor.extract`)."""

    path: Path
    measurements: pl.DataFrame
    participation: pl.DataFrame
    codebook: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def indicators(self) -> list[str]:
        """Indicator codes present in ``measurements``."""
        return sorted(self.measurements["indicator_code"].unique().to_list())


def read_extract(path: str | Path, *, verify: bool = True) -> Extract:
    """Read an extract directory written by ``monitor extract``.

    Parameters
    ----------
    path : str or Path
        The directory with ``measurements.parquet`` (required), ``participation.parquet``,
        ``codebook.json`` and ``manifest.json``.
    verify : bool
        Recompute the SHA-256 checksums of the manifest and refuse files that changed since
        the extract was written (so a study always runs on the data it names).

    Raises
    ------
    MonitorError
        The directory or ``measurements.parquet`` is missing, or a checksum does not match.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise MonitorError(f"extract directory {str(folder)!r} not found")
    measurements_path = folder / "measurements.parquet"
    if not measurements_path.is_file():
        raise MonitorError(
            f"{str(folder)!r} is not an extract: measurements.parquet is missing "
            "(write one with `monitor extract`)"
        )
    manifest: dict[str, Any] = {}
    if (folder / "manifest.json").is_file():
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if verify and manifest.get("files"):
            from monitor.extract import verify_extract

            changed = verify_extract(folder)
            if changed:
                raise MonitorError(
                    f"extract {str(folder)!r} changed since it was written: "
                    f"{', '.join(changed)} no longer match the checksums in manifest.json"
                )
    codebook: dict[str, Any] = {}
    if (folder / "codebook.json").is_file():
        codebook = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    measurements = pl.read_parquet(measurements_path)
    participation_path = folder / "participation.parquet"
    participation = (
        pl.read_parquet(participation_path)
        if participation_path.is_file()
        else pl.DataFrame(schema=PARTICIPATION_SCHEMA)
    )
    return Extract(folder, measurements, participation, codebook, manifest)


def _measurements(data: pl.DataFrame | Extract) -> pl.DataFrame:
    frame = data.measurements if isinstance(data, Extract) else data
    if not isinstance(frame, pl.DataFrame):
        raise ModelFitError(f"expected extract measurements as a polars DataFrame, got {frame!r}")
    return frame


def _participation(
    participation: pl.DataFrame | None, data: pl.DataFrame | Extract
) -> pl.DataFrame | None:
    if participation is None and isinstance(data, Extract):
        participation = data.participation
    if participation is None:
        return None
    missing = [c for c in ("child_pseudonym", "valid_from", "valid_to") if c not in participation]
    if missing:
        raise ModelFitError(
            f"participation: missing column(s) {', '.join(missing)}; expected the columns of "
            "participation.parquet (child_pseudonym, network_code, valid_from, valid_to, "
            "intensity, intensity_unit)"
        )
    casts = [pl.col("valid_from").cast(pl.Date), pl.col("valid_to").cast(pl.Date)]
    if "intensity" in participation.columns:
        casts.append(pl.col("intensity").cast(pl.Float64))
    else:
        casts.append(pl.lit(None, dtype=pl.Float64).alias("intensity"))
    return participation.with_columns(casts)


def _require_measurement_columns(frame: pl.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ModelFitError(
            f"{what}: the measurements miss column(s) {', '.join(repr(c) for c in missing)}; "
            "expected the columns of an extract's measurements.parquet"
        )


def indicator_rows(
    measurements: pl.DataFrame | Extract,
    indicator: str,
    *,
    what: str,
    source_kind: str | None = None,
    version: int | None = None,
    category: str | Sequence[str] | None = None,
) -> pl.DataFrame:
    """The rows of one indicator; refuses mixed source kinds or versions (name them).

    Series of different source kinds are never mixed, and a changed definition is a new
    version: when the rows hold more than one, say which with ``source_kind=``/``version=``.
    """
    frame = _measurements(measurements)
    _require_measurement_columns(frame, ["child_pseudonym", "indicator_code", "observed_on"], what)
    rows = frame.filter(pl.col("indicator_code") == indicator)
    if rows.height == 0:
        present = sorted(frame["indicator_code"].unique().to_list()) if frame.height else []
        raise ModelFitError(
            f"{what}: indicator {indicator!r} is not in the extract "
            f"(it holds {', '.join(present) or 'no rows'}); extract it with "
            f"`monitor extract --indicators {indicator},...`"
        )
    if source_kind is not None and "source_kind" in rows.columns:
        rows = rows.filter(pl.col("source_kind") == source_kind)
        if rows.height == 0:
            raise ModelFitError(f"{what}: no {indicator} rows with source kind {source_kind!r}")
    if "source_kind" in rows.columns and rows["source_kind"].n_unique() > 1:
        kinds = sorted(str(k) for k in rows["source_kind"].unique().to_list())
        raise ModelFitError(
            f"{what}: {indicator} rows have several source kinds ({', '.join(kinds)}), which "
            "are never mixed; choose one with source_kind="
        )
    if version is not None and "indicator_version" in rows.columns:
        rows = rows.filter(pl.col("indicator_version") == version)
        if rows.height == 0:
            raise ModelFitError(f"{what}: no {indicator} rows of version {version}")
    if "indicator_version" in rows.columns and rows["indicator_version"].n_unique() > 1:
        versions = sorted(rows["indicator_version"].unique().to_list())
        raise ModelFitError(
            f"{what}: {indicator} rows come from definition versions {versions}; series of "
            "different versions are not comparable, choose one with version="
        )
    if category is not None:
        wanted = [category] if isinstance(category, str) else list(category)
        rows = rows.filter(pl.col("category").is_in(wanted))
        if rows.height == 0:
            raise ModelFitError(f"{what}: no {indicator} rows in category {wanted}")
    return rows.with_columns(pl.col("observed_on").cast(pl.Date))


def _years_between(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    return (later - earlier).dt.total_days().cast(pl.Float64) / DAYS_PER_YEAR


def _half_year_code(day: pl.Expr) -> pl.Expr:
    half = pl.when(day.dt.month() <= 6).then(pl.lit("-H1")).otherwise(pl.lit("-H2"))
    return pl.concat_str([day.dt.year().cast(pl.String), half])


# --------------------------------------------------------------------------- growth


def growth_frame(
    measurements: pl.DataFrame | Extract,
    indicator: str = "CH_SEM",
    participation: pl.DataFrame | None = None,
    *,
    source_kind: str | None = None,
    version: int | None = None,
) -> pl.DataFrame:
    """Child x measurement rows of a score, with time, age and programme exposure.

    Parameters
    ----------
    measurements : polars.DataFrame or Extract
        An extract's ``measurements.parquet`` (or the :class:`Extract`).
    indicator : str
        The score's indicator code (default ``CH_SEM``, social-emotional development).
    participation : polars.DataFrame, optional
        An extract's ``participation.parquet`` (taken from the Extract when omitted).
    source_kind, version : optional
        Which source kind / definition version when the rows hold several.

    Returns
    -------
    polars.DataFrame
        ``child_id, observed_on, wave, time, age, value, exposed, intensity,
        exposure_years, network_code, sex, municipality_code, reporting_org_code`` sorted by
        child and date. ``time`` is years since the child's first measurement of the
        indicator, ``age`` years since the birth month, ``exposed`` 1 when a participation
        period covers the measurement date, ``intensity`` its intensity (0 when not
        exposed), ``exposure_years`` the years of participation before the measurement.
        For :func:`analysis.fit_growth` with ``time="time"`` (or ``"age"``),
        ``child="child_id"``, ``exposure="exposed"``.
    """
    what = "growth frame"
    rows = indicator_rows(
        measurements, indicator, what=what, source_kind=source_kind, version=version
    )
    _require_measurement_columns(rows, ["value", "birth_month"], what)
    extra = [c for c in ("sex", "municipality_code", "reporting_org_code") if c in rows.columns]
    frame = (
        rows.filter(pl.col("value").is_not_null())
        .select(
            pl.col("child_pseudonym").alias("child_id"),
            "observed_on",
            pl.col("value").cast(pl.Float64),
            pl.col("birth_month").cast(pl.Date),
            *extra,
        )
        .sort("child_id", "observed_on")
        .with_row_index("_row")
    )
    frame = frame.with_columns(
        (pl.col("observed_on").rank("ordinal").over("child_id")).cast(pl.Int64).alias("wave"),
        _years_between(pl.col("observed_on"), pl.col("observed_on").min().over("child_id")).alias(
            "time"
        ),
        _years_between(pl.col("observed_on"), pl.col("birth_month")).alias("age"),
    )
    part = _participation(participation, measurements)
    exposure = _exposure_at(frame, part)
    frame = frame.join(exposure, on="_row", how="left").with_columns(
        pl.col("exposed").fill_null(0),
        pl.col("intensity").fill_null(0.0),
        pl.col("exposure_years").fill_null(0.0),
    )
    return frame.select(
        "child_id",
        "observed_on",
        "wave",
        "time",
        "age",
        "value",
        "exposed",
        "intensity",
        "exposure_years",
        "network_code",
        *extra,
    )


def _exposure_at(frame: pl.DataFrame, part: pl.DataFrame | None) -> pl.DataFrame:
    """Per ``_row`` of ``frame`` (child_id, observed_on): exposed, intensity, exposure_years,
    network_code from the participation periods."""
    schema = {
        "_row": pl.UInt32,
        "exposed": pl.Int64,
        "intensity": pl.Float64,
        "exposure_years": pl.Float64,
        "network_code": pl.String,
    }
    if part is None or part.height == 0:
        return pl.DataFrame(schema=schema)
    network = pl.col("network_code") if "network_code" in part.columns else pl.lit(None)
    p = part.select(
        pl.col("child_pseudonym").alias("child_id"),
        "valid_from",
        "valid_to",
        "intensity",
        network.cast(pl.String).alias("network_code"),
    )
    joined = frame.select("_row", "child_id", "observed_on").join(p, on="child_id", how="inner")
    covers = (pl.col("valid_from") <= pl.col("observed_on")) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("observed_on"))
    )
    until = pl.min_horizontal(pl.col("observed_on"), pl.col("valid_to").fill_null(date.max))
    joined = joined.with_columns(
        covers.alias("_covers"),
        pl.max_horizontal(_years_between(until, pl.col("valid_from")), pl.lit(0.0)).alias("_yrs"),
    )
    return (
        joined.group_by("_row")
        .agg(
            pl.col("_covers").any().cast(pl.Int64).alias("exposed"),
            pl.col("intensity").filter(pl.col("_covers")).max().alias("intensity"),
            pl.col("_yrs").sum().alias("exposure_years"),
            pl.col("network_code").filter(pl.col("_covers")).first().alias("network_code"),
        )
        .with_columns(pl.col("_row").cast(pl.UInt32))
        .select(list(schema))
    )


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


# --------------------------------------------------------------------------- binary panel


def binary_panel(
    measurements: pl.DataFrame | Extract,
    indicator: str = "CH_REF",
    participation: pl.DataFrame | None = None,
    *,
    outcome: str = "referred",
    category: str | Sequence[str] | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
) -> pl.DataFrame:
    """Child x half-year rows: did the event happen (0/1), and was the child in a programme.

    A child is counted in every half-year from the one of its first to the one of its last
    row of *any* indicator in the extract (the extract holds no register of who lived where
    when, so being measured is the evidence of being there), clipped to ``date_from`` ..
    ``date_to`` when given.

    Parameters
    ----------
    measurements : polars.DataFrame or Extract
        An extract's measurements.
    indicator : str
        The event indicator (default ``CH_REF``, referral to youth care).
    participation : polars.DataFrame, optional
        An extract's participation rows (from the Extract when omitted).
    outcome : str
        Name of the 0/1 column (default ``referred``).
    category : optional
        Only events of these categories (e.g. referrer ``huisarts``).
    date_from, date_to : optional
        The study window.

    Returns
    -------
    polars.DataFrame
        ``child_id, period, period_start, period_index, season, <outcome>, events, exposed,
        intensity, age, sex, municipality_code``. ``exposed`` is 1 when a participation
        period overlaps the half-year, ``age`` is in years at the start of the half-year.
        For :func:`analysis.fit_gee` with ``child="child_id"``.
    """
    what = "binary panel"
    frame = _measurements(measurements)
    events = indicator_rows(frame, indicator, what=what, category=category)
    _require_measurement_columns(frame, ["birth_month"], what)
    lo = _as_date(date_from, what="date_from") if date_from else None
    hi = _as_date(date_to, what="date_to") if date_to else None
    seen = frame.with_columns(pl.col("observed_on").cast(pl.Date))
    if lo:
        seen = seen.filter(pl.col("observed_on") >= lo)
        events = events.filter(pl.col("observed_on") >= lo)
    if hi:
        seen = seen.filter(pl.col("observed_on") <= hi)
        events = events.filter(pl.col("observed_on") <= hi)
    if seen.height == 0:
        raise ModelFitError(f"{what}: no measurements in the window {lo} .. {hi}")
    extra = [c for c in ("sex", "municipality_code") if c in frame.columns]
    children = seen.group_by("child_pseudonym").agg(
        pl.col("observed_on").min().alias("_first"),
        pl.col("observed_on").max().alias("_last"),
        pl.col("birth_month").cast(pl.Date).first(),
        *[pl.col(c).first() for c in extra],
    )
    first_period = period_containing(min(children["_first"]), PeriodType.HALF_YEAR)
    last_period = period_containing(max(children["_last"]), PeriodType.HALF_YEAR)
    calendar = _all_periods([first_period, last_period])
    table = pl.DataFrame(
        {
            "period": [p.code for p in calendar],
            "period_start": [p.start for p in calendar],
            "period_end": [p.end for p in calendar],
            "period_index": list(range(len(calendar))),
            "season": [_season(p) for p in calendar],
        }
    )
    panel = children.join(table, how="cross").filter(
        (pl.col("period_end") >= pl.col("_first")) & (pl.col("period_start") <= pl.col("_last"))
    )
    counted = (
        events.with_columns(_half_year_code(pl.col("observed_on")).alias("period"))
        .group_by("child_pseudonym", "period")
        .agg(pl.len().cast(pl.Int64).alias("events"))
    )
    panel = panel.join(counted, on=["child_pseudonym", "period"], how="left").with_columns(
        pl.col("events").fill_null(0),
        (pl.col("events").fill_null(0) > 0).cast(pl.Int64).alias(outcome),
        _years_between(pl.col("period_start"), pl.col("birth_month")).alias("age"),
    )
    part = _participation(participation, measurements)
    panel = panel.rename({"child_pseudonym": "child_id"}).with_row_index("_row")
    if part is not None and part.height:
        p = part.select(
            pl.col("child_pseudonym").alias("child_id"), "valid_from", "valid_to", "intensity"
        )
        overlap = (
            panel.select("_row", "child_id", "period_start", "period_end")
            .join(p, on="child_id", how="inner")
            .filter(
                (pl.col("valid_from") <= pl.col("period_end"))
                & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("period_start")))
            )
            .group_by("_row")
            .agg(pl.lit(1, dtype=pl.Int64).alias("exposed"), pl.col("intensity").max())
        )
        panel = panel.join(overlap, on="_row", how="left")
    else:
        panel = panel.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("exposed"),
            pl.lit(None, dtype=pl.Float64).alias("intensity"),
        )
    panel = panel.with_columns(pl.col("exposed").fill_null(0), pl.col("intensity").fill_null(0.0))
    return panel.select(
        "child_id",
        "period",
        "period_start",
        "period_index",
        "season",
        outcome,
        "events",
        "exposed",
        "intensity",
        "age",
        *extra,
    ).sort("child_id", "period_index")


# --------------------------------------------------------------------------- start-stop


def start_stop(
    measurements: pl.DataFrame | Extract,
    participation: pl.DataFrame | None = None,
    *,
    event_indicator: str = "CH_SPED",
    time_scale: Literal["age", "study"] = "age",
    date_from: date | str | None = None,
    date_to: date | str | None = None,
) -> pl.DataFrame:
    """Counting-process rows ``(start, stop]`` per child, split where participation begins
    and ends, ending at the first event of ``event_indicator`` or at censoring.

    Follow-up of a child runs from its first row of any indicator in the extract (or
    ``date_from``) to the first ``event_indicator`` row, else to its last row (or
    ``date_to``): a child that is no longer measured is censored there. Children whose
    event falls on or before the start of follow-up (already placed when first seen) are
    left out - they were never at risk in the window.

    Parameters
    ----------
    measurements : polars.DataFrame or Extract
        An extract's measurements.
    participation : polars.DataFrame, optional
        An extract's participation rows (from the Extract when omitted); without it every
        interval has ``exposed = 0``.
    event_indicator : str
        The event (default ``CH_SPED``, placement in special education).
    time_scale : {"age", "study"}
        ``age``: years since the birth month (intervals are left-truncated at the age when
        first seen); ``study``: years since the child's start of follow-up.
    date_from, date_to : optional
        The study window.

    Returns
    -------
    polars.DataFrame
        ``child_id, start, stop, event, exposed, intensity, start_date, stop_date, sex,
        municipality_code``; for :func:`analysis.fit_cox` with ``entry="start"``,
        ``exit="stop"``, ``child="child_id"``.
    """
    what = "start-stop data"
    if time_scale not in ("age", "study"):
        raise ModelFitError(f"{what}: time_scale must be 'age' or 'study', not {time_scale!r}")
    frame = _measurements(measurements)
    events = indicator_rows(frame, event_indicator, what=what)
    _require_measurement_columns(frame, ["birth_month"], what)
    lo = _as_date(date_from, what="date_from") if date_from else None
    hi = _as_date(date_to, what="date_to") if date_to else None
    seen = frame.with_columns(pl.col("observed_on").cast(pl.Date))
    extra = [c for c in ("sex", "municipality_code") if c in frame.columns]
    follow = seen.group_by("child_pseudonym").agg(
        pl.col("observed_on").min().alias("entry_date"),
        pl.col("observed_on").max().alias("last_date"),
        pl.col("birth_month").cast(pl.Date).first(),
        *[pl.col(c).first() for c in extra],
    )
    first_event = events.group_by("child_pseudonym").agg(
        pl.col("observed_on").min().alias("event_date")
    )
    follow = follow.join(first_event, on="child_pseudonym", how="left")
    if lo:
        follow = follow.with_columns(
            pl.max_horizontal("entry_date", pl.lit(lo)).alias("entry_date")
        )
    if hi:
        follow = follow.with_columns(pl.min_horizontal("last_date", pl.lit(hi)).alias("last_date"))
    follow = follow.with_columns(
        (pl.col("event_date").is_not_null() & (pl.col("event_date") <= pl.col("last_date")))
        .cast(pl.Int64)
        .alias("event"),
    ).with_columns(
        pl.when(pl.col("event") == 1)
        .then(pl.col("event_date"))
        .otherwise(pl.col("last_date"))
        .alias("exit_date"),
    )
    prevalent = follow.filter(
        pl.col("event_date").is_not_null() & (pl.col("event_date") <= pl.col("entry_date"))
    )
    follow = follow.filter(
        ~pl.col("child_pseudonym").is_in(prevalent["child_pseudonym"].implode())
        & (pl.col("exit_date") > pl.col("entry_date"))
    )
    if follow.height == 0:
        raise ModelFitError(f"{what}: no child has follow-up time before {event_indicator}")
    part = _participation(participation, measurements)
    spells: dict[str, list[tuple[date, date | None, float | None]]] = {}
    if part is not None and part.height:
        for child, start, end, intensity in part.select(
            "child_pseudonym", "valid_from", "valid_to", "intensity"
        ).iter_rows():
            spells.setdefault(child, []).append((start, end, intensity))
    rows: dict[str, list[Any]] = {
        k: [] for k in ("child_id", "start_date", "stop_date", "event", "exposed", "intensity")
    }
    for child, entry, exit_, event in follow.select(
        "child_pseudonym", "entry_date", "exit_date", "event"
    ).iter_rows():
        mine = spells.get(child, [])
        cuts = {entry, exit_}
        for start, end, _ in mine:
            for day in (start, None if end is None else end + timedelta(days=1)):
                if day is not None and entry < day < exit_:
                    cuts.add(day)
        points = sorted(cuts)
        for a, b in zip(points[:-1], points[1:], strict=True):
            active = [i for s, e, i in mine if s <= a and (e is None or e >= a)]
            rows["child_id"].append(child)
            rows["start_date"].append(a)
            rows["stop_date"].append(b)
            rows["event"].append(int(event and b == exit_))
            rows["exposed"].append(int(bool(active)))
            known = [i for i in active if i is not None]
            rows["intensity"].append(max(known) if known else 0.0)
    intervals = pl.DataFrame(
        rows,
        schema={
            "child_id": pl.String,
            "start_date": pl.Date,
            "stop_date": pl.Date,
            "event": pl.Int64,
            "exposed": pl.Int64,
            "intensity": pl.Float64,
        },
    )
    origin = follow.select(
        pl.col("child_pseudonym").alias("child_id"),
        pl.col("birth_month") if time_scale == "age" else pl.col("entry_date").alias("birth_month"),
        *extra,
    )
    intervals = intervals.join(origin, on="child_id", how="left").with_columns(
        _years_between(pl.col("start_date"), pl.col("birth_month")).alias("start"),
        _years_between(pl.col("stop_date"), pl.col("birth_month")).alias("stop"),
    )
    return intervals.select(
        "child_id", "start", "stop", "event", "exposed", "intensity", "start_date", "stop_date",
        *extra,
    ).sort("child_id", "start")  # fmt: skip


# --------------------------------------------------------------------------- dispatch

PREPARERS = ("growth", "counts", "binary", "survival")


def prepare(
    spec: Mapping[str, Any],
    *,
    extract: Extract | None = None,
    aggregates: pl.DataFrame | None = None,
    events: pl.DataFrame | Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """Build a frame from a study file's ``data:`` section.

    ``spec["prepare"]`` is one of ``growth`` (:func:`growth_frame`), ``counts``
    (:func:`period_counts`), ``binary`` (:func:`binary_panel`) or ``survival``
    (:func:`start_stop`); the other keys are that function's keyword arguments. ``growth``,
    ``binary`` and ``survival`` need the ``extract``; ``counts`` needs ``aggregates`` and,
    for ``starts``, ``events`` (or ``starts:`` in the spec).
    """
    spec = dict(spec)
    kind = str(spec.pop("prepare", "")).strip().lower()
    for meta in ("extract", "aggregates", "events", "file"):
        spec.pop(meta, None)
    aliases = {"growth_frame": "growth", "period_counts": "counts", "rates": "counts",
               "binary_panel": "binary", "gee": "binary", "start_stop": "survival",
               "cox": "survival"}  # fmt: skip
    kind = aliases.get(kind, kind)
    if kind not in PREPARERS:
        raise ModelFitError(
            f"data: prepare must be one of {', '.join(PREPARERS)}, not {kind or 'empty'!r}"
        )
    function = {
        "growth": growth_frame,
        "counts": period_counts,
        "binary": binary_panel,
        "survival": start_stop,
    }[kind]
    import inspect

    accepted = [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ][1:]
    unknown = sorted(set(spec) - set(accepted))
    if unknown:
        raise ModelFitError(
            f"data: prepare {kind!r} does not take {', '.join(unknown)}; "
            f"accepted: {', '.join(accepted)}"
        )
    if kind == "counts":
        if aggregates is None:
            raise ModelFitError(
                "data: prepare 'counts' needs aggregate rows: give `aggregates:` (a CSV/Parquet "
                "file or folder) in the study file or --data FILE"
            )
        if "starts" not in spec and events is not None:
            spec["starts"] = events
        return period_counts(aggregates, **spec)
    if extract is None:
        raise ModelFitError(
            f"data: prepare {kind!r} needs an extract: give --extract DIR (written by "
            "`monitor extract`) or `extract:` in the study file"
        )
    return function(extract, **spec)
