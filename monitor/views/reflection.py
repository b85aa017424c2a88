"""Reflection sessions ("dialooggesprekken"): the sessions, their notes and agreed actions,
and the view a session shows (figures then and now, corrections since)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlmodel import Session, col

from monitor import audit
from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.figures.aggregates import codes_needed
from monitor.organisations import get_organisation
from monitor.policy import Action, Principal
from monitor.views.figures import aggregate_indicators, end_of_day, level_of
from monitor.views.scorecard import corrections, then_and_now
from schema import (
    Organisation,
    ReflectionNote,
    ReflectionSession,
    id_of,
)


# -------------------------------------------------------------- reflection sessions
def reflection_sessions(
    session: Session, principal: Principal, *, organisation_code: str
) -> list[ReflectionSession]:
    """Reflection sessions of an organisation, newest first."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"sessions of {organisation_code}")
    r = ReflectionSession
    return list(
        session.execute(
            select(r)
            .where(col(r.organisation_id) == organisation.id)
            .order_by(col(r.held_on).desc())
        ).scalars()
    )


def reflection_session(
    session: Session, principal: Principal, session_id: int
) -> ReflectionSession:
    """One session of an organisation the principal may view."""
    found = session.get(ReflectionSession, session_id)
    if found is None:
        raise NotFoundError(f"reflection session {session_id} does not exist")
    principal.require(Action.VIEW, found.organisation_id, "this reflection session")
    return found


@dataclass(frozen=True)
class ReflectionView:
    """What a reflection session shows: figures then and now, corrections, notes."""

    session_id: int
    title: str
    held_on: date
    organisation_code: str
    organisation_name: str
    then_now: pl.DataFrame
    corrections: pl.DataFrame
    notes: pl.DataFrame


def reflection_view(session: Session, principal: Principal, *, session_id: int) -> ReflectionView:
    """The figures as known at the end of the session day next to now, the corrections
    made since, and the notes and actions."""
    found = reflection_session(session, principal, session_id)
    organisation = session.get_one(Organisation, found.organisation_id)
    code = organisation.code
    fixes = corrections(
        session, principal, organisation_codes=[code], since=end_of_day(found.held_on)
    )
    then_now = then_and_now(session, principal, organisation_code=code, on=found.held_on)
    return ReflectionView(
        session_id=id_of(found),
        title=found.title,
        held_on=found.held_on,
        organisation_code=code,
        organisation_name=organisation.name,
        then_now=with_differences(session, then_now, fixes, level_of(organisation)),
        corrections=fixes,
        notes=reflection_notes(session, principal, session_id=id_of(found)),
    )


#: The corrections shown beside a then/now row (published values, as in ``corrections``).
CORRECTION_FIELDS = (
    "indicator_code", "category", "old_value", "old_suppressed", "new_value",
    "new_suppressed", "corrected_at", "corrected_by",
)  # fmt: skip


def with_differences(
    session: Session, then_now: pl.DataFrame, fixes: pl.DataFrame, level: str | None
) -> pl.DataFrame:
    """Then/now with ``difference`` (now - then; null when either side is withheld or
    missing, so a difference never reveals a withheld figure) and ``corrections``: the
    corrections since the session of the stored figures behind each row (a rate: its
    numerator and denominator), of the same period."""
    hidden = pl.col("suppressed_then").fill_null(False) | pl.col("suppressed_now").fill_null(False)
    difference = pl.when(hidden).then(None).otherwise(pl.col("value_now") - pl.col("value_then"))
    out = then_now.with_columns(difference.alias("difference"))
    needed = (
        {i.code: codes_needed(i) for i in aggregate_indicators(session, level)} if level else {}
    )
    lists = []
    for row in out.select("indicator_code", "period_code").iter_rows():
        codes = needed.get(row[0], [row[0]])
        mine = fixes.filter(
            pl.col("indicator_code").is_in(codes) & (pl.col("period_code") == row[1])
        )
        lists.append(mine.select(CORRECTION_FIELDS).to_dicts())
    schema = pl.List(pl.Struct({c: fixes.schema[c] for c in CORRECTION_FIELDS}))
    return out.with_columns(pl.Series("corrections", lists, dtype=schema))


def _invalid(column: str, value: object, reason: str) -> ValidationFailed:
    return ValidationFailed(
        problems=[RowProblem("form", None, column, None if value is None else str(value), reason)],
        summary=f"{column}: {reason}",
    )


def create_reflection_session(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    held_on: date,
    title: str,
) -> ReflectionSession:
    """Record a reflection session of an organisation the principal may view (audited)."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"sessions of {organisation_code}")
    title = title.strip()
    if not 1 <= len(title) <= 200:
        raise _invalid("title", title, "give a title of 1-200 characters")
    row = ReflectionSession(
        organisation_id=id_of(organisation),
        held_on=held_on,
        title=title,
        created_by_id=principal.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "reflection_session",
        user_id=principal.user_id,
        username=principal.username,
        organisation_id=organisation.id,
        target=str(row.id),
    )
    return row


def reflection_notes(session: Session, principal: Principal, *, session_id: int) -> pl.DataFrame:
    """Notes and agreed actions of a session (who wrote them is not shown)."""
    reflection_session(session, principal, session_id)
    n, o = ReflectionNote, Organisation
    rows = session.execute(
        select(
            col(n.id),
            col(n.kind),
            col(n.text),
            col(o.code),
            col(o.name),
            col(n.due_on),
            col(n.created_at),
        )
        .outerjoin(o, col(o.id) == col(n.owner_organisation_id))
        .where(col(n.session_id) == session_id)
        .order_by(col(n.kind), col(n.created_at), col(n.id))
    ).all()
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "id": pl.Int64,
        "kind": pl.String,
        "text": pl.String,
        "owner_code": pl.String,
        "owner_name": pl.String,
        "due_on": pl.Date,
        "created_at": pl.Datetime("us"),
    }
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def add_reflection_note(
    session: Session,
    principal: Principal,
    *,
    session_id: int,
    kind: str,
    text: str,
    owner_organisation_code: str | None = None,
    due_on: date | None = None,
) -> ReflectionNote:
    """Add a note or an agreed action. An action names the organisation that takes it up
    (never a person) and that organisation must be one the principal may view."""
    found = reflection_session(session, principal, session_id)
    text = (text or "").strip()
    if kind not in ("note", "action"):
        raise _invalid("kind", kind, "use note or action")
    if not 1 <= len(text) <= 2000:
        raise _invalid("text", None, "write 1-2000 characters")
    owner_id = None
    if kind == "action":
        if not owner_organisation_code:
            raise _invalid("owner", None, "an action names the organisation that takes it up")
        owner = get_organisation(session, owner_organisation_code)
        principal.require(Action.VIEW, owner.id, f"organisation {owner.code}")
        owner_id = owner.id
    note = ReflectionNote(
        session_id=id_of(found),
        kind=kind,
        text=text,
        owner_organisation_id=owner_id,
        due_on=due_on if kind == "action" else None,
        created_by_id=principal.user_id,
    )
    session.add(note)
    session.flush()
    audit.record(
        session,
        "reflection_note",
        user_id=principal.user_id,
        username=principal.username,
        organisation_id=found.organisation_id,
        target=str(note.id),
        detail={"kind": kind},
    )
    return note


def delete_reflection_note(session: Session, principal: Principal, *, note_id: int) -> None:
    """Remove a note (audited)."""
    note = session.get(ReflectionNote, note_id)
    if note is None:
        raise NotFoundError(f"note {note_id} does not exist")
    found = reflection_session(session, principal, note.session_id)
    session.delete(note)
    audit.record(
        session,
        "reflection_note_deleted",
        user_id=principal.user_id,
        username=principal.username,
        organisation_id=found.organisation_id,
        target=str(note_id),
    )
    session.flush()
