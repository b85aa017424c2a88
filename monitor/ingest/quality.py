"""Data quality: completeness of reporting, validation rules between indicators, outliers.

Rules and outliers give *warnings*, never rejections: a surprising figure may be true, and
the people who know are asked to look, not blocked.

* :func:`completeness` — per organisation and period, was an expected figure received on
  time (``schema.ReportingObligation``: within ``due_days`` after the period ended)?
* :data:`RULES` — part <= whole between indicators of the same organisation and period
  (e.g. ``NW_REF <= NW_CHILDREN``, ``MU_CARE_RES <= MU_CARE`` summed over care types).
* :func:`outliers` — a robust flag for small counts: the value lies outside the Poisson
  99.9 % interval around the median of the organisation's own history *and* is more than
  3.5 robust z-scores (median / MAD) away, or the MAD is 0 (Iglewicz & Hoaglin 1993;
  the Poisson check keeps small counts from being flagged for ordinary noise).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
from sqlalchemy import select
from sqlmodel import Session, col

from monitor.errors import RowProblem
from monitor.ingest.read import ROW
from monitor.ingest.submissions import sent_by
from monitor.periods import Period, parse_period, periods_between
from schema import (
    AggregateMeasurement,
    CaseMeasurement,
    Indicator,
    Organisation,
    PeriodType,
    ReportingObligation,
    Submission,
    table_of,
    utcnow,
)

#: (part, whole): the part summed over its categories may not exceed the whole.
RULES: tuple[tuple[str, str], ...] = (
    ("NW_REF", "NW_CHILDREN"),
    ("NW_SIGNAL", "NW_CHILDREN"),
    ("NW_CARE", "NW_CHILDREN"),
    ("MU_CARE", "MU_YOUTH"),
    ("MU_CARE_RES", "MU_CARE"),
    ("MU_PROT", "MU_YOUTH"),
    ("MU_WAITLIST", "MU_YOUTH"),
    ("MU_SPED", "MU_PUPILS"),
)
MIN_HISTORY = 4
Z_LIMIT = 3.5
POISSON_TAIL = 0.0005  # each side: a 99.9 % interval
CALENDAR_TYPES = ("year", "half_year", "quarter", "month")

_VALUE_SCHEMA = pl.Schema(
    {
        "organisation_id": pl.Int64,
        "indicator": pl.String,
        "category": pl.String,
        "period_start": pl.Date,
        "source_kind": pl.String,
        "value": pl.Float64,
    }
)


def _totals(values: pl.DataFrame) -> pl.DataFrame:
    """Per organisation, period, indicator: the total row if sent, else the category sum."""
    keys = ["organisation_id", "period_start", "indicator", "source_kind"]
    return values.group_by(keys).agg(
        pl.when((pl.col("category") == "").any())
        .then(pl.col("value").filter(pl.col("category") == "").first())
        .otherwise(pl.col("value").sum())
        .alias("total")
    )


def rule_violations(values: pl.DataFrame) -> pl.DataFrame:
    """Check :data:`RULES` on a frame of figures (columns as ``_VALUE_SCHEMA``).

    Returns one row per violation: organisation_id, period_start, part, whole, and their
    totals."""
    totals = _totals(values)
    rules = pl.DataFrame(RULES, schema=["part", "whole"], orient="row")
    parts = totals.join(rules, left_on="indicator", right_on="part").rename(
        {"indicator": "part", "total": "part_total"}
    )
    wholes = totals.rename({"indicator": "whole", "total": "whole_total"})
    return parts.join(
        wholes, on=["organisation_id", "period_start", "source_kind", "whole"], how="inner"
    ).filter(pl.col("part_total") > pl.col("whole_total"))


def _stored(
    session: Session,
    organisation_ids: list[int],
    codes: list[str],
    reporter_id: int,
    user_id: int | None,
) -> pl.DataFrame:
    """The current figures ``reporter_id`` sent about these organisations, in submissions
    of ``user_id`` (several partners may send as one organisation: a network's members,
    its municipality; each is checked against what they sent themselves)."""
    table = table_of(AggregateMeasurement)
    query = (
        select(
            table.c.organisation_id,
            col(Indicator.code),
            table.c.category,
            table.c.period_start,
            table.c.source_kind,
            table.c.value,
        )
        .join(Indicator, col(Indicator.id) == table.c.indicator_id)
        .join(Submission, col(Submission.id) == table.c.submission_id)
        .where(sent_by(user_id))
        .where(table.c.superseded_at.is_(None))
        .where(table.c.organisation_id.in_(organisation_ids))
        .where(table.c.reporting_org_id == reporter_id)
        .where(col(Indicator.code).in_(codes))
    )
    rows = [tuple(r) for r in session.connection().execute(query)]
    return pl.DataFrame(rows, schema=_VALUE_SCHEMA, orient="row")


def batch_warnings(
    session: Session,
    batch: pl.DataFrame,
    file_name: str,
    *,
    reporter_id: int,
    user_id: int | None = None,
) -> list[RowProblem]:
    """Rule and outlier warnings for a validated aggregate batch (``_*`` columns).

    Checked against the figures the sender itself sent earlier, never anyone else's, and
    no warning quotes a stored value: a dry run must not become a way to read figures
    (totals, medians, or which side of a rule a withheld cell lies on)."""
    if batch.height == 0:
        return []
    incoming = batch.select(
        pl.col("_about_id").alias("organisation_id"),
        "indicator",
        pl.col("_category").alias("category"),
        pl.col("_period_start").alias("period_start"),
        pl.col("_source_kind").alias("source_kind"),
        pl.col("_value").alias("value"),
        ROW,
    )
    codes = sorted({c for rule in RULES for c in rule} | set(incoming["indicator"].unique()))
    about = incoming["organisation_id"].unique().to_list()
    stored = _stored(session, about, codes, reporter_id, user_id)
    keys = ["organisation_id", "indicator", "category", "period_start", "source_kind"]
    combined = pl.concat(
        [stored.join(incoming, on=keys, how="anti"), incoming.drop(ROW)], how="vertical"
    )
    warnings: list[RowProblem] = []
    violations = rule_violations(combined.filter(pl.col("value").is_not_null()))
    if violations.height:
        involved = incoming.join(
            pl.concat(
                [
                    violations.select(
                        "organisation_id",
                        "period_start",
                        pl.col(side).alias("indicator"),
                        "part",
                        "whole",
                        "part_total",
                        "whole_total",
                    )
                    for side in ("part", "whole")
                ]
            ),
            on=["organisation_id", "period_start", "indicator"],
        )
        first = involved.group_by("organisation_id", "period_start", "part", "whole").agg(
            pl.col(ROW).min(), pl.col("part_total").first(), pl.col("whole_total").first()
        )
        for r in first.sort(ROW).iter_rows(named=True):
            warnings.append(
                RowProblem(
                    file_name,
                    r[ROW],
                    "value",
                    None,
                    f"{r['part']} is groter dan {r['whole']} voor dezelfde organisatie en "
                    f"periode (deze batch samen met wat u eerder stuurde); controleer de cijfers",
                    "warning",
                )
            )
    counts = batch.filter(pl.col("i_value_type") == "count")
    flagged = outliers(
        incoming.join(counts.select(ROW), on=ROW),
        stored.filter(pl.col("indicator").is_in(counts["indicator"].unique().to_list())),
    )
    for r in flagged.iter_rows(named=True):
        warnings.append(
            RowProblem(
                file_name,
                r[ROW],
                "value",
                f"{r['value']:g}",
                f"ongebruikelijke waarde voor {r['indicator']} vergeleken met wat u in "
                f"{r['n']} eerdere periode(s) stuurde; controleer de waarde",
                "warning",
            )
        )
    return sorted(warnings, key=lambda p: p.row or 0)


def outliers(new: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``new`` that are robust outliers against their own ``history``.

    Both frames have the ``_VALUE_SCHEMA`` columns (``new`` also ``_row``); history is
    matched on organisation, indicator, category and source kind, earlier periods only."""
    keys = ["organisation_id", "indicator", "category", "source_kind"]
    joined = new.join(history.rename({"value": "h", "period_start": "h_start"}), on=keys)
    joined = joined.filter(pl.col("h_start") < pl.col("period_start"), pl.col("h").is_not_null())
    summary = (
        joined.group_by(ROW)
        .agg(
            pl.col("h").median().alias("median"),
            (pl.col("h") - pl.col("h").median()).abs().median().alias("mad"),
            pl.len().alias("n"),
        )
        .filter(pl.col("n") >= MIN_HISTORY)
    )
    candidates = new.join(summary, on=ROW).filter(pl.col("value").is_not_null())
    if candidates.height == 0:
        return candidates
    from scipy import stats  # here: scipy costs ~75 MiB, and a case file never needs it

    median = candidates["median"].to_numpy()
    mean = np.maximum(median, 0.5)  # a Poisson mean of 0 would flag any single event
    value = candidates["value"].to_numpy()
    low = stats.poisson.ppf(POISSON_TAIL, mean)
    high = stats.poisson.isf(POISSON_TAIL, mean)
    mad = candidates["mad"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        robust_z = np.where(mad > 0, 0.6745 * np.abs(value - median) / mad, np.inf)
    flag = ((value < low) | (value > high)) & (robust_z > Z_LIMIT)
    return candidates.filter(pl.Series(flag))


def _period_list(periods: Iterable[str | Period]) -> list[Period]:
    return [p if isinstance(p, Period) else parse_period(p) for p in periods]


def obligation_periods(asked: Iterable[str | Period], period_type: str | None) -> list[Period]:
    """The indicator's own periods that the asked periods call for, once each, in order.

    An obligation is judged on the indicator's period type: a yearly indicator asked in a
    half-year on the year containing it, a half-yearly indicator asked in a year on both of
    its halves. Indicators without a calendar period type (case level: events, episodes)
    are judged on the asked periods themselves."""
    own = PeriodType(period_type) if period_type in CALENDAR_TYPES else None
    found: set[Period] = set()
    for period in _period_list(asked):
        if own is None or own is period.type:
            found.add(period)
        else:
            found.update(periods_between(period.start, period.end, own))
    return sorted(found)


def completeness(
    session: Session,
    *,
    indicator_code: str,
    periods: Iterable[str | Period],
    organisation_codes: list[str] | None = None,
) -> pl.DataFrame:
    """Per obligated organisation and period: expected, due, received when, and the status.

    Periods are the indicator's own (:func:`obligation_periods`). ``status`` is ``on_time``
    (first received on or before the due date, ``due_days`` after the period ended),
    ``late``, ``missing`` (due date passed, nothing received), ``open`` (not yet due, not
    yet received) or ``not_expected`` (no obligation covered the period). A figure counts
    as received with the first accepted submission that stored a row for it (corrections
    later do not make it late); a network's figure sent by its municipality on its behalf
    counts too (a network-level figure has one reporter)."""
    query = (
        select(ReportingObligation, col(Organisation.code))
        .join(Organisation, col(Organisation.id) == col(ReportingObligation.organisation_id))
        .where(col(ReportingObligation.indicator_code) == indicator_code)
    )
    if organisation_codes:
        query = query.where(col(Organisation.code).in_(organisation_codes))
    obligations = session.execute(query).all()
    indicator = session.execute(
        select(col(Indicator.level), col(Indicator.period_type))
        .where(col(Indicator.code) == indicator_code)
        .order_by(col(Indicator.version).desc())
    ).first()
    level, period_type = indicator if indicator is not None else (None, None)
    wanted = obligation_periods(periods, period_type)
    today = utcnow().date()
    records = []
    for obligation, code in obligations:
        about = obligation.about_organisation_id or obligation.organisation_id
        for period in wanted:
            expected = obligation.valid_from <= period.end and (
                obligation.valid_to is None or obligation.valid_to >= period.start
            )
            due = period.end + timedelta(days=obligation.due_days)
            received = _first_received(
                session, indicator_code, level, obligation.organisation_id, about, period
            )
            if not expected:
                status = "not_expected"
            elif received is not None:
                status = "on_time" if _day(received) <= due else "late"
            else:
                status = "missing" if today > due else "open"
            records.append((code, period.code, period.end, due, expected, received, status))
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "organisation": pl.String,
        "period": pl.String,
        "period_end": pl.Date,
        "due_date": pl.Date,
        "expected": pl.Boolean,
        "received_at": pl.Datetime("us", "UTC"),
        "status": pl.String,
    }
    frame = pl.DataFrame(records, schema=schema, orient="row")
    return frame.with_columns(
        on_time=pl.col("status") == "on_time",
        late=pl.col("status") == "late",
        missing=pl.col("status") == "missing",
    ).sort("organisation", "period_end")


def _day(moment: datetime) -> date:
    """The calendar day of a receipt, in UTC (a naive value from SQLite is UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date()


def _first_received(
    session: Session,
    code: str,
    level: str | None,
    reporter_id: int,
    about_id: int,
    period: Period,
) -> datetime | None:
    """Earliest received_at of an accepted submission that stored a row for the figure:
    case rows by ``reporter_id`` observed in the period; an aggregate about ``about_id``
    for exactly the period, by whichever organisation may report it."""
    if level == "case":
        table = table_of(CaseMeasurement)
        where = [
            table.c.reporting_org_id == reporter_id,
            table.c.observed_on >= period.start,
            table.c.observed_on <= period.end,
        ]
    else:
        table = table_of(AggregateMeasurement)
        where = [
            table.c.organisation_id == about_id,
            table.c.period_start == period.start,
            table.c.period_end == period.end,
        ]
    query = (
        select(col(Submission.received_at))
        .join(table, table.c.submission_id == col(Submission.id))
        .join(Indicator, col(Indicator.id) == table.c.indicator_id)
        .where(col(Indicator.code) == code, *where)
        .order_by(col(Submission.received_at))
        .limit(1)
    )
    return session.execute(query).scalar()
