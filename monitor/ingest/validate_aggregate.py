"""Checks of aggregate files (network and municipality figures per period), vectorised.

Who may report what: a municipality reports municipality-level indicators about itself and
network-level figures for networks in the municipality (on the network's behalf); a network
(samenwerkingsverband) reports network-level figures about itself. A network-level figure
has one reporter: a member partner (a school) does not send the network's figures, and a
municipality's re-send supersedes the network's row (:mod:`monitor.ingest.store`).
"""

from __future__ import annotations

import polars as pl

from monitor.ingest.context import Context
from monitor.ingest.formats import AGGREGATE_COLUMNS, PUBLISHED_STATUSES
from monitor.ingest.read import ROW
from monitor.ingest.rules import (
    Problems,
    add_missing_columns,
    check_category,
    check_indicator_known,
    check_source_kind,
    check_value,
    join_indicator_version,
    parse_number,
    parse_value,
)
from monitor.ingest.validate_case import NETWORK_KINDS, Validated
from monitor.periods import parse_period

_PERIOD_SCHEMA = {
    "period": pl.String,
    "_period_code": pl.String,
    "_period_start": pl.Date,
    "_period_end": pl.Date,
    "_period_type": pl.String,
}


def _periods(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    """Parse each distinct period code once, then join back."""
    parsed = []
    for text in frame["period"].drop_nulls().unique().to_list():
        try:
            period = parse_period(text)
        except ValueError:
            continue
        parsed.append((text, period.code, period.start, period.end, period.type.value))
    lookup = pl.DataFrame(parsed, schema=_PERIOD_SCHEMA, orient="row")
    frame = frame.join(lookup, on="period", how="left")
    problems.add(frame, pl.col("period").is_null(), "period", "period is required")
    problems.add(
        frame,
        pl.col("period").is_not_null() & pl.col("_period_start").is_null(),
        "period",
        "not a period; use 2024, 2024-H1, 2024-Q2, 2024-03 or CBS 2024JJ00, 2024HJ01, "
        "2024KW02, 2024MM03",
    )
    return frame


def _organisation(frame: pl.DataFrame, problems: Problems, ctx: Context) -> pl.DataFrame:
    frame = frame.join(
        ctx.organisations.select(
            pl.col("o_code").alias("organisation"),
            pl.col("o_id").alias("_about_id"),
            pl.col("o_kind").alias("_about_kind"),
            pl.col("o_municipality_id").alias("_about_municipality_id"),
        ),
        on="organisation",
        how="left",
    )
    problems.add(
        frame, pl.col("organisation").is_null(), "organisation", "organisation is required"
    )
    problems.add(
        frame,
        pl.col("organisation").is_not_null() & pl.col("_about_id").is_null(),
        "organisation",
        "unknown organisation (see: monitor org list)",
    )
    level, kind = pl.col("i_level"), pl.col("_about_kind")
    problems.add(
        frame,
        (level == "network") & kind.is_not_null() & ~kind.is_in(NETWORK_KINDS),
        "organisation",
        pl.format("is a {}; a network-level indicator is about a network", kind),
    )
    problems.add(
        frame,
        (level == "municipality") & kind.is_not_null() & (kind != "municipality"),
        "organisation",
        pl.format("is a {}; a municipality-level indicator is about a municipality", kind),
    )
    own_municipality = (
        (level == "network")
        & pl.lit(ctx.org_kind == "municipality")
        & (pl.col("_about_municipality_id") == ctx.org_id)
    )
    # a published figure (CBS) is about whichever region its publisher names; the importer
    # is recorded as the sender, the publisher in the indicator
    published = pl.col("i_publisher").is_not_null()
    allowed = (pl.col("_about_id") == ctx.org_id) | own_municipality | published
    problems.add(
        frame,
        pl.col("_about_id").is_not_null() & level.is_in(["network", "municipality"]) & ~allowed,
        "organisation",
        pl.format(
            "{} ({}) may not report {}-level figures about {}: a network's figure is reported "
            "by the network itself or by its municipality on its behalf, a municipality's by "
            "the municipality; member partners give their figures to the network",
            pl.lit(ctx.org_code),
            pl.lit(ctx.org_kind),
            level,
            pl.col("organisation"),
        ),
    )
    return frame


def _numerator_denominator(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    frame = frame.with_columns(
        _numerator=parse_number("numerator"), _denominator=parse_number("denominator")
    )
    num, den = pl.col("_numerator"), pl.col("_denominator")
    for column in ("numerator", "denominator"):
        problems.add(
            frame,
            pl.col(column).is_not_null() & pl.col(f"_{column}").is_null(),
            column,
            "not a number",
        )
        problems.add(frame, pl.col(f"_{column}") < 0, column, "must be 0 or more")
    problems.add(
        frame,
        pl.col("numerator").is_not_null() & pl.col("denominator").is_null(),
        "denominator",
        "a numerator needs a denominator",
    )
    problems.add(
        frame,
        pl.col("denominator").is_not_null() & pl.col("numerator").is_null(),
        "numerator",
        "a denominator needs a numerator",
    )
    problems.add(frame, num > den, "numerator", "numerator is larger than the denominator")
    problems.add(frame, den == 0, "denominator", "denominator must be more than 0")
    vt = pl.col("i_value_type")
    derived = (
        pl.when((den > 0) & (vt == "percentage"))
        .then(num / den * 100)
        .when((den > 0) & (vt == "proportion"))
        .then(num / den)
        .otherwise(None)
    )
    return frame.with_columns(_value=pl.coalesce(parse_value("value", "i_value_type"), derived))


def _status(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    """The publisher's status: only on published figures, one of :data:`PUBLISHED_STATUSES`."""
    status = pl.col("status").str.strip_chars().str.to_lowercase().str.replace_all(" ", "_")
    frame = frame.with_columns(_status=status.replace("", None))
    problems.add(
        frame,
        pl.col("_status").is_not_null() & ~pl.col("_status").is_in(list(PUBLISHED_STATUSES)),
        "status",
        f"unknown status; use {', '.join(PUBLISHED_STATUSES)}",
        pl.col("status"),
    )
    problems.add(
        frame,
        pl.col("_status").is_not_null() & pl.col("i_publisher").is_null(),
        "status",
        "a status belongs to a published figure (an indicator with a publisher, e.g. CBS)",
        pl.col("status"),
    )
    return frame


def validate_aggregate(frame: pl.DataFrame, ctx: Context, file_name: str) -> Validated:
    """Check an aggregate frame; every problem is collected, nothing is stored."""
    problems = Problems(file_name)
    frame = add_missing_columns(frame, [c.name for c in AGGREGATE_COLUMNS])
    frame = _periods(frame, problems)
    frame = join_indicator_version(frame, ctx.indicators, "_period_start")
    check_indicator_known(frame, problems, ctx.indicators, "_period_start")
    problems.add(
        frame,
        pl.col("i_level") == "case",
        "indicator",
        "is a case-level indicator; send it in a case file (one row per child)",
    )
    rates = (
        ctx.indicators.filter(pl.col("i_value_type") == "rate")
        .select(
            "indicator",
            pl.col("i_numerator").alias("_rate_num"),
            pl.col("i_denominator").alias("_rate_den"),
        )
        .unique("indicator")
    )
    frame = frame.join(rates, on="indicator", how="left")
    problems.add(
        frame,
        pl.col("_rate_num").is_not_null(),
        "indicator",
        pl.format(
            "is a rate: rates are never submitted, they are computed from the numerator and "
            "denominator indicators; send {} and {} instead",
            pl.col("_rate_num"),
            pl.col("_rate_den"),
        ),
    )
    problems.add(
        frame,
        pl.col("_period_type").is_not_null()
        & pl.col("i_period_type").is_not_null()
        & (pl.col("_period_type") != pl.col("i_period_type")),
        "period",
        pl.format(
            "this indicator is reported per {}, not per {}",
            pl.col("i_period_type"),
            pl.col("_period_type"),
        ),
    )
    problems.add(frame, pl.col("_period_start") > ctx.today, "period", "period lies in the future")
    frame = _organisation(frame, problems, ctx)
    frame = _numerator_denominator(frame, problems)
    frame = _status(frame, problems)
    check_value(frame, problems, required=pl.col("numerator").is_null())
    check_category(
        frame,
        problems,
        ctx.categories,
        column="category",
        set_column="i_category_set",
        required=pl.col("i_value_type") == "category",
    )
    frame = frame.with_columns(
        _source_kind=check_source_kind(frame, problems),
        _category=pl.col("category").fill_null(""),
    )
    key = pl.concat_str(
        [
            pl.col("organisation"),
            pl.col("indicator"),
            pl.col("_category"),
            pl.col("_period_start"),
            pl.col("_period_end"),
            pl.col("_source_kind"),
        ],
        separator="|",
    )
    frame = frame.with_columns(_key=key)
    problems.add(
        frame.with_columns(_first=pl.col(ROW).min().over("_key")),
        pl.col("_key").is_not_null() & (pl.col("_first") != pl.col(ROW)),
        "period",
        pl.format(
            "duplicate of row {}: same organisation, indicator, category, period and source kind",
            pl.col("_first"),
        ),
    )
    return Validated(frame=frame, problems=problems, warnings=[])
