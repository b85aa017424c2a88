"""Issue #13: a municipality's re-send of a network figure (NW_REF 21 -> 24, referrer
"huisarts") supersedes the network's row and is listed under the corrections with who and
when, and the current-row index allows only one current figure per key, whoever sent it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from monitor import views
from monitor.ingest import ingest_file
from monitor.organisations import get_organisation
from monitor.policy import Principal
from schema import AggregateMeasurement
from schema.base import recorded_at
from tests.monitor.ingest.helpers import write_aggregate

ADMIN = Principal(user_id=None, username="test", roles=frozenset({("admin", None)}))
ROW = {"organisation": "NW-OOST", "indicator": "NW_REF", "period": "2023-H1"}
SENT = datetime(2023, 8, 14, 9, 0, tzinfo=UTC)
FIXED = datetime(2024, 1, 22, 10, 30, tzinfo=UTC)


def test_municipality_corrects_network_referrals(orgs, tmp_path, exact_figures):
    rows = [
        {**ROW, "value": "21", "category": "huisarts"},
        {**ROW, "value": "30", "category": "jeugdarts"},
    ]
    with recorded_at(SENT):
        first = ingest_file(
            orgs, write_aggregate(tmp_path / "nw.csv", rows), organisation_code="NW-OOST"
        )
    assert (first.status, first.rows_accepted) == ("accepted", 2)
    fix = [{**ROW, "value": "24", "category": "huisarts"}]
    with recorded_at(FIXED):
        report = ingest_file(
            orgs, write_aggregate(tmp_path / "gm.csv", fix), organisation_code="GM0363"
        )
    assert (report.status, report.rows_superseded, report.rows_accepted) == ("accepted", 1, 1)

    orgs.expire_all()
    stored = orgs.exec(
        select(AggregateMeasurement).where(AggregateMeasurement.category == "huisarts")
        .order_by(AggregateMeasurement.id)
    ).all()  # fmt: skip
    old, new = stored
    municipality = get_organisation(orgs, "GM0363")
    assert (old.value, old.superseded_by_id) == (21.0, new.id)
    assert old.superseded_at.replace(tzinfo=UTC) == FIXED
    assert (new.value, new.reporting_org_id, new.superseded_at) == (24.0, municipality.id, None)

    found = views.corrections(
        orgs, ADMIN, organisation_codes=["NW-OOST"], since=datetime(2023, 10, 1, tzinfo=UTC)
    )
    assert found.select(
        "indicator_code", "category", "old_value", "new_value", "corrected_by", "corrected_at"
    ).rows() == [("NW_REF", "huisarts", 21.0, 24.0, "GM0363", FIXED.replace(tzinfo=None))]
    # the figure as it was known on 1 October 2023 is still 21, now it is 24
    then = views.corrections(
        orgs, ADMIN, organisation_codes=["NW-OOST"], since=datetime(2024, 2, 1, tzinfo=UTC)
    )
    assert then.is_empty()


def test_one_current_figure_per_key_whoever_sent_it(orgs, tmp_path):
    """The database itself refuses a second current row of the same figure from another
    reporter (the index used to include the reporter)."""
    first = write_aggregate(tmp_path / "nw.csv", [{**ROW, "value": "21", "category": "huisarts"}])
    assert ingest_file(orgs, first, organisation_code="NW-OOST").status == "accepted"
    [row] = orgs.exec(select(AggregateMeasurement)).all()
    municipality = get_organisation(orgs, "GM0363")
    orgs.add(
        AggregateMeasurement(
            **row.model_dump(exclude={"id", "reporting_org_id", "value"}),
            reporting_org_id=municipality.id,
            value=24.0,
        )
    )
    with pytest.raises(IntegrityError):
        orgs.commit()
    orgs.rollback()
