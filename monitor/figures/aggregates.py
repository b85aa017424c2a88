"""Figures from reported (aggregate) rows: the one computation of rates, category totals,
care-type groups and pooling, and their publication with disclosure control.

Two steps, kept apart so that the true figures can be checked on their own:

1. :func:`organisation_cells` / :func:`pool_cells` give the *true* sums per organisation
   (or comparison group), period, source kind and category — ``total`` (the numerator of
   a rate, the value otherwise), ``mean`` (scores), ``denominator`` (rates).
2. :func:`publish` turns sums into published figures: counts of children withheld or
   perturbed (:mod:`monitor.disclosure`), a rate from its published parts, a count of a
   group as the mean per organisation of the published total.

The database's own pooling (:func:`monitor.query.pooled_aggregates`) returns the same sums
as step 1 and goes through the same :func:`publish`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from monitor.disclosure import SMALL, figure_key, publish_count
from monitor.errors import MonitorError
from schema import Indicator, ValueType

PERIOD_KEYS = ["period_code", "period_start", "period_end", "source_kind"]
ORG_KEYS = ["organisation_code", *PERIOD_KEYS]
SUMS_SCHEMA = pl.Schema(
    {
        "category": pl.String,
        "total": pl.Float64,
        "mean": pl.Float64,
        "denominator": pl.Float64,
        "n_organisations": pl.UInt32,
    }
)


def rate_parts(indicator: Indicator) -> tuple[str, str]:
    """Numerator and denominator codes of a rate (the catalogue refuses a rate without)."""
    if indicator.numerator_code is None or indicator.denominator_code is None:
        raise ValueError(f"rate {indicator.code} lacks its numerator or denominator code")
    return indicator.numerator_code, indicator.denominator_code


def codes_needed(indicator: Indicator) -> list[str]:
    """Indicator codes whose stored rows make up ``indicator``'s figures."""
    if indicator.value_type == ValueType.RATE:
        return list(rate_parts(indicator))
    return [indicator.code]


def _sums_by_category(cells: pl.DataFrame, how: str) -> pl.DataFrame:
    """Categories (after grouping) summed or averaged; a total (category "") added per
    organisation and period where none was sent."""
    agg = pl.col("figure").sum() if how == "sum" else pl.col("figure").mean()
    cells = cells.group_by([*ORG_KEYS, "category"]).agg(agg)
    sent = cells.filter(pl.col("category") == "").select(ORG_KEYS)
    parts = cells.filter(pl.col("category") != "")
    derived = (
        parts.join(sent, on=ORG_KEYS, how="anti")
        .group_by(ORG_KEYS)
        .agg(agg)
        .with_columns(pl.lit("").alias("category"))
        .select(cells.columns)
    )
    return pl.concat([cells, derived], how="vertical_relaxed")


def organisation_cells(
    parts: pl.DataFrame,
    indicator: Indicator,
    *,
    category_groups: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """True sums of ``indicator`` per organisation (``ORG_KEYS``) and category from stored
    rows (:func:`monitor.query.stored_aggregates` of :func:`codes_needed`).

    ``category_groups`` maps categories onto groups (care type -> with/without residence)
    before summing; a sent total is kept as sent. Columns: ``ORG_KEYS``, ``SUMS_SCHEMA``."""
    schema = {**{k: parts.schema[k] for k in ORG_KEYS}, **SUMS_SCHEMA}
    if parts.is_empty():
        return pl.DataFrame(schema=schema)
    is_rate = indicator.value_type == ValueType.RATE
    own_code = indicator.numerator_code if is_rate else indicator.code
    mine = parts.filter(pl.col("indicator_code") == own_code)
    if is_rate:
        figure = pl.col("value")
    else:  # a proportion sent as numerator and denominator only
        figure = (
            pl.when(pl.col("value").is_null() & (pl.col("denominator") > 0))
            .then(pl.col("numerator") / pl.col("denominator") * 100)
            .otherwise(pl.col("value"))
        )
    category = pl.col("category")
    if category_groups:
        category = (
            pl.when(pl.col("category") == "")
            .then(pl.lit(""))
            .otherwise(pl.col("category").replace(dict(category_groups)))
        )
    cells = mine.select(*ORG_KEYS, category.alias("category"), figure.alias("figure"))
    how = "sum" if is_rate or indicator.value_type == ValueType.COUNT else "mean"
    sums = _sums_by_category(cells, how)
    if is_rate:
        denominators = parts.filter(
            (pl.col("indicator_code") == indicator.denominator_code) & (pl.col("category") == "")
        ).select("organisation_code", "period_code", pl.col("value").alias("denominator"))
        out = sums.join(denominators, on=["organisation_code", "period_code"], how="inner")
        out = out.with_columns(
            pl.col("figure").alias("total"), pl.lit(None, pl.Float64).alias("mean")
        )
    else:
        out = sums.with_columns(
            pl.col("figure").alias("total"),
            pl.col("figure").alias("mean"),
            pl.lit(None, pl.Float64).alias("denominator"),
        )
    return out.with_columns(pl.lit(1, pl.UInt32).alias("n_organisations")).select(list(schema))


class PublishedNotPooled(MonitorError):
    """A published figure (CBS) was asked to be pooled into a comparison group."""


def check_poolable(indicator: Indicator) -> None:
    """Refuse to pool a published figure: without its denominator a mean of published
    percentages is not the group's percentage; use the publisher's own totals (CBS: the
    Netherlands, size classes; :mod:`monitor.views.published`)."""
    if indicator.publisher:
        raise PublishedNotPooled(
            f"{indicator.code} is a figure published by {indicator.publisher} without its "
            f"denominator: it is never pooled into a comparison group; compare with "
            f"{indicator.publisher}'s own totals (the Netherlands, size classes) instead"
        )


def pool_cells(
    cells: pl.DataFrame, indicator: Indicator, groups: Mapping[str, Sequence[str]]
) -> pl.DataFrame:
    """True sums per comparison group (name -> organisation codes) from
    :func:`organisation_cells`: totals and denominators summed, means averaged.
    Columns: group, ``PERIOD_KEYS``, ``SUMS_SCHEMA``. A published figure is refused
    (:func:`check_poolable`)."""
    check_poolable(indicator)
    frames = []
    for group, codes in groups.items():
        part = cells.filter(pl.col("organisation_code").is_in(list(codes)))
        frames.append(
            part.group_by([*PERIOD_KEYS, "category"])
            .agg(
                pl.col("total").sum(),
                pl.col("mean").mean(),
                pl.col("denominator").sum()
                if indicator.value_type == ValueType.RATE
                else pl.lit(None, pl.Float64).alias("denominator"),
                pl.col("organisation_code").n_unique().cast(pl.UInt32).alias("n_organisations"),
            )
            .with_columns(pl.lit(group).alias("group"))
        )
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "group": pl.String,
        **{k: cells.schema[k] for k in PERIOD_KEYS},
        **SUMS_SCHEMA,
    }
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, how="vertical_relaxed").select(list(schema))


def members_text(codes: Sequence[str]) -> str:
    """The members of a figure as they enter its key: sorted organisation codes."""
    return ",".join(sorted(set(codes)))


def publish(
    sums: pl.DataFrame,
    indicator: Indicator,
    members: pl.Expr | str,
) -> pl.DataFrame:
    """Published figures from true sums (columns as ``SUMS_SCHEMA`` plus keys).

    ``members``: who each row is about, as :func:`members_text` (a column expression, or
    one text for every row). Adds: value, numerator, children (published count of children
    behind the figure; null when the indicator counts none), suppressed, reason."""
    rows = sums.with_columns(
        (members if isinstance(members, pl.Expr) else pl.lit(members)).alias("_members")
    )
    is_rate = indicator.value_type == ValueType.RATE
    factor = indicator.factor or 1
    if not indicator.counts_children:
        value = (
            pl.when(pl.col("denominator") > 0).then(
                pl.col("total") / pl.col("denominator") * factor
            )
            if is_rate
            else pl.col("mean")
        )
        return rows.with_columns(
            value.alias("value"),
            pl.col("total").alias("numerator"),
            pl.lit(None, pl.Float64).alias("children"),
            pl.lit(False).alias("suppressed"),
            pl.lit(None, pl.String).alias("reason"),
        ).drop("_members", "total", "mean")
    own_code = rate_parts(indicator)[0] if is_rate else indicator.code
    total_keys = _keys(rows, own_code, "total", pl.col("category"))
    total, total_withheld = publish_count(rows["total"], total_keys)
    rows = rows.with_columns(total.alias("numerator"), total_withheld.alias("suppressed"))
    if is_rate:
        den_keys = _keys(rows, rate_parts(indicator)[1], "denominator", pl.lit(""))
        den, den_withheld = publish_count(rows["denominator"], den_keys)
        rows = rows.with_columns(
            den.alias("denominator"), (pl.col("suppressed") | den_withheld).alias("suppressed")
        )
        value = pl.when(pl.col("denominator") > 0).then(
            pl.col("numerator") / pl.col("denominator") * factor
        )
    else:
        value = pl.col("numerator") / pl.col("n_organisations")
    return rows.with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(value).alias("value"),
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("numerator")).alias("children"),
        pl.when(pl.col("suppressed")).then(pl.lit(SMALL)).otherwise(None).alias("reason"),
    ).drop("_members", "total", "mean")


def _keys(rows: pl.DataFrame, code: str, column: str, category: pl.Expr) -> pl.Series:
    """The cell key of each row's ``column`` (:func:`monitor.disclosure.figure_key`)."""
    parts = rows.select(
        "_members", "period_code", "source_kind", category.alias("_category"), column
    )
    return pl.Series(
        "key",
        [figure_key(m, code, p, s, c, v) for m, p, s, c, v in parts.iter_rows()],
        dtype=pl.Float64,
    )
