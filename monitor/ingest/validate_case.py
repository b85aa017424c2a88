"""Checks of case-level files (one row per child observation), all vectorised with polars.

The result keeps every input row with its parsed columns (``_date``, ``_value``,
``_pseudonym`` ...) and the collected problems; :mod:`monitor.ingest.pipeline` decides
what to store. Raw BSNs are replaced by their pseudonym here and shown only masked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from monitor.errors import RowProblem
from monitor.ingest.context import Context
from monitor.ingest.earlier import COMPLETE, KEY_HASHES, Earlier, HashRuns, hashes
from monitor.ingest.formats import CASE_COLUMNS, PARTICIPATION_INDICATOR
from monitor.ingest.read import ROW
from monitor.ingest.rules import (
    Problems,
    add_missing_columns,
    check_category,
    check_indicator_known,
    check_source_kind,
    check_value,
    join_indicator_version,
    parse_date,
    parse_value,
)
from monitor.pseudonym import bsn_valid_expr, mask_expr, pseudonym_series
from schema.base import OrgKind, Sex

NETWORK_KINDS = [k.value for k in OrgKind if k.is_network]
ChildLookup = Callable[[list[str]], dict[str, int]]


@dataclass
class Validated:
    """Every input row with its parsed columns, and what is wrong with which row."""

    frame: pl.DataFrame
    problems: Problems
    warnings: list[RowProblem] = field(default_factory=list)


def _child_attributes(frame: pl.DataFrame, problems: Problems, today: date) -> pl.DataFrame:
    month = pl.col("birth_month").str.slice(0, 7)
    frame = frame.with_columns(
        _birth_month=(month + "-01").str.to_date("%Y-%m-%d", strict=False),
        _sex=pl.col("sex").str.to_lowercase(),
    )
    problems.add(
        frame,
        pl.col("birth_month").is_not_null()
        & (pl.col("_birth_month").is_null() | ~pl.col("birth_month").str.contains(r"^\d{4}-\d{2}")),
        "birth_month",
        "not a month; use YYYY-MM",
    )
    problems.add(frame, pl.col("_birth_month") > today, "birth_month", "lies in the future")
    sexes = [s.value for s in Sex]
    problems.add(
        frame,
        pl.col("sex").is_not_null() & ~pl.col("_sex").is_in(sexes),
        "sex",
        "use m, f or x",
    )
    return frame


def _municipality(frame: pl.DataFrame, problems: Problems, ctx: Context) -> pl.DataFrame:
    municipalities = ctx.organisations.filter(pl.col("o_kind") == OrgKind.MUNICIPALITY.value)
    frame = frame.join(
        municipalities.select(
            pl.col("o_code").alias("municipality"), pl.col("o_id").alias("_municipality_id")
        ),
        on="municipality",
        how="left",
    )
    problems.add(
        frame,
        pl.col("municipality").is_not_null() & pl.col("_municipality_id").is_null(),
        "municipality",
        "unknown municipality; use its CBS code GMxxxx (see: monitor org list)",
    )
    return frame


def _identity(frame: pl.DataFrame, problems: Problems, ctx: Context) -> pl.DataFrame:
    bsn, ref = pl.col("bsn"), pl.col("child_ref")
    masked = mask_expr("bsn")
    problems.add(
        frame,
        bsn.is_not_null() & ref.is_not_null(),
        "bsn",
        "give either bsn or child_ref, not both",
        masked,
    )
    problems.add(frame, bsn.is_null() & ref.is_null(), "bsn", "bsn or child_ref is required")
    frame = frame.with_columns(_bsn_ok=bsn_valid_expr("bsn"))
    valid_bsn = pl.col("_bsn_ok")
    problems.add(
        frame,
        bsn.is_not_null() & ~valid_bsn,
        "bsn",
        "not a valid BSN: it must be 9 digits and pass the elfproef",
        masked,
    )
    usable = frame.select(
        pl.when(bsn.is_not_null() & ref.is_null() & valid_bsn).then(bsn).alias("b"),
        pl.when(bsn.is_null()).then(ref).alias("r"),
    )
    ids = pseudonym_series(usable, bsn="b", child_ref="r", org_code=ctx.org_code)
    # From here on the raw BSN is gone: only its pseudonym travels further.
    return frame.drop("bsn", "_bsn_ok").with_columns(
        _pseudonym=ids["pseudonym"], _child_key=ids["child_key"]
    )


def _dates(frame: pl.DataFrame, problems: Problems, ctx: Context) -> pl.DataFrame:
    frame = frame.with_columns(_date=parse_date("date"), _end_date=parse_date("end_date"))
    problems.add(frame, pl.col("date").is_null(), "date", "date is required (YYYY-MM-DD)")
    for column in ("date", "end_date"):
        parsed = pl.col(f"_{column}")
        problems.add(
            frame,
            pl.col(column).is_not_null() & parsed.is_null(),
            column,
            "not a date; use YYYY-MM-DD",
        )
        problems.add(frame, parsed > ctx.today, column, "date lies in the future")
    problems.add(
        frame,
        pl.col("_end_date") < pl.col("_date"),
        "end_date",
        "end date is before the start date",
    )
    return frame


def _programme(frame: pl.DataFrame, problems: Problems, ctx: Context) -> pl.DataFrame:
    is_part = pl.col("indicator") == PARTICIPATION_INDICATOR
    frame = frame.join(
        ctx.organisations.select(
            pl.col("o_code").alias("programme"),
            pl.col("o_id").alias("_network_id"),
            pl.col("o_kind").alias("_programme_kind"),
        ),
        on="programme",
        how="left",
    )
    problems.add(
        frame,
        is_part & pl.col("programme").is_null(),
        "programme",
        "the network code is required for CH_PART (programme participation)",
    )
    problems.add(
        frame,
        is_part & pl.col("programme").is_not_null() & pl.col("_network_id").is_null(),
        "programme",
        "unknown organisation (see: monitor org list)",
    )
    problems.add(
        frame,
        is_part
        & pl.col("_network_id").is_not_null()
        & ~pl.col("_programme_kind").is_in(NETWORK_KINDS),
        "programme",
        pl.format("is a {}, not a network", pl.col("_programme_kind")),
    )
    # The reporting partner must be a member of the network on the start date (a network
    # itself never reports case rows: see case_reporter_problem).
    member = (
        frame.filter(is_part & pl.col("_network_id").is_not_null() & pl.col("_date").is_not_null())
        .select(ROW, "_network_id", "_date")
        .join(
            ctx.memberships.filter(pl.col("m_member_id") == ctx.org_id),
            left_on="_network_id",
            right_on="m_network_id",
        )
        .filter(
            (pl.col("m_from") <= pl.col("_date"))
            & (pl.col("m_to").is_null() | (pl.col("_date") < pl.col("m_to")))
        )
        .select(ROW)
        .unique()
        .with_columns(_member=pl.lit(True))
    )
    frame = frame.join(member, on=ROW, how="left")
    problems.add(
        frame,
        is_part
        & pl.col("_programme_kind").is_in(NETWORK_KINDS)
        & pl.col("_date").is_not_null()
        & (pl.col("_network_id") != ctx.org_id)
        & pl.col("_member").is_null(),
        "programme",
        pl.format(
            "{} is not a member of this network on {}",
            pl.lit(ctx.org_code),
            pl.col("_date").cast(pl.String),
        ),
    )
    return frame


def case_reporter_problem(file_name: str, org_code: str, org_kind: str) -> RowProblem:
    """A network or municipality never reports a child's record (Dutch, then English)."""
    return RowProblem(
        file_name,
        None,
        None,
        org_code,
        f"{org_code} is een {org_kind}: gegevens per kind levert de partner die het kind "
        "bedient (school, kinderopvang, jeugdhulp, JGZ), nooit een netwerk of gemeente; lever "
        f"aan namens die partner. / {org_code} is a {org_kind}: case-level rows are sent by "
        "the partner that serves the child, never by a network or municipality (use --org "
        "with the partner's code, or choose the partner as reporter)",
    )


def new_child_problems(
    frame: pl.DataFrame, file_name: str, earlier: HashRuns | None = None
) -> Problems:
    """Every child's first row in a batch needs birth_month, sex and municipality — known
    child or not, so that neither the outcome nor the message tells a partner whether the
    monitor already knows a child (#12 item 6). A known child's stored attributes stay.

    ``earlier``: the first complete row of children seen in earlier chunks of the file
    (:meth:`Earlier.first_complete`)."""
    problems = Problems(file_name)
    first_complete = pl.when(COMPLETE).then(pl.col(ROW)).otherwise(None).min().over("_pseudonym")
    checked = frame.with_columns(_first_complete=first_complete)
    if earlier is not None and earlier.height:
        checked = checked.with_columns(hashes(pl.col("_pseudonym"), "_c"))
        checked = checked.join(earlier.seen(checked), on=ROW, how="left").with_columns(
            _first_complete=pl.min_horizontal(
                "_first_complete", pl.col("_complete_before").cast(pl.Int64)
            )
        )
    lacking = pl.col("_pseudonym").is_not_null() & (
        pl.col("_first_complete").is_null() | (pl.col("_first_complete") > pl.col(ROW))
    )
    for column in ("birth_month", "sex", "municipality"):
        problems.add(
            checked,
            lacking & pl.col(column).is_null(),
            column,
            "required on each child's first row in a file (birth_month, sex, municipality)",
        )
    return problems


def validate_case(
    frame: pl.DataFrame,
    ctx: Context,
    file_name: str,
    lookup_children: ChildLookup,
    earlier: Earlier | None = None,
) -> Validated:
    """Check a case-level frame; every problem is collected, nothing is stored.

    ``earlier``: the frame is one chunk of a file, after the chunks that ``earlier`` saw;
    it is updated with this chunk's keys and children."""
    problems = Problems(file_name)
    if ctx.org_kind == OrgKind.MUNICIPALITY.value or ctx.org_kind in NETWORK_KINDS:
        problems.add_file_level(case_reporter_problem(file_name, ctx.org_code, ctx.org_kind))
    frame = add_missing_columns(frame, [c.name for c in CASE_COLUMNS])
    frame = _identity(frame, problems, ctx)
    frame = _dates(frame, problems, ctx)
    frame = join_indicator_version(frame, ctx.indicators, "_date")
    check_indicator_known(frame, problems, ctx.indicators, "_date")
    problems.add(
        frame,
        pl.col("i_level").is_not_null() & (pl.col("i_level") != "case"),
        "indicator",
        pl.format("is a {}-level indicator; send it in an aggregate file", pl.col("i_level")),
    )
    frame = frame.with_columns(_value=parse_value("value", "i_value_type"))
    check_value(frame, problems, required=pl.lit(True))
    check_category(
        frame,
        problems,
        ctx.categories,
        column="category",
        set_column="i_category_set",
        required=pl.col("i_value_type") == "category",
    )
    check_category(
        frame, problems, ctx.categories, column="end_reason", set_column="i_end_category_set"
    )
    problems.add(
        frame,
        pl.col("i_value_type").is_not_null()
        & (pl.col("i_value_type") != "episode")
        & pl.col("end_date").is_not_null(),
        "end_date",
        "an end date is only for episode indicators",
    )
    frame = frame.with_columns(_source_kind=check_source_kind(frame, problems))
    frame = _programme(frame, problems, ctx)
    frame = _child_attributes(frame, problems, ctx.today)
    frame = _municipality(frame, problems, ctx)

    known = lookup_children(frame["_pseudonym"].drop_nulls().unique().to_list())
    frame = frame.with_columns(
        _child_id=pl.col("_pseudonym").replace_strict(known, default=None, return_dtype=pl.Int64)
    )
    problems.extend(
        new_child_problems(frame, file_name, earlier.first_complete("all") if earlier else None)
    )

    is_part = pl.col("indicator") == PARTICIPATION_INDICATOR
    frame = frame.with_columns(_category=pl.col("category").fill_null(""))
    # the key a stored row is corrected by: child, indicator, category, date, source kind
    # (participation: child, network, start date); window over columns, no string keys
    case_key = ["_child_key", "indicator", "_category", "_date", "_source_kind"]
    part_key = ["_child_key", "programme", "_date"]
    first = (
        pl.when(is_part)
        .then(pl.col(ROW).min().over(part_key))
        .otherwise(pl.col(ROW).min().over(case_key))
    )
    keyed = pl.all_horizontal(
        [pl.col(c).is_not_null() for c in ("_child_key", "indicator", "_date")]
    )
    checked = frame.with_columns(_first=first)
    if earlier is not None:
        # the same key by hash across chunks: the pseudonym stands for the per-chunk key
        part = pl.struct("_pseudonym", "programme", "_date")
        case = pl.struct("_pseudonym", "indicator", "_category", "_date", "_source_kind")
        checked = checked.with_columns(
            [
                pl.when(is_part).then(p).otherwise(c).alias(name)
                for p, c, name in zip(
                    hashes(part, "_k"), hashes(case, "_k"), KEY_HASHES, strict=True
                )
            ],
            _keyed=keyed,
        )
        checked = checked.join(earlier.keys.seen(checked), on=ROW, how="left")
        checked = checked.with_columns(
            _first=pl.min_horizontal("_first", pl.col("_first_before").cast(pl.Int64))
        )
        earlier.remember_keys(checked)
        earlier.remember_complete("all", frame)
    problems.add(
        checked,
        keyed & (pl.col("_first") != pl.col(ROW)),
        "indicator",
        pl.format(
            "duplicate of row {}: same child, indicator, category, date and source kind",
            pl.col("_first"),
        ),
    )
    warnings = Problems(file_name)
    warnings.add(
        frame,
        ~is_part & pl.col("programme").is_not_null(),
        "programme",
        "programme is only used for CH_PART rows; ignored here",
    )
    return Validated(frame=frame, problems=problems, warnings=warnings.to_list("warning"))
