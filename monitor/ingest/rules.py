"""Vectorised building blocks of validation, shared by the case and aggregate checks.

Each rule is a polars boolean expression over the whole frame; :class:`Problems` collects
the failing rows of every rule as one frame (row, column, value, reason) so that a file is
reported in full, never stopping at the first problem.
"""

from __future__ import annotations

import polars as pl

from monitor.errors import RowProblem
from monitor.ingest.formats import DEFAULT_RANGES, FALSE_WORDS, NEEDS_VALUE, NO_VALUE, TRUE_WORDS
from monitor.ingest.read import ROW
from schema.base import SourceKind

_PROBLEM_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "reason": pl.String,
}


class Problems:
    """Collects failing rows rule by rule; every rule sees every row."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self._frames: list[pl.DataFrame] = []
        self._file_level: list[RowProblem] = []

    def add(
        self,
        frame: pl.DataFrame,
        failing: pl.Expr,
        column: str | None,
        reason: str | pl.Expr,
        value: pl.Expr | None = None,
    ) -> None:
        """Record (row, column, value, reason) for every row where ``failing`` is true."""
        value_expr = value if value is not None else pl.col(column) if column else pl.lit(None)
        reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
        found = frame.filter(failing.fill_null(False)).select(
            pl.col(ROW).cast(pl.Int64).alias("row"),
            pl.lit(column, dtype=pl.String).alias("column"),
            value_expr.cast(pl.String).alias("value"),
            reason_expr.cast(pl.String).alias("reason"),
        )
        if found.height:
            self._frames.append(found)

    def extend(self, other: Problems) -> None:
        """Take over the problems another collector found."""
        self._frames.extend(other._frames)
        self._file_level.extend(other._file_level)

    def drop_reported(self, other: Problems) -> None:
        """Forget the problems of cells (row, column) that ``other`` already reports, so
        that each cell is refused with one reason (the more specific one, in ``other``)."""
        if not self._frames or not other._frames:
            return
        seen = other.frame().select("row", "column").unique()
        self._frames = [f.join(seen, on=["row", "column"], how="anti") for f in self._frames]

    def add_file_level(self, problem: RowProblem) -> None:
        """A problem with the whole file (wrong organisation, missing column...)."""
        self._file_level.append(problem)

    @property
    def file_level(self) -> list[RowProblem]:
        """Problems not tied to one row: nothing can be stored when there are any."""
        return list(self._file_level)

    def frame(self) -> pl.DataFrame:
        """All row problems, ordered by row."""
        if not self._frames:
            return pl.DataFrame(schema=_PROBLEM_SCHEMA)
        return pl.concat(self._frames).sort("row", maintain_order=True)

    def bad_rows(self) -> pl.Series:
        """Row numbers with at least one problem."""
        return self.frame()["row"].unique()

    def to_list(self, severity: str = "error") -> list[RowProblem]:
        """As :class:`RowProblem` records (file-level problems first)."""
        rows = [
            RowProblem(self.file_name, r["row"], r["column"], r["value"], r["reason"], severity)
            for r in self.frame().iter_rows(named=True)
        ]
        return self._file_level + rows

    def __bool__(self) -> bool:
        return bool(self._frames or self._file_level)


def add_missing_columns(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Optional columns the file left out, as empty text columns."""
    missing = [pl.lit(None, dtype=pl.String).alias(n) for n in names if n not in frame.columns]
    return frame.with_columns(missing) if missing else frame


def parse_date(column: str) -> pl.Expr:
    """YYYY-MM-DD text to a date (null when it is not one)."""
    return pl.col(column).str.to_date("%Y-%m-%d", strict=False)


def parse_number(column: str) -> pl.Expr:
    """Text to a float; accepts a decimal comma (``1,5``)."""
    text = pl.col(column).str.replace(r"^([+-]?\d+),(\d+)$", "${1}.${2}")
    number = text.cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)  # "nan" and "inf" are not numbers


def parse_value(column: str, value_type: str) -> pl.Expr:
    """The numeric value according to the row's value type (booleans become 0/1)."""
    lowered = pl.col(column).str.to_lowercase()
    boolean = (
        pl.when(lowered.is_in(list(TRUE_WORDS)))
        .then(pl.lit(1.0))
        .when(lowered.is_in(list(FALSE_WORDS)))
        .then(pl.lit(0.0))
        .otherwise(pl.lit(None, dtype=pl.Float64))
    )
    return pl.when(pl.col(value_type) == "boolean").then(boolean).otherwise(parse_number(column))


#: "2.405" or "1.234.567": a Dutch thousands separator, read as a decimal point.
THOUSANDS_WITH_POINTS = r"^\d{1,3}(\.\d{3})+$"
#: "1,000": a thousand written the English way, or one with three decimals the Dutch way.
THOUSAND_WITH_COMMA = r"^\d{1,3},\d{3}$"


def check_value(frame: pl.DataFrame, problems: Problems, *, required: pl.Expr) -> None:
    """Rules for ``value`` / ``_value`` given the indicator columns ``i_*``."""
    vt = pl.col("i_value_type")
    raw, parsed = pl.col("value"), pl.col("_value")
    known = pl.col("i_id").is_not_null()
    problems.add(
        frame,
        known & required & vt.is_in(list(NEEDS_VALUE)) & raw.is_null(),
        "value",
        pl.format("a value is required for a {} indicator", vt),
    )
    problems.add(
        frame,
        known & vt.is_in(list(NO_VALUE)) & raw.is_not_null(),
        "value",
        "a category indicator takes no value: put the category code in 'category'",
    )
    problems.add(
        frame,
        known & ~vt.is_in(list(NO_VALUE)) & raw.is_not_null() & parsed.is_null(),
        "value",
        pl.when(vt == "boolean")
        .then(pl.lit("not a yes/no value; use 0/1, true/false or ja/nee"))
        .otherwise(pl.lit("not a number")),
    )
    problems.add(
        frame,
        known
        & (vt == "count")
        & parsed.is_not_null()
        & (
            (parsed != parsed.round(0))
            | (parsed < 0)
            | raw.str.contains(THOUSANDS_WITH_POINTS)  # "1.000" is not 1 child
            | raw.str.contains(THOUSAND_WITH_COMMA)  # nor is "1,000" (1000 or 1,000?)
        ),
        "value",
        pl.when(raw.str.contains(THOUSANDS_WITH_POINTS))
        .then(
            pl.format(
                "not a whole number: did you mean {}? write numbers without a point as "
                "thousands separator",
                raw.str.replace_all(".", "", literal=True),
            )
        )
        .when(raw.str.contains(THOUSAND_WITH_COMMA))
        .then(
            pl.format(
                "unclear: did you mean {}? write a count without a comma (a comma is read as "
                "a decimal comma)",
                raw.str.replace_all(",", "", literal=True),
            )
        )
        .otherwise(pl.lit("a count must be a whole number of 0 or more")),
    )
    low = pl.col("i_min").fill_null(
        vt.replace_strict(
            {k: v[0] for k, v in DEFAULT_RANGES.items()}, default=None, return_dtype=pl.Float64
        )
    )
    high = pl.col("i_max").fill_null(
        vt.replace_strict(
            {k: v[1] for k, v in DEFAULT_RANGES.items()}, default=None, return_dtype=pl.Float64
        )
    )
    problems.add(
        frame,
        known & parsed.is_not_null() & ((parsed < low) | (parsed > high)),
        "value",
        pl.format("outside the allowed range {} to {}", _number_text(low), _number_text(high)),
    )


def _number_text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.replace(r"\.0$", "")


def check_category(
    frame: pl.DataFrame,
    problems: Problems,
    categories: pl.DataFrame,
    *,
    column: str,
    set_column: str,
    required: pl.Expr | None = None,
) -> None:
    """``column`` must be a code of the list named in ``set_column`` (when there is one)."""
    allowed = (
        categories.group_by("category_set")
        .agg(pl.col("code").sort().str.join(", ").alias("_allowed"), pl.col("code").alias("_codes"))
        .rename({"category_set": set_column})
    )
    needed = pl.lit(False) if required is None else required.fill_null(False)
    checked = frame.select(ROW, column, set_column, "i_id", needed.alias("_required")).join(
        allowed, on=set_column, how="left"
    )
    given = pl.col(column).is_not_null()
    has_set = pl.col(set_column).is_not_null()
    problems.add(
        checked,
        pl.col("i_id").is_not_null() & given & ~has_set,
        column,
        "this indicator has no categories; leave it empty",
    )
    in_list = pl.col("_codes").list.contains(pl.col(column))
    problems.add(
        checked,
        given & has_set & ~in_list.fill_null(False),
        column,
        pl.format("not in category list {}; allowed: {}", pl.col(set_column), pl.col("_allowed")),
    )
    problems.add(
        checked,
        pl.col("_required") & ~given,
        column,
        pl.format("a category from list {} is required", pl.col(set_column)),
    )


def check_source_kind(frame: pl.DataFrame, problems: Problems) -> pl.Expr:
    """Rules for ``source_kind``; returns the expression of the kind to store.

    A row's source kind is the catalogue's kind of its indicator: an empty cell takes it,
    any other known kind is refused (it would start a separate, phantom series; a
    measurement from another source is a different indicator in the catalogue)."""
    kinds = [k.value for k in SourceKind]
    given = pl.col("source_kind")
    problems.add(
        frame,
        given.is_not_null() & ~given.is_in(kinds),
        "source_kind",
        f"unknown source kind; use one of: {', '.join(kinds)}",
    )
    problems.add(
        frame,
        given.is_in(kinds)
        & pl.col("i_source_kind").is_not_null()
        & (given != pl.col("i_source_kind")),
        "source_kind",
        pl.format(
            "the catalogue registers {} with source kind {}, not {}; "
            "leave source_kind empty or use {}",
            pl.col("indicator"),
            pl.col("i_source_kind"),
            given,
            pl.col("i_source_kind"),
        ),
    )
    return pl.coalesce(given, pl.col("i_source_kind"))


def join_indicator_version(frame: pl.DataFrame, indicators: pl.DataFrame, on: str) -> pl.DataFrame:
    """Attach the ``i_*`` columns of the indicator version valid on date column ``on``
    (all ``i_*`` null when no version is valid on that date)."""
    valid = (pl.col("i_valid_from") <= pl.col(on)) & (
        pl.col("i_retired_on").is_null() | (pl.col(on) < pl.col("i_retired_on"))
    )
    columns = [c for c in indicators.columns if c != "indicator"]
    versions = indicators.group_by("indicator").len()
    if versions["len"].max() in (None, 1):
        # one version per code (the common case): a single join, then the date check
        joined = frame.join(indicators, on="indicator", how="left")
        return joined.with_columns(
            [pl.when(valid).then(pl.col(c)).otherwise(None).alias(c) for c in columns]
        )
    candidates = (
        frame.select(ROW, "indicator", on)
        .filter(pl.col(on).is_not_null())
        .join(indicators, on="indicator", how="inner")
        .filter(valid)
        .sort("i_version", descending=True)
        .unique(ROW, keep="first")
        .drop("indicator", on)
    )
    return frame.join(candidates, on=ROW, how="left")


def check_indicator_known(
    frame: pl.DataFrame, problems: Problems, indicators: pl.DataFrame, on: str
) -> None:
    """Unknown code, or a known code without a version valid on the row's date."""
    codes = indicators["indicator"].unique().to_list()
    code = pl.col("indicator")
    problems.add(
        frame,
        code.is_not_null() & ~code.is_in(codes),
        "indicator",
        "unknown indicator code (see: monitor catalogue list, or the template's indicators)",
    )
    problems.add(frame, code.is_null(), "indicator", "indicator is required")
    problems.add(
        frame,
        code.is_in(codes) & pl.col(on).is_not_null() & pl.col("i_id").is_null(),
        "indicator",
        pl.format(
            "no version of this indicator is valid on {} (retired or not yet in force)",
            pl.col(on).cast(pl.String),
        ),
    )
