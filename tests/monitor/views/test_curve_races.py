"""Two people saving the same goal or the same turn-the-curve answer at once (issue #13,
attack by racing): both saves land, the later value wins, one row remains, no error.

The race is made deterministic: the first save is flushed but not committed (it holds the
row's unique key), the second runs in another thread and session and must wait for it;
then the first commits. A look-then-insert would let the second fail on the unique key."""

from __future__ import annotations

import threading
import time
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from monitor import views
from monitor.policy import principal_for
from schema import ReflectionAnswer, ReflectionSession, Target
from tests.factories import build_world


def _race(engine, first, second) -> list[BaseException]:  # noqa: ANN001
    """Run ``first(session)`` uncommitted, ``second(session)`` in a thread, then commit
    the first; the errors the second raised (none expected)."""
    errors: list[BaseException] = []

    def later() -> None:
        try:
            with Session(engine) as other:
                second(other)
                other.commit()
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    with Session(engine) as one:
        first(one)
        one.flush()
        thread = threading.Thread(target=later)
        thread.start()
        time.sleep(0.5)  # the second is now waiting for the first's key
        one.commit()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the second save never finished"
    return errors


def test_two_goals_saved_at_once_both_land(engine, catalogue):  # noqa: ANN001
    world = build_world(catalogue)
    viewer = world.users["viewer_a"]
    goal = {"organisation_code": "NW-A", "indicator_code": "NW_REF_RATE",
            "target_date": date(2026, 12, 31)}  # fmt: skip

    def save(value: float):  # noqa: ANN202
        return lambda s: views.set_goal(s, principal_for(s, viewer), target_value=value, **goal)

    assert _race(engine, save(40), save(35)) == []
    with Session(engine) as s:
        rows = s.execute(select(Target.target_value).where(Target.indicator_code == "NW_REF_RATE"))
        assert rows.scalars().all() == [35.0]  # one goal, the later value


def test_two_answers_saved_at_once_both_land(engine, catalogue):  # noqa: ANN001
    world = build_world(catalogue)
    viewer = world.users["viewer_a"]
    meeting = ReflectionSession(
        organisation_id=world.orgs["NW-A"].id, held_on=date(2024, 10, 1), title="Najaar"
    )
    catalogue.add(meeting)
    catalogue.commit()

    def answer(text: str):  # noqa: ANN202
        return lambda s: views.save_curve_answers(
            s, principal_for(s, viewer), session_id=meeting.id, indicator_code="NW_REF_RATE",
            answers={"story": text},
        )  # fmt: skip

    assert _race(engine, answer("eerste versie"), answer("tweede versie")) == []
    with Session(engine) as s:
        texts = s.execute(select(ReflectionAnswer.text)).scalars().all()
        assert texts == ["tweede versie"]
        # an emptied answer is removed, not stored empty
        views.save_curve_answers(
            s, principal_for(s, viewer), session_id=meeting.id, indicator_code="NW_REF_RATE",
            answers={"story": "  "},
        )  # fmt: skip
        s.commit()
        assert s.execute(select(func.count()).select_from(ReflectionAnswer)).scalar() == 0
