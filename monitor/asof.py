"""The "as of" rule, in one place: a row counts at moment ``t`` when it was recorded at or
before ``t`` and not yet superseded then; ``None`` means "as known now". A network
membership counts at ``t`` when it was entered by then (:func:`membership_known_at`).

Moments are compared in UTC: a naive moment is read as UTC (as everything is stored), an
aware one is converted. A moment that has no UTC equivalent (``9999-12-31T23:59:59-14:00``)
is refused with a clear error rather than overflowing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, or_

from monitor.errors import RowProblem, ValidationFailed


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive moments are taken to be UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        reason = "moment outside the supported range of dates"
        raise ValidationFailed(
            problems=[RowProblem("request", None, "as_of", moment.isoformat(), reason)],
            summary=f"as_of: {reason}",
        ) from None


def known_at(table, as_of: datetime | None) -> ColumnElement[bool]:  # noqa: ANN001
    """SQL condition: rows of ``table`` (an ORM class or a Core table) known at ``as_of``."""
    columns = getattr(table, "c", table)
    if as_of is None:
        return columns.superseded_at.is_(None)
    moment = as_utc(as_of)
    return and_(
        columns.recorded_at <= moment,
        or_(columns.superseded_at.is_(None), columns.superseded_at > moment),
    )


def membership_known_at(table, as_of: datetime | None) -> ColumnElement[bool] | None:  # noqa: ANN001
    """SQL condition: network memberships of ``table`` entered at or before ``as_of`` (those
    entered before entry times were kept count always); None when asked as known now."""
    if as_of is None:
        return None
    columns = getattr(table, "c", table)
    return or_(columns.recorded_at.is_(None), columns.recorded_at <= as_utc(as_of))
