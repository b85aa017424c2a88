"""The PostgreSQL rollup aggregate_cell (the figure that counts now per series, kept by
triggers) always equals a full recomputation, after ingests, corrections, a second
reporter, a sent total and a deletion; and pooled figures read from it equal the ones
ranked from aggregate_measurement itself. On SQLite there is no rollup to keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session

from monitor.catalogue import get_indicator
from monitor.ingest import ingest_file
from monitor.organisations import get_organisation
from monitor.query import pooled_aggregates
from tests.monitor.ingest.helpers import write_aggregate

CELLS = "SELECT * FROM aggregate_cell ORDER BY 1, 2, 3, 4, 5"
EVERYTHING = (
    "SELECT aggregate_cell_refresh(ARRAY(SELECT id FROM organisation), "
    "ARRAY(SELECT DISTINCT code FROM indicator))"
)


def _send(session: Session, tmp_path, name: str, rows: list[dict], org: str = "NW-OOST"):  # noqa: ANN001, ANN202
    report = ingest_file(session, write_aggregate(tmp_path / name, rows), organisation_code=org)
    assert report.status == "accepted", [p.reason for p in report.problems]
    return report


def _history(session: Session, tmp_path) -> None:  # noqa: ANN001
    base = {"organisation": "NW-OOST", "indicator": "NW_REF", "period": "2024-H1"}
    _send(session, tmp_path, "a.csv", [
        {**base, "category": "huisarts", "value": "40"},
        {**base, "category": "jeugdarts", "value": "12"},
        {**base, "period": "2023-H2", "category": "huisarts", "value": "31"},
        {"organisation": "NW-OOST", "indicator": "NW_CHILDREN", "period": "2024-H1",
         "value": "900"},
        {"organisation": "NW-OOST", "indicator": "NW_CHILDREN", "period": "2023-H2",
         "value": "880"},
    ])  # fmt: skip
    # a correction of one category, and a sent total for the older period
    _send(session, tmp_path, "b.csv", [
        {**base, "category": "huisarts", "value": "44"},
        {**base, "period": "2023-H2", "value": "35"},
    ])  # fmt: skip
    # the municipality reports the same network figure: the latest recorded one counts
    _send(session, tmp_path, "c.csv", [{**base, "category": "jeugdarts", "value": "13"}],
          org="GM0363")  # fmt: skip
    _send(session, tmp_path, "d.csv", [
        {"organisation": "NW-WEST", "indicator": "NW_REF", "period": "2024-H1",
         "category": "huisarts", "value": "25"},
        {"organisation": "NW-WEST", "indicator": "NW_CHILDREN", "period": "2024-H1",
         "value": "700"},
    ], org="NW-WEST")  # fmt: skip


def test_rollup_equals_a_full_recomputation(orgs, tmp_path):
    session = orgs
    if session.bind.dialect.name != "postgresql":
        assert "aggregate_cell" not in inspect(session.bind).get_table_names()
        return
    _history(session, tmp_path)
    kept = session.execute(text(CELLS)).all()
    # derived totals where only categories were sent; none where a total was sent
    derived = {(r.indicator_code, r.period_code) for r in kept if r.derived}
    assert ("NW_REF", "2024-H1") in derived and ("NW_REF", "2023-H2") not in derived
    latest = [r for r in kept if r.category == "jeugdarts" and r.period_code == "2024-H1"]
    assert [r.value for r in latest] == [13.0]
    # an administrator deletes a row: the rollup follows
    session.execute(
        text(
            "DELETE FROM aggregate_measurement WHERE category = 'huisarts' "
            "AND period_code = '2023-H2'"
        )
    )
    session.commit()
    kept = session.execute(text(CELLS)).all()
    assert not [r for r in kept if r.category == "huisarts" and r.period_code == "2023-H2"]
    session.execute(text(EVERYTHING))
    assert session.execute(text(CELLS)).all() == kept
    session.rollback()


@pytest.mark.parametrize("code", ["NW_REF_RATE", "NW_REF", "NW_CHILDREN"])
@pytest.mark.parametrize("category", ["", "huisarts", None])
def test_pooled_figures_from_the_rollup_equal_the_ranked_rows(orgs, tmp_path, code, category):
    session = orgs
    _history(session, tmp_path)
    groups = {
        "one": [get_organisation(session, "NW-OOST").id],
        "both": [get_organisation(session, c).id for c in ("NW-OOST", "NW-WEST")],
    }
    indicator = get_indicator(session, code)
    now = pooled_aggregates(session, indicator=indicator, groups=groups, category=category)
    # an as-of moment after everything reads aggregate_measurement, not the rollup
    later = datetime.now(UTC) + timedelta(days=1)
    ranked = pooled_aggregates(
        session, indicator=indicator, groups=groups, category=category, as_of=later
    )
    has_categories = code != "NW_CHILDREN"
    assert now.height > 0 or (category == "huisarts" and not has_categories)
    assert now.to_dicts() == ranked.to_dicts()
