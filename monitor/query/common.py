"""What every query shares: the as-of rule, frames, organisations the caller may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import polars as pl
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from monitor.asof import known_at
from monitor.errors import AccessDeniedError, NotFoundError
from monitor.policy import Action, Principal
from schema import (
    Organisation,
    id_of,
)

SERIES_KEYS = ["organisation_code", "period_code", "category", "source_kind"]


def current_rows(table, as_of: datetime | None):  # noqa: ANN001, ANN202
    """Rows as known at ``as_of`` (or now): :func:`monitor.asof.known_at`."""
    return known_at(table, as_of)


def read_frame(
    session: Session, statement: Executable, schema: Mapping[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """The rows of ``statement`` as a frame with the given column types."""
    rows = session.execute(statement).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def organisations_by_code(session: Session, codes: Sequence[str]) -> list[Organisation]:
    rows = session.execute(
        select(Organisation).where(col(Organisation.code).in_(list(codes)))
    ).scalars()
    found = {o.code: o for o in rows}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFoundError(f"organisation(s) {', '.join(missing)} do not exist")
    return [found[c] for c in codes]


def require_visible(principal: Principal, organisations: Sequence) -> None:
    """Refuse (AccessDeniedError naming them) unless the principal may view the figures
    of each organisation (anything with ``id`` and ``code``)."""
    denied = [o.code for o in organisations if not principal.allows(Action.VIEW, o.id)]
    if denied:
        raise AccessDeniedError(f"{principal.username} may not view figures of {', '.join(denied)}")


def visible_organisation_ids(
    session: Session, principal: Principal, organisation_codes: Sequence[str] | None
) -> list[int]:
    """Ids of the requested organisations (default: all the principal may view).

    Asking explicitly for an organisation one may not view is refused, not silently dropped."""
    if organisation_codes:
        orgs = organisations_by_code(session, organisation_codes)
        require_visible(principal, orgs)
        return [id_of(o) for o in orgs]
    if principal.is_admin:
        return list(session.execute(select(col(Organisation.id))).scalars())
    return sorted(principal.view_org_ids)
