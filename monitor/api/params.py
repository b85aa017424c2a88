"""Query parameters shared by routes, validated at the door (a 422 naming the parameter,
never a 500 from deeper down)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator


def _utc_moment(value: datetime | None) -> datetime | None:
    """A moment in UTC (a naive one is read as UTC); one that falls outside the years
    1-9999 once converted (``9999-12-31T23:59:59-14:00``) is refused."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(
            "the moment lies outside the years 1 to 9999 when converted to UTC"
        ) from None


#: ``as_of``: show figures as known at this moment.
AsOf = Annotated[
    datetime | None,
    AfterValidator(_utc_moment),
    Query(description="Show figures as known at this moment (ISO 8601)."),
]

#: Any other moment parameter (``since``): in UTC, naive read as UTC, extremes refused.
Moment = Annotated[datetime | None, AfterValidator(_utc_moment)]
