"""Turn the curve: a network's goals per indicator (target value and date) and a reflection
session's answers to the four questions beside an indicator's trend (the story behind the
curve, who the partners are, what works, what we will do)."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from monitor import audit
from monitor.catalogue import get_indicator, possible_range
from monitor.errors import NotFoundError, RowProblem, ValidationFailed
from monitor.organisations import get_organisation
from monitor.policy import Action, Principal
from monitor.views.figures import level_of
from monitor.views.reflection import reflection_session
from schema import Indicator, ReflectionAnswer, Target, id_of, utcnow
from schema.reflection import CURVE_QUESTIONS

GOAL_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.Int64,
    "indicator_code": pl.String,
    "name_nl": pl.String,
    "name_en": pl.String,
    "unit": pl.String,
    "target_value": pl.Float64,
    "target_date": pl.Date,
    "note": pl.String,
    "set_at": pl.Datetime("us"),
}


def _upsert(
    session: Session, model: type[Target] | type[ReflectionAnswer], keys: dict, values: dict
) -> int:
    """Insert the row with ``keys`` or, when one is there, set its ``values``: one
    statement, so two people saving at once both land (the later wins) instead of the
    second failing on the unique key. Returns the row's id."""
    dialect = session.get_bind().dialect.name
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(**keys, **values)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    return int(session.execute(statement.returning(col(model.id))).scalar_one())


def _invalid(column: str, value: object, reason: str) -> ValidationFailed:
    return ValidationFailed(
        problems=[RowProblem("form", None, column, None if value is None else str(value), reason)],
        summary=f"{column}: {reason}",
    )


def network_goals(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    indicator_code: str | None = None,
) -> pl.DataFrame:
    """The goals an organisation set (all indicators, or one), by indicator and date."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"goals of {organisation_code}")
    t, i = Target, Indicator
    query = (
        select(
            col(t.id),
            col(t.indicator_code),
            col(i.name_nl),
            col(i.name_en),
            col(i.unit),
            col(t.target_value),
            col(t.target_date),
            col(t.note),
            col(t.set_at),
        )
        .outerjoin(i, (col(i.code) == col(t.indicator_code)) & col(i.retired_on).is_(None))
        .where(col(t.organisation_id) == organisation.id, col(t.category) == "")
        .order_by(col(t.indicator_code), col(t.target_date))
    )
    if indicator_code:
        query = query.where(col(t.indicator_code) == indicator_code)
    rows = [tuple(r) for r in session.execute(query).all()]
    return pl.DataFrame(rows, schema=GOAL_SCHEMA, orient="row").unique("id", maintain_order=True)


def set_goal(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    indicator_code: str,
    target_value: float | None,
    target_date: date | None,
    note: str = "",
) -> Target:
    """Record a goal (or change the value of the goal for the same indicator and date).
    The value must lie in the indicator's possible range; the date must be given. Audited."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"goals of {organisation_code}")
    indicator = get_indicator(session, indicator_code)
    if indicator.level != level_of(organisation):
        raise _invalid("indicator", indicator_code, "not an indicator of this organisation")
    if target_value is None or not math.isfinite(target_value):
        raise _invalid("target_value", target_value, "give a target value")
    low, high = possible_range(indicator)
    if (low is not None and target_value < low) or (high is not None and target_value > high):
        raise _invalid("target_value", target_value, f"the value lies outside {low}-{high}")
    if target_date is None:
        raise _invalid("target_date", None, "give the date by which the goal is to be met")
    keys = {"organisation_id": id_of(organisation), "indicator_code": indicator_code,
            "category": "", "target_date": target_date}  # fmt: skip
    values = {"target_value": target_value, "note": (note or "").strip()[:500], "set_at": utcnow()}
    goal_id = _upsert(session, Target, keys, values)
    row = session.get(Target, goal_id, populate_existing=True)
    assert row is not None
    audit.record(
        session, "goal_set", user_id=principal.user_id, username=principal.username,
        organisation_id=organisation.id, target=str(row.id),
        detail={"indicator": indicator_code, "target_date": target_date.isoformat()},
    )  # fmt: skip
    return row


def delete_goal(session: Session, principal: Principal, *, goal_id: int) -> None:
    """Remove a goal (audited)."""
    row = session.get(Target, goal_id)
    if row is None:
        raise NotFoundError(f"goal {goal_id} does not exist")
    principal.require(Action.VIEW, row.organisation_id, "this goal")
    session.delete(row)
    audit.record(
        session, "goal_deleted", user_id=principal.user_id, username=principal.username,
        organisation_id=row.organisation_id, target=str(goal_id),
    )  # fmt: skip
    session.flush()


def curve_answers(
    session: Session, principal: Principal, *, session_id: int, indicator_code: str
) -> dict[str, str]:
    """The session's answers about one indicator, per question ("" when unanswered)."""
    reflection_session(session, principal, session_id)
    a = ReflectionAnswer
    found = dict(
        session.execute(
            select(col(a.question), col(a.text)).where(
                col(a.session_id) == session_id, col(a.indicator_code) == indicator_code
            )
        ).all()
    )
    return {q: found.get(q, "") for q in CURVE_QUESTIONS}


def save_curve_answers(
    session: Session,
    principal: Principal,
    *,
    session_id: int,
    indicator_code: str,
    answers: dict[str, str | None],
) -> int:
    """Store the session's answers about one indicator (an empty answer removes it);
    returns how many answers the session now holds for it. Audited."""
    found = reflection_session(session, principal, session_id)
    get_indicator(session, indicator_code)
    unknown = sorted(set(answers) - set(CURVE_QUESTIONS))
    if unknown:
        raise _invalid("question", unknown[0], f"use one of {', '.join(CURVE_QUESTIONS)}")
    a = ReflectionAnswer
    texts = {q: (t or "").strip() for q, t in answers.items()}
    for question, text in texts.items():
        if len(text) > 4000:
            raise _invalid(question, None, "write at most 4000 characters")
    for question, text in texts.items():
        keys = {"session_id": session_id, "indicator_code": indicator_code, "question": question}
        if text:
            values = {"text": text, "answered_by_id": principal.user_id, "answered_at": utcnow()}
            _upsert(session, ReflectionAnswer, keys, values)
        else:
            session.execute(delete(a).where(*(getattr(a, k) == v for k, v in keys.items())))
    stored = set(
        session.execute(
            select(col(a.question)).where(
                col(a.session_id) == session_id, col(a.indicator_code) == indicator_code
            )
        ).scalars()
    )
    audit.record(
        session, "curve_answers", user_id=principal.user_id, username=principal.username,
        organisation_id=found.organisation_id, target=str(session_id),
        detail={"indicator": indicator_code, "answered": sorted(stored)},
    )  # fmt: skip
    return len(stored)
