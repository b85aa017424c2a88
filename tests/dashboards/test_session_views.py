"""The session view's figures (issue #13), against the dashboard world's hand values:
then/now with the difference and the corrections behind each row, through the figure
engine; a withheld cell stays withheld then, now and in the difference; goals validated."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor import views
from monitor.errors import ValidationFailed
from monitor.policy import principal_for
from tests.dashboards.world import CORRECTED_AT, REACH_AFTER, REACH_BEFORE, SIGNALS_A
from tests.factories import correct_value

pytestmark = pytest.mark.usefixtures("exact_figures")


def _row(frame, indicator: str, period: str) -> dict:  # noqa: ANN001
    [row] = frame.filter(
        (frame["indicator_code"] == indicator) & (frame["period_code"] == period)
    ).to_dicts()
    return row


def test_then_now_difference_and_corrections(world, catalogue):  # noqa: ANN001
    who = principal_for(catalogue, world.users["viewer_a"])
    view = views.reflection_view(catalogue, who, session_id=world.reflection_session_id)
    reach = _row(view.then_now, "NW_CHILDREN", "2023-H2")
    assert (reach["value_then"], reach["value_now"]) == (REACH_BEFORE, REACH_AFTER)
    assert reach["difference"] == 90  # 1100 - 1010, by hand
    [fix] = reach["corrections"]
    assert (fix["old_value"], fix["new_value"], fix["corrected_by"]) == (1010, 1100, "NW-A")
    assert fix["corrected_at"] == CORRECTED_AT.replace(tzinfo=None)
    # the rate built on the reach lists the same correction (its denominator)
    rate = _row(view.then_now, "NW_REF_RATE", "2023-H2")
    assert [c["indicator_code"] for c in rate["corrections"]] == ["NW_CHILDREN"]
    # withheld then and now (7 < 10): no value, no difference
    signal = _row(view.then_now, "NW_SIGNAL", "2023-H2")
    assert SIGNALS_A["2023-H2"] < 10
    assert signal["suppressed_then"] and signal["suppressed_now"]
    assert (signal["value_then"], signal["value_now"], signal["difference"]) == (None, None, None)


def test_a_withheld_figure_corrected_above_the_threshold_shows_no_difference(world, catalogue):  # noqa: ANN001
    """7 (withheld) corrected to 15 after the session: now 15, then "< 10", and the
    difference stays empty (15 - difference would give the withheld 7 away)."""
    correct_value(
        catalogue, org="NW-A", indicator="NW_SIGNAL", period="2023-H2", category="",
        value=15, at=datetime(2024, 3, 5, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    catalogue.commit()
    who = principal_for(catalogue, world.users["viewer_a"])
    view = views.reflection_view(catalogue, who, session_id=world.reflection_session_id)
    signal = _row(view.then_now, "NW_SIGNAL", "2023-H2")
    assert (signal["suppressed_then"], signal["value_then"]) == (True, None)
    assert (signal["suppressed_now"], signal["value_now"]) == (False, 15)
    assert signal["difference"] is None and signal["changed"]
    [fix] = signal["corrections"]
    assert (fix["old_suppressed"], fix["old_value"], fix["new_value"]) == (True, None, 15)


def test_goals_are_validated_and_kept_one_per_date(world, catalogue):  # noqa: ANN001
    who = principal_for(catalogue, world.users["viewer_a"])
    goal = dict(
        organisation_code="NW-A", indicator_code="NW_REF_RATE", target_date=date(2025, 12, 31)
    )
    views.set_goal(catalogue, who, target_value=40, **goal)
    views.set_goal(catalogue, who, target_value=35, **goal)  # changed, not a second goal
    goals = views.network_goals(catalogue, who, organisation_code="NW-A")
    assert goals.select("indicator_code", "target_value", "target_date").rows() == [
        ("NW_REF_RATE", 35.0, date(2025, 12, 31))
    ]
    with pytest.raises(ValidationFailed, match="outside"):
        views.set_goal(catalogue, who, target_value=-1, **goal)
    with pytest.raises(ValidationFailed, match="not an indicator of this organisation"):
        views.set_goal(catalogue, who, organisation_code="NW-A", indicator_code="MU_REF_RATE",
                       target_value=30, target_date=date(2025, 12, 31))  # fmt: skip
    with pytest.raises(ValidationFailed, match="date"):
        views.set_goal(catalogue, who, organisation_code="NW-A", indicator_code="NW_REF_RATE",
                       target_value=30, target_date=None)  # fmt: skip
