"""Look up the stored catalogue: indicator versions, the version valid on a day, category
sets and the range an indicator's value can take."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from monitor.errors import NotFoundError
from schema import Indicator, IndicatorCategory
from schema.base import ValueType


def indicator_versions(session: Session) -> list[Indicator]:
    """All stored indicator versions, by code and version."""
    return list(
        session.exec(select(Indicator).order_by(col(Indicator.code), col(Indicator.version))).all()
    )


def get_indicator(session: Session, code: str, on: date | None = None) -> Indicator:
    """The version of ``code`` valid on ``on`` (default: the newest); NotFoundError otherwise."""
    rows = session.exec(
        select(Indicator).where(col(Indicator.code) == code).order_by(col(Indicator.version).desc())
    ).all()
    if not rows:
        raise NotFoundError(f"indicator {code!r} is not in the catalogue")
    if on is None:
        return rows[0]
    for row in rows:
        if row.valid_from <= on and (row.retired_on is None or on < row.retired_on):
            return row
    raise NotFoundError(f"indicator {code!r} has no version valid on {on.isoformat()}")


def newest_indicators(session: Session, codes: Sequence[str]) -> dict[str, Indicator]:
    """The newest version of each of ``codes`` in the catalogue, in one query (as
    :func:`get_indicator` without ``on``); a code not in the catalogue is left out."""
    newest: dict[str, Indicator] = {}
    for row in session.exec(select(Indicator).where(col(Indicator.code).in_(list(codes)))):
        if row.code not in newest or row.version > newest[row.code].version:
            newest[row.code] = row
    return newest


def categories(session: Session, category_set: str) -> list[IndicatorCategory]:
    """The options of one category list, in catalogue order."""
    return list(
        session.exec(
            select(IndicatorCategory)
            .where(col(IndicatorCategory.category_set) == category_set)
            .order_by(col(IndicatorCategory.sort_order))
        ).all()
    )


_NEVER_NEGATIVE = {ValueType.COUNT, ValueType.RATE, ValueType.PERCENTAGE, ValueType.PROPORTION}


def possible_range(indicator: Indicator) -> tuple[float | None, float | None]:
    """The values an indicator can take (low, high; None: unbounded): its catalogue range,
    else 0 and up for counts, rates and shares."""
    low = indicator.min_value
    if low is None and indicator.value_type in _NEVER_NEGATIVE:
        low = 0.0
    return low, indicator.max_value
