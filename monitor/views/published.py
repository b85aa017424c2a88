"""Published figures (CBS StatLine) as CBS published them, with CBS's status, "as of" a
moment; and the comparison of a municipality with the Netherlands and with its size class
from CBS's own totals (never a mean of municipalities' published percentages).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl
from sqlalchemy import select
from sqlmodel import Session, col

from monitor.asof import known_at
from monitor.ingest.cbs import COUNTRY, SIZE_CLASS, size_band
from monitor.settings import get_settings
from schema import AggregateMeasurement, Indicator, Organisation

SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "organisation_code": pl.String,
    "organisation_name": pl.String,
    "indicator_code": pl.String,
    "period_code": pl.String,
    "period_start": pl.Date,
    "category": pl.String,
    "value": pl.Float64,
    "status": pl.String,
    "recorded_at": pl.Datetime("us", "UTC"),
}
INHABITANTS = "CBS_INHABITANTS"


def published_figures(
    session: Session,
    indicator_code: str,
    organisation_codes: Sequence[str],
    *,
    as_of: datetime | None = None,
    category: str | None = "",
) -> pl.DataFrame:
    """The published figures of ``indicator_code`` for these organisations, as known at
    ``as_of`` (None: now), one row per organisation, period and category (``category``:
    only that one, "" the total; None: all), oldest period first."""
    a, i, o = AggregateMeasurement, Indicator, Organisation
    statement = (
        select(
            col(o.code),
            col(o.name),
            col(i.code),
            col(a.period_code),
            col(a.period_start),
            col(a.category),
            col(a.value),
            col(a.status),
            col(a.recorded_at),
        )  # fmt: skip
        .join(i, col(i.id) == col(a.indicator_id))
        .join(o, col(o.id) == col(a.organisation_id))
        .where(col(i.code) == indicator_code, col(i.publisher).is_not(None))
        .where(col(o.code).in_(list(organisation_codes)), known_at(a, as_of))
    )
    if category is not None:
        statement = statement.where(col(a.category) == category)
    rows = session.execute(statement).all()
    frame = pl.DataFrame([tuple(r) for r in rows], schema=SCHEMA, orient="row")
    frame = (
        frame.sort("recorded_at")
        .unique(
            ["organisation_code", "period_code", "category"], keep="last", maintain_order=True
        )  # fmt: skip
        .sort("organisation_code", "period_start", "category")
    )
    counts = session.execute(
        select(col(Indicator.counts_children)).where(col(Indicator.code) == indicator_code)
    ).scalar()
    # CBS's figures are public, but a count of children below the threshold is not shown
    # here either (CBS rounds to 5; the figure itself is never perturbed)
    small = (
        pl.lit(bool(counts)) & (pl.col("value") > 0)
        & (pl.col("value") < get_settings().disclosure_threshold)
    )  # fmt: skip
    return frame.with_columns(
        pl.when(small).then(None).otherwise(pl.col("value")).alias("value"),
        small.alias("suppressed"),
    )


def size_class_of(
    session: Session, municipality_code: str, *, as_of: datetime | None = None
) -> str | None:
    """The CBS size-class region of a municipality: the class whose inhabitants band holds
    its latest published inhabitants figure (None when either is not known)."""
    figures = published_figures(session, INHABITANTS, [municipality_code], as_of=as_of)
    if figures.is_empty():
        return None
    inhabitants = figures["value"][-1]
    classes = session.execute(
        select(col(Organisation.code), col(Organisation.name)).where(
            col(Organisation.subtype) == SIZE_CLASS
        )
    ).all()
    for code, name in classes:
        band = size_band(name)
        if band and band[0] <= inhabitants < band[1]:
            return code
    return None


def comparison(
    session: Session,
    municipality_code: str,
    indicator_code: str,
    *,
    as_of: datetime | None = None,
    category: str = "",
) -> pl.DataFrame:
    """The municipality's published series with the Netherlands' and its size class's, as
    CBS published them (``SCHEMA`` plus ``line``: municipality, country, size_class)."""
    country = (
        session.execute(select(col(Organisation.code)).where(col(Organisation.subtype) == COUNTRY))
        .scalars()
        .all()
    )
    size = size_class_of(session, municipality_code, as_of=as_of)
    lines = {municipality_code: "municipality", **dict.fromkeys(country, "country")}
    if size:
        lines[size] = "size_class"
    frame = published_figures(session, indicator_code, list(lines), as_of=as_of, category=category)
    return frame.with_columns(
        pl.col("organisation_code").replace_strict(lines, return_dtype=pl.String).alias("line")
    )


def published_indicators(session: Session, organisation_code: str) -> list[tuple[str, str, str]]:
    """(code, Dutch name, English name) of the published indicators with figures for the
    organisation (inhabitants, the denominator CBS uses, left out), by code."""
    a, i, o = AggregateMeasurement, Indicator, Organisation
    rows = session.execute(
        select(col(i.code), col(i.name_nl), col(i.name_en))
        .join(a, col(a.indicator_id) == col(i.id))
        .join(o, col(o.id) == col(a.organisation_id))
        .where(
            col(i.publisher).is_not(None),
            col(o.code) == organisation_code,
            col(i.code) != INHABITANTS,
        )
        .distinct()
        .order_by(col(i.code))
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def published_indicator(session: Session, indicator_code: str) -> Indicator | None:
    """The catalogue entry of a published indicator, or None (unknown or not published)."""
    found = session.execute(select(Indicator).where(col(Indicator.code) == indicator_code)).scalar()
    return found if found is not None and found.publisher else None
