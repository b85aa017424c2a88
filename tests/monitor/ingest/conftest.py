"""Fixtures of the ingest tests: the catalogue plus a small set of organisations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from monitor.organisations import OrganisationSpec, add_membership, add_organisation


@pytest.fixture
def orgs(catalogue: Session) -> Session:
    """Municipalities GM0363 and GM0599; networks NW-OOST (GM0363) and NW-WEST (GM0599);
    school SCH-01 member of NW-OOST since 2020 (and of NW-WEST only in 2021); youth-care
    provider JH-01 member of nothing."""
    session = catalogue
    for spec in (
        OrganisationSpec("GM0363", "Amsterdam", "municipality"),
        OrganisationSpec("GM0599", "Rotterdam", "municipality"),
        OrganisationSpec("NW-OOST", "Netwerk Oost", "network", municipality="GM0363"),
        OrganisationSpec("NW-WEST", "Netwerk West", "samenwerkingsverband", municipality="GM0599"),
        OrganisationSpec("SCH-01", "School Een", "school", municipality="GM0363", brin="12AB"),
        OrganisationSpec("JH-01", "Jeugdhulp Een", "youth_care_provider", municipality="GM0363"),
    ):
        add_organisation(session, spec)
    add_membership(session, network="NW-OOST", member="SCH-01", valid_from=date(2020, 1, 1))
    add_membership(
        session,
        network="NW-WEST",
        member="SCH-01",
        valid_from=date(2021, 1, 1),
        valid_to=date(2022, 1, 1),
    )
    session.commit()
    return session
