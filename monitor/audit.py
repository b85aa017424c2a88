"""The append-only audit trail: one function writes, one reads. Nothing updates or deletes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from schema import AuditEntry


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    username: str = "",
    organisation_id: int | None = None,
    target: str = "",
    detail: dict[str, Any] | str | None = None,
) -> AuditEntry:
    """Append one audit entry (the caller's transaction commits it).

    ``detail`` must never hold a BSN, password or key: callers pass counts, codes and ids."""
    text = (
        detail if isinstance(detail, str) else json.dumps(detail or {}, sort_keys=True, default=str)
    )
    entry = AuditEntry(
        action=action,
        user_id=user_id,
        username=username,
        organisation_id=organisation_id,
        target=target[:255],
        detail=text,
    )
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session,
    *,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    """Newest-first audit entries, optionally of one action and since a moment."""
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    if action:
        query = query.where(col(AuditEntry.action) == action)
    if since:
        query = query.where(col(AuditEntry.at) >= since)
    return list(session.exec(query).all())
