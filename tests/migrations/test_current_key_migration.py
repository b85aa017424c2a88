"""Migration 20261201_history: a key that held several current rows from before (one per
reporter: the old index allowed it) keeps its latest recorded row current; the others are
marked superseded by it at its recorded time; afterwards the index refuses a second one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from monitor import db
from monitor.catalogue import get_indicator, load_catalogue
from monitor.organisations import OrganisationSpec, add_organisation
from schema import AggregateMeasurement, Submission

NETWORK_SENT = datetime(2023, 8, 14, 9, 0, tzinfo=UTC)
MUNICIPALITY_SENT = datetime(2024, 1, 22, 10, 30, tzinfo=UTC)


def _row(org_id: int, reporter_id: int, indicator_id: int, submission_id: int, value: float,
         at: datetime) -> AggregateMeasurement:  # fmt: skip
    return AggregateMeasurement(
        organisation_id=org_id, indicator_id=indicator_id, reporting_org_id=reporter_id,
        submission_id=submission_id, period_code="2023-H1", period_start=date(2023, 1, 1),
        period_end=date(2023, 6, 30), category="huisarts", value=value,
        source_kind="registered", recorded_at=at,
    )  # fmt: skip


def test_legacy_duplicates_resolved_to_the_latest(engine):
    # back to the revision before this one (the ORM classes hold the columns of all others)
    command.downgrade(db.alembic_config(engine), "0007ijw")
    with Session(engine, expire_on_commit=False) as session:
        load_catalogue(session)
        municipality = add_organisation(
            session, OrganisationSpec("GM0363", "Amsterdam", "municipality")
        )
        network = add_organisation(
            session, OrganisationSpec("NW-OOST", "Netwerk Oost", "network", municipality="GM0363")
        )
        session.flush()
        submission = Submission(organisation_id=network.id, file_name="x.csv", checksum="x",
                                shape="aggregate", status="accepted", channel="cli")  # fmt: skip
        session.add(submission)
        session.flush()
        indicator = get_indicator(session, "NW_REF").id
        # the old index allowed both to be current
        session.add(_row(network.id, network.id, indicator, submission.id, 21.0, NETWORK_SENT))
        session.add(
            _row(network.id, municipality.id, indicator, submission.id, 24.0, MUNICIPALITY_SENT)
        )
        session.commit()
    assert db.upgrade(engine) == db.head_revision()
    with Session(engine) as session:
        old, new = session.exec(select(AggregateMeasurement).order_by(AggregateMeasurement.id))
        assert (old.value, old.superseded_by_id) == (21.0, new.id)
        assert old.superseded_at.replace(tzinfo=UTC) == MUNICIPALITY_SENT
        assert (new.value, new.superseded_at) == (24.0, None)
        session.add(_row(network.id, network.id, indicator, submission.id, 22.0, NETWORK_SENT))
        with pytest.raises(IntegrityError):
            session.commit()
