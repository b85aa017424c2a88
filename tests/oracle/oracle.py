"""The oracle: the published figures computed plainly from the generator's raw files.

It reads only files (the partners' aggregate CSVs and case Parquet files, organisations,
memberships, obligations) and the catalogue YAML, never the database and never monitor's
query, view or disclosure code. Each function states the rule it implements; a reader
should be able to check them against ``monitor/data/indicators.yaml`` and the README.

"As of": the files were submitted in waves (``wave1/``, ``wave2/``...). The figures known
after wave k are the rows of waves 1..k, a later row replacing an earlier one with the
same key (README, "Corrections").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
import yaml

CATALOGUE = Path(__file__).resolve().parents[2] / "monitor" / "data" / "indicators.yaml"

#: Network indicators and their municipal counterpart (same definition, other population):
#: the product's rule for the "municipality" and "similar size" comparison groups
#: (``monitor.views.comparison.MUNICIPAL_EQUIVALENT``, copied here as data).
MUNICIPAL_EQUIVALENT = {
    "NW_REF_RATE": "MU_REF_RATE",
    "NW_CARE_RATE": "MU_CARE_RATE",
    "NW_REF": "MU_REF",
    "NW_CARE": "MU_CARE",
    "NW_CHILDREN": "MU_YOUTH",
}
SIMILAR_SIZE_FACTOR = 2.0
NETWORK_KINDS = ("network", "samenwerkingsverband")

AGGREGATE_KEY = ["organisation", "indicator", "period", "category", "source_kind"]
CASE_KEY = ["child", "reporter", "indicator", "category", "date", "source_kind"]


# ------------------------------------------------------------------ catalogue and periods
def catalogue() -> dict[str, dict]:
    """Code -> the newest version of each indicator, with the file's defaults filled in."""
    data = yaml.safe_load(CATALOGUE.read_text())
    out: dict[str, dict] = {}
    for entry in data["indicators"]:
        indicator = {**data["defaults"], **entry}
        code = indicator["code"]
        if code not in out or indicator["version"] > out[code]["version"]:
            out[code] = indicator
    return out


def category_groups(set_name: str) -> dict[str, str]:
    """Category code -> group of one category list (care_type: met/zonder_verblijf)."""
    data = yaml.safe_load(CATALOGUE.read_text())
    return {c["code"]: c.get("group", "") for c in data["categories"][set_name]}


def period_bounds(code: str) -> tuple[date, date]:
    """First and last day of a period code: 2024, 2024-H1, 2024-Q2, 2024-03."""
    year = int(code[:4])
    rest = code[5:]
    if not rest:
        return date(year, 1, 1), date(year, 12, 31)
    if rest[0] == "H":
        first_month, months = (int(rest[1]) - 1) * 6 + 1, 6
    elif rest[0] == "Q":
        first_month, months = (int(rest[1]) - 1) * 3 + 1, 3
    else:
        first_month, months = int(rest), 1
    last_month = first_month + months - 1
    next_first = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return date(year, first_month, 1), date.fromordinal(next_first.toordinal() - 1)


def period_code(day: date, period_type: str) -> str:
    """The code of the period of ``period_type`` containing ``day``."""
    if period_type == "year":
        return f"{day.year}"
    if period_type == "half_year":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if period_type == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def period_expr(column: str, period_type: str) -> pl.Expr:
    """:func:`period_code` as a polars expression on a date column."""
    d = pl.col(column)
    year = d.dt.year().cast(pl.String)
    if period_type == "year":
        return year
    if period_type == "half_year":
        half = pl.when(d.dt.month() <= 6).then(pl.lit("1")).otherwise(pl.lit("2"))
        return pl.concat_str([year, pl.lit("-H"), half])
    if period_type == "quarter":
        quarter = ((d.dt.month() - 1) // 3 + 1).cast(pl.String)
        return pl.concat_str([year, pl.lit("-Q"), quarter])
    return pl.concat_str([year, pl.lit("-"), d.dt.month().cast(pl.String).str.zfill(2)])


# ------------------------------------------------------------------------- raw files
@dataclass
class Raw:
    """Everything sent up to one moment (later waves replace earlier rows by key)."""

    aggregates: pl.DataFrame  # AGGREGATE_KEY, value, numerator, denominator, reporter, wave
    cases: pl.DataFrame  # CASE_KEY, reporter, end_date, value, end_reason, programme, ...
    organisations: pl.DataFrame
    memberships: pl.DataFrame
    obligations: pl.DataFrame
    first_sent: pl.DataFrame  # first wave per reporter, organisation, indicator, period
    received: dict[int, date] = field(default_factory=dict)  # wave -> day received


def read_aggregate_files(folder: Path, wave: int) -> pl.DataFrame:
    frames = []
    for path in sorted(folder.glob("*.csv")):
        frame = pl.read_csv(path, infer_schema=False).with_columns(
            pl.lit(path.stem).alias("reporter")
        )
        frames.append(frame)
    out = pl.concat(frames, how="diagonal") if frames else pl.DataFrame()
    return out.with_columns(
        pl.col("category").fill_null(""),
        pl.col("source_kind").fill_null("registered"),
        *[pl.col(c).cast(pl.Float64) for c in ("value", "numerator", "denominator")],
        pl.lit(wave).alias("wave"),
    )


def read_case_files(folder: Path, wave: int) -> pl.DataFrame:
    frames = []
    for path in sorted(folder.glob("*.parquet")):
        frames.append(pl.read_parquet(path).with_columns(pl.lit(path.stem).alias("reporter")))
    out = pl.concat(frames, how="diagonal")
    # a child is its BSN; without one, the partner's own id (pseudonymised with the
    # partner's code: README "Privacy"), so the same id at two partners is two children
    child = pl.coalesce(
        pl.col("bsn"), pl.concat_str([pl.col("reporter"), pl.lit(":"), pl.col("child_ref")])
    )
    return out.with_columns(
        child.alias("child"),
        pl.col("date").str.to_date(),
        pl.col("end_date").str.to_date(),
        pl.col("birth_month").str.to_date("%Y-%m"),
        pl.col("category").fill_null(""),
        pl.col("source_kind").fill_null("registered"),
        pl.lit(wave).alias("wave"),
    )


def read_raw(base: Path, waves: list[str], received: dict[int, date]) -> Raw:
    """The rows of ``waves`` (folders under ``base``, in order), the latest row per key."""
    aggregates = pl.concat(
        [read_aggregate_files(base / w / "aggregate", i + 1) for i, w in enumerate(waves)],
        how="diagonal",
    )
    cases = pl.concat(
        [read_case_files(base / w / "case", i + 1) for i, w in enumerate(waves)], how="diagonal"
    )
    latest_aggregates = aggregates.sort("wave", maintain_order=True).unique(
        AGGREGATE_KEY, keep="last"
    )
    latest_cases = cases.sort("wave", maintain_order=True).unique(CASE_KEY, keep="last")
    # a child's birth month, sex and municipality: as sent the first time
    children = (
        cases.sort("wave", maintain_order=True)
        .unique("child", keep="first")
        .select("child", "birth_month", "sex", "municipality")
    )
    latest_cases = latest_cases.drop("birth_month", "sex", "municipality").join(
        children, on="child", how="left"
    )
    return Raw(
        aggregates=latest_aggregates,
        cases=latest_cases,
        organisations=pl.read_csv(base / "organisations.csv", infer_schema=False),
        memberships=pl.read_csv(base / "memberships.csv", infer_schema=False).with_columns(
            pl.col("from").str.to_date(), pl.col("to").str.to_date()
        ),
        obligations=pl.read_csv(base / "obligations.csv", infer_schema=False),
        first_sent=aggregates.group_by("reporter", "organisation", "indicator", "period").agg(
            pl.col("wave").min()
        ),
        received={i + 1: received[i + 1] for i in range(len(waves))},
    )


# ------------------------------------------------------------- organisation figures
FIGURE_SCHEMA = {
    "organisation": pl.String,
    "indicator": pl.String,
    "period": pl.String,
    "source_kind": pl.String,
    "category": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
}


def base_figures(raw: Raw, code: str, cat: dict[str, dict]) -> pl.DataFrame:
    """A count/score indicator per organisation, period, source kind and category.

    value = the value sent, or numerator / denominator x 100 when only those were sent.
    A total (category "") where none was sent: the sum of the categories for counts, their
    mean for every other value type (README; catalogue comment on categories)."""
    rows = raw.aggregates.filter(pl.col("indicator") == code)
    rows = rows.with_columns(
        pl.when(pl.col("value").is_null() & (pl.col("denominator") > 0))
        .then(pl.col("numerator") / pl.col("denominator") * 100)
        .otherwise(pl.col("value"))
        .alias("value")
    ).select("organisation", "indicator", "period", "source_kind", "category", "value")
    keys = ["organisation", "indicator", "period", "source_kind"]
    sent_totals = rows.filter(pl.col("category") == "").select(keys)
    parts = rows.filter(pl.col("category") != "").join(sent_totals, on=keys, how="anti")
    combine = (
        pl.col("value").sum() if cat[code]["value_type"] == "count" else pl.col("value").mean()
    )
    derived = parts.group_by(keys).agg(combine.alias("value")).with_columns(category=pl.lit(""))
    out = pl.concat([rows, derived.select(rows.columns)])
    return out.with_columns(
        pl.lit(None, pl.Float64).alias("numerator"), pl.lit(None, pl.Float64).alias("denominator")
    ).select(list(FIGURE_SCHEMA))


def rate_figures(raw: Raw, code: str, cat: dict[str, dict]) -> pl.DataFrame:
    """A rate: numerator / denominator x factor per organisation, period and category.

    The numerator's cells (with derived totals as in :func:`base_figures`) over the
    denominator's total of the same organisation and period; no value when it is 0."""
    indicator = cat[code]
    numerators = base_figures(raw, indicator["numerator"], cat)
    denominators = base_figures(raw, indicator["denominator"], cat).filter(pl.col("category") == "")
    out = numerators.select(
        "organisation", "period", "source_kind", "category", pl.col("value").alias("numerator")
    ).join(
        denominators.select("organisation", "period", pl.col("value").alias("denominator")),
        on=["organisation", "period"],
    )
    return out.with_columns(
        pl.lit(code).alias("indicator"),
        pl.when(pl.col("denominator") > 0)
        .then(pl.col("numerator") / pl.col("denominator") * indicator.get("factor", 1))
        .alias("value"),
    ).select(list(FIGURE_SCHEMA))


def aggregate_codes(cat: dict[str, dict], level: str | None = None) -> list[str]:
    """Network/municipality indicators the partners send (category-valued ones have no
    figures; a publisher's, such as CBS's, come from the publisher, not the panel)."""
    return sorted(
        code
        for code, i in cat.items()
        if i["level"] != "case"
        and i["value_type"] != "category"
        and not i.get("publisher")
        and (level is None or i["level"] == level)
    )


def figures(raw: Raw, cat: dict[str, dict]) -> pl.DataFrame:
    """Every aggregate indicator's figures per organisation (FIGURE_SCHEMA)."""
    frames = []
    for code in aggregate_codes(cat):
        if cat[code]["value_type"] == "rate":
            frames.append(rate_figures(raw, code, cat))
        else:
            frames.append(base_figures(raw, code, cat))
    return pl.concat(frames).cast(FIGURE_SCHEMA)


# -------------------------------------------------------------------- comparison groups
def group_members(raw: Raw, organisation: str, group: str, code: str) -> tuple[list[str], str]:
    """Members and indicator of a comparison group (README "Trend"; comparison.py docs):
    other networks; the network's municipality; municipalities of similar size
    (population_0_17 within a factor 2, not the own municipality); all of the same kind."""
    orgs = raw.organisations
    me = orgs.filter(pl.col("code") == organisation).row(0, named=True)
    is_municipality = me["kind"] == "municipality"
    is_network = me["kind"] in NETWORK_KINDS
    municipality_code = organisation if is_municipality else me["municipality"]
    municipal_indicator = code if is_municipality else MUNICIPAL_EQUIVALENT.get(code)
    if group == "other_networks":
        if not is_network:
            return [], code
        codes = orgs.filter(pl.col("kind").is_in(NETWORK_KINDS) & (pl.col("code") != organisation))
        return codes["code"].to_list(), code
    if group == "municipality":
        if is_municipality or not municipality_code or municipal_indicator is None:
            return [], code
        return [municipality_code], municipal_indicator
    if group == "similar_size":
        if municipal_indicator is None:
            return [], code
        size = orgs.filter(pl.col("code") == municipality_code)["population_0_17"].cast(pl.Float64)
        if size.is_null().all():
            return [], code
        size = size[0]
        similar = orgs.filter(
            (pl.col("kind") == "municipality")
            & (pl.col("code") != municipality_code)
            & pl.col("population_0_17")
            .cast(pl.Float64)
            .is_between(size / SIMILAR_SIZE_FACTOR, size * SIMILAR_SIZE_FACTOR)
        )
        return similar["code"].to_list(), municipal_indicator
    if group == "all":
        kinds = ["municipality"] if is_municipality else list(NETWORK_KINDS)
        return orgs.filter(pl.col("kind").is_in(kinds))["code"].to_list(), code
    raise ValueError(group)


def pooled(figs: pl.DataFrame, members: list[str], code: str, cat: dict[str, dict]) -> pl.DataFrame:
    """A group's figure per period, source kind and category from its members' figures:
    a rate is the sum of the numerators over the sum of the denominators x factor; any
    other indicator the mean of the members' values. ``children`` = sum of the counts of
    children (numerators for a rate, values for a count)."""
    mine = figs.filter((pl.col("indicator") == code) & pl.col("organisation").is_in(members))
    keys = ["period", "source_kind", "category"]
    if cat[code]["value_type"] == "rate":
        mine = mine.filter(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null())
        out = mine.group_by(keys).agg(
            pl.col("numerator").sum(),
            pl.col("denominator").sum(),
            pl.col("organisation").n_unique().alias("n_organisations"),
        )
        factor = cat[code].get("factor", 1)
        return out.with_columns(
            pl.when(pl.col("denominator") > 0)
            .then(pl.col("numerator") / pl.col("denominator") * factor)
            .alias("value"),
            pl.col("numerator").alias("children"),
        )
    mine = mine.filter(pl.col("value").is_not_null())
    return mine.group_by(keys).agg(
        pl.col("value").mean(),
        pl.col("value").sum().alias("children"),
        pl.lit(None, pl.Float64).alias("numerator"),
        pl.lit(None, pl.Float64).alias("denominator"),
        pl.col("organisation").n_unique().alias("n_organisations"),
    )


# ------------------------------------------------------------ care with/without residence
def care_by_residence(raw: Raw, organisation: str, kind: str, cat: dict[str, dict]) -> pl.DataFrame:
    """Youth care per 1,000 children with and without residence: per period, the care-type
    counts of a residence group (catalogue ``group``) summed, over the organisation's
    children (NW_CHILDREN / MU_YOUTH total) x 1,000."""
    code = "MU_CARE_RATE" if kind == "municipality" else "NW_CARE_RATE"
    indicator = cat[code]
    groups = category_groups("care_type")
    care = raw.aggregates.filter(
        (pl.col("indicator") == indicator["numerator"])
        & (pl.col("organisation") == organisation)
        & (pl.col("category") != "")
    ).with_columns(pl.col("category").replace_strict(groups).alias("group"))
    numerators = care.group_by("period", "source_kind", "group").agg(
        pl.col("value").sum().alias("numerator")
    )
    denominators = raw.aggregates.filter(
        (pl.col("indicator") == indicator["denominator"])
        & (pl.col("organisation") == organisation)
        & (pl.col("category") == "")
    ).select("period", pl.col("value").alias("denominator"))
    return numerators.join(denominators, on="period").with_columns(
        pl.when(pl.col("denominator") > 0)
        .then(pl.col("numerator") / pl.col("denominator") * indicator["factor"])
        .alias("value")
    )


# --------------------------------------------------------------------- scorecard
def scorecard(
    figs: pl.DataFrame, organisation: str, level: str, period: str | None, cat: dict[str, dict]
) -> list[dict]:
    """Per indicator of the organisation's level and source kind: the total (category "")
    of the latest period starting on or before the end of ``period`` (all when None), the
    one before it, and the change between them."""
    end = period_bounds(period)[1] if period else date.max
    out = []
    for code in aggregate_codes(cat, level):
        mine = figs.filter(
            (pl.col("organisation") == organisation)
            & (pl.col("indicator") == code)
            & (pl.col("category") == "")
        )
        for source_kind in sorted(set(mine["source_kind"])):
            series = sorted(
                (period_bounds(r["period"])[0], r["period"], r["value"])
                for r in mine.filter(pl.col("source_kind") == source_kind).iter_rows(named=True)
                if period_bounds(r["period"])[0] <= end
            )
            if not series:
                continue
            last = series[-1]
            prev = series[-2] if len(series) > 1 else None
            change = None
            if prev and last[2] is not None and prev[2] is not None:
                # published rule: the change between the values as shown (one decimal)
                change = round(last[2], 1) - round(prev[2], 1)
            out.append(
                {
                    "indicator": code,
                    "source_kind": source_kind,
                    "period": last[1],
                    "value": last[2],
                    "previous_period": prev[1] if prev else None,
                    "previous_value": prev[2] if prev else None,
                    "change": change,
                }
            )
    return out


# --------------------------------------------------------------------- case rollups
def subject_rows(raw: Raw, organisation: str, indicator: str) -> pl.DataFrame:
    """Case rows of an indicator that belong to an organisation's figures (the documented
    rule of the query layer): a municipality's resident children; a network's member
    organisations' reports while they were members (from <= date < to); a partner's own."""
    rows = raw.cases.filter(pl.col("indicator") == indicator)
    kind = raw.organisations.filter(pl.col("code") == organisation)["kind"][0]
    if kind == "municipality":
        return rows.filter(pl.col("municipality") == organisation)
    if kind in NETWORK_KINDS:
        windows = raw.memberships.filter(pl.col("network") == organisation).select(
            pl.col("member").alias("reporter"), "from", "to"
        )
        joined = rows.join(windows, on="reporter")
        return (
            joined.filter(
                (pl.col("from").is_null() | (pl.col("date") >= pl.col("from")))
                & (pl.col("to").is_null() | (pl.col("date") < pl.col("to")))
            )
            .drop("from", "to")
            .unique(CASE_KEY)
        )
    return rows.filter(pl.col("reporter") == organisation)


def age_group(rows: pl.DataFrame) -> pl.DataFrame:
    """Age in whole calendar years at observation (0-17): 0-3, 4-11, 12-17."""
    age = (pl.col("date").dt.year() - pl.col("birth_month").dt.year()).clip(0, 17)
    return rows.with_columns(
        pl.when(age < 4)
        .then(pl.lit("0-3"))
        .when(age < 12)
        .then(pl.lit("4-11"))
        .otherwise(pl.lit("12-17"))
        .alias("age_group")
    )


def rollup(rows: pl.DataFrame, period_type: str, by: list[str]) -> pl.DataFrame:
    """Per period (of the observation date) and ``by``: distinct children, rows, mean
    (to one decimal, as published)."""
    rows = rows.with_columns(period_expr("date", period_type).alias("period"))
    if "age_group" in by:
        rows = age_group(rows)
    if "reporting_org_code" in by:
        rows = rows.with_columns(pl.col("reporter").alias("reporting_org_code"))
    return rows.group_by(["period", *by]).agg(
        pl.col("child").n_unique().alias("n_children"),
        pl.len().alias("n_rows"),
        # published rule: means to one decimal (a finer mean would give back sums)
        pl.col("value").mean().round(1).alias("mean"),
    )


def programme_flag(raw: Raw, organisation: str, rows: pl.DataFrame) -> pl.DataFrame:
    """``programme`` in/out: was the child in a programme (CH_PART, ``programme`` = the
    network) of the organisation - a network's own, or any network in the municipality -
    on the observation date (start <= date <= end)?"""
    kind = raw.organisations.filter(pl.col("code") == organisation)["kind"][0]
    if kind in NETWORK_KINDS:
        networks = [organisation]
    else:
        networks = raw.organisations.filter(
            (pl.col("municipality") == organisation) & pl.col("kind").is_in(NETWORK_KINDS)
        )["code"].to_list()
    spells = raw.cases.filter(
        (pl.col("indicator") == "CH_PART") & pl.col("programme").is_in(networks)
    ).select("child", pl.col("date").alias("p_from"), pl.col("end_date").alias("p_to"))
    keyed = rows.with_row_index("_i")
    inside = (
        keyed.join(spells, on="child")
        .filter(
            (pl.col("date") >= pl.col("p_from"))
            & (pl.col("p_to").is_null() | (pl.col("date") <= pl.col("p_to")))
        )["_i"]
        .unique()
    )
    return keyed.with_columns(
        pl.when(pl.col("_i").is_in(inside.implode()))
        .then(pl.lit("in"))
        .otherwise(pl.lit("out"))
        .alias("programme")
    ).drop("_i")


# --------------------------------------------------------------------- care pathway
def signalled_children(raw: Raw, organisation: str, period: str) -> pl.DataFrame:
    """Children with a concern signalled in the period, first signal date per child.

    A municipality's: its resident children. A network's: as NW_SIGNAL counts them
    (synthetic_data/aggregates.py), children signalled while attending one of the
    network's member schools in the signal's month (whoever reported the signal);
    attending = the school reported the child's absence (CH_ABS) for that month."""
    start, end = period_bounds(period)
    signals = raw.cases.filter(
        (pl.col("indicator") == "CH_SIGNAL") & pl.col("date").is_between(start, end)
    )
    orgs = raw.organisations
    if orgs.filter(pl.col("code") == organisation)["kind"][0] == "municipality":
        signals = signals.filter(pl.col("municipality") == organisation)
    else:
        schools = set(orgs.filter(pl.col("kind") == "school")["code"])
        members = raw.memberships.filter(
            (pl.col("network") == organisation) & pl.col("member").is_in(schools)
        )
        attending = (
            raw.cases.filter(pl.col("indicator") == "CH_ABS")
            .join(members.select(pl.col("member").alias("reporter"), "from", "to"), on="reporter")
            .filter(
                (pl.col("from").is_null() | (pl.col("date") >= pl.col("from")))
                & (pl.col("to").is_null() | (pl.col("date") < pl.col("to")))
            )
            .select("child", pl.col("date").dt.truncate("1mo").alias("month"))
            .unique()
        )
        signals = signals.with_columns(pl.col("date").dt.truncate("1mo").alias("month")).join(
            attending, on=["child", "month"], how="semi"
        )
    return signals.group_by("child").agg(pl.col("date").min().alias("signal"))


def pathway(raw: Raw, organisation: str, period: str) -> dict[tuple[int, str, str], int]:
    """Sankey links signal -> referral -> care type -> ending, in children per link.

    Each signalled child (:func:`signalled_children`) is followed, wherever the rows were
    reported, to the first referral on or after the signal (``ref:<referrer>`` or
    ``ref:geen_verwijzing``), a referred child to the first youth-care episode starting on
    or after the referral (``care:<type>`` or ``care:geen_jeugdhulp``), and an episode to
    how it ended (``end:loopt_nog`` without end date, else ``end:<reason>``)."""
    first = signalled_children(raw, organisation, period)
    referrals = raw.cases.filter(pl.col("indicator") == "CH_REF")
    episodes = raw.cases.filter(pl.col("indicator") == "CH_CARE")
    links: dict[tuple[int, str, str], int] = {}

    def add(stage: int, source: str, target: str) -> None:
        links[(stage, source, target)] = links.get((stage, source, target), 0) + 1

    ref_by_child = _first_after(first, referrals, "signal")
    care_by_child = _first_after(
        ref_by_child.select("child", pl.col("date").alias("referred")), episodes, "referred"
    )
    referred = {r["child"]: r for r in ref_by_child.iter_rows(named=True)}
    cared = {r["child"]: r for r in care_by_child.iter_rows(named=True)}
    for child in first["child"]:
        if child not in referred:
            add(0, "signaal", "ref:geen_verwijzing")
            continue
        referrer = "ref:" + referred[child]["category"]
        add(0, "signaal", referrer)
        if child not in cared:
            add(1, referrer, "care:geen_jeugdhulp")
            continue
        episode = cared[child]
        care = "care:" + episode["category"]
        add(1, referrer, care)
        ending = "loopt_nog" if episode["end_date"] is None else episode["end_reason"] or "onbekend"
        add(2, care, "end:" + ending)
    return links


def _first_after(starts: pl.DataFrame, rows: pl.DataFrame, column: str) -> pl.DataFrame:
    """Per child of ``starts``, its first row of ``rows`` dated on or after ``column``."""
    return (
        starts.join(rows, on="child")
        .filter(pl.col("date") >= pl.col(column))
        .sort("child", "date", "category")
        .unique("child", keep="first")
    )


# ----------------------------------------------------------------------- completeness
def completeness(
    raw: Raw, organisation_codes: set[str], periods: list[str], cat: dict[str, dict], today: date
) -> dict[tuple[str, str], dict]:
    """Per obligated organisation and indicator: of the indicator's own periods (its
    ``period_type``) overlapping the asked periods, how many were expected (obligation in
    force), received on time (first sent within due_days after the period end), late,
    missing (due date passed, nothing sent) or open (not yet due)."""
    asked = [period_bounds(p) for p in periods]
    out: dict[tuple[str, str], dict] = {}
    for ob in raw.obligations.iter_rows(named=True):
        if ob["organisation"] not in organisation_codes:
            continue
        indicator = cat[ob["indicator"]]
        own = sorted({period_code(d, indicator["period_type"]) for a in asked for d in a})
        counts = out.setdefault(
            (ob["organisation"], ob["indicator"]),
            {"expected": 0, "on_time": 0, "late": 0, "missing": 0, "open": 0},
        )
        for period in own:
            start, end = period_bounds(period)
            if date.fromisoformat(ob["from"]) > end:
                continue
            counts["expected"] += 1
            due = date.fromordinal(end.toordinal() + int(ob["due_days"]))
            sent = raw.first_sent.filter(
                (pl.col("reporter") == ob["organisation"])
                & (pl.col("organisation") == (ob["about"] or ob["organisation"]))
                & (pl.col("indicator") == ob["indicator"])
                & (pl.col("period") == period)
            )
            if sent.height:
                received = raw.received[sent["wave"].min()]
                counts["on_time" if received <= due else "late"] += 1
            else:
                counts["missing" if today > due else "open"] += 1
    return out
