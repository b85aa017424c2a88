"""Issue #12, item 7: a municipality officer's scope is what lies in the municipality and its
own networks, not every member of those networks (a regional network's schools elsewhere)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from monitor.policy import Action, principal_for
from schema import AggregateMeasurement, Indicator, NetworkMembership, Organisation
from tests.factories import USERS


def _nw_children(engine, network: str) -> list[float]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AggregateMeasurement.value)
                .join(Organisation, Organisation.id == AggregateMeasurement.organisation_id)
                .join(Indicator, Indicator.id == AggregateMeasurement.indicator_id)
                .where(
                    Organisation.code == network,
                    Indicator.code == "NW_CHILDREN",
                    AggregateMeasurement.superseded_at.is_(None),
                )
            ).all()
        )


def _regional(api_world, session: Session) -> None:
    """NW-A (Amsterdam) becomes regional: Rotterdam's school 22BB (also in NW-B) joins it."""
    orgs = api_world.world.orgs
    session.add(
        NetworkMembership(
            network_id=orgs["NW-A"].id, member_id=orgs["22BB"].id, valid_from=date(2020, 1, 1)
        )
    )
    session.commit()


def test_officer_cannot_write_another_municipalitys_network_figure(
    client, api_world, catalogue, engine
):
    _regional(api_world, catalogue)
    before = _nw_children(engine, "NW-B")
    rows = [{"organisation": "NW-B", "indicator": "NW_CHILDREN", "period": "2023-H1", "value": 1}]
    response = client.post(
        "/api/submissions/rows",
        json={"organisation": "22BB", "rows": rows, "shape": "aggregate"},
        headers=api_world.headers("officer_ams"),
    )
    assert response.status_code == 403, response.text
    assert _nw_children(engine, "NW-B") == before == [800]
    # nor by naming the other municipality's network itself
    response = client.post(
        "/api/submissions/rows",
        json={"organisation": "NW-B", "rows": rows, "shape": "aggregate"},
        headers=api_world.headers("officer_ams"),
    )
    assert response.status_code == 403, response.text
    assert _nw_children(engine, "NW-B") == [800]


def test_officer_scope_is_the_municipality_and_its_own_networks(api_world, catalogue):
    _regional(api_world, catalogue)
    orgs = api_world.world.orgs
    officer = principal_for(catalogue, api_world.world.users["officer_ams"])
    own = {orgs[c].id for c in ("GM0363", "NW-A", "11AA", "JH-A")}
    assert officer.submit_org_ids == own
    assert officer.view_org_ids == own
    assert not officer.allows(Action.VIEW, orgs["22BB"].id)
    # the school still submits for itself and about both of its networks
    school_b = principal_for(catalogue, api_world.world.users["school_b"])
    assert {orgs["22BB"].id, orgs["NW-A"].id, orgs["NW-B"].id} <= school_b.submit_org_ids
    assert USERS["officer_ams"] == ("municipality_officer", "GM0363")


def test_researcher_of_a_municipality_sees_no_members_elsewhere(api_world, catalogue):
    _regional(api_world, catalogue)
    orgs = api_world.world.orgs
    researcher = principal_for(catalogue, api_world.world.users["researcher_ams"])
    assert orgs["22BB"].id not in researcher.view_org_ids
    assert orgs["22BB"].id not in researcher.extract_org_ids


def test_former_member_no_longer_submits_as_the_network(api_world, catalogue):
    """A partner whose membership ended may still report figures about the periods it was a
    member (as itself), but no longer speaks as the network."""
    orgs = api_world.world.orgs
    membership = catalogue.exec(
        select(NetworkMembership).where(
            NetworkMembership.network_id == orgs["NW-A"].id,
            NetworkMembership.member_id == orgs["11AA"].id,
        )
    ).one()
    membership.valid_to = date(2022, 1, 1)
    catalogue.add(membership)
    catalogue.commit()
    school = principal_for(catalogue, api_world.world.users["school_a"])
    assert not school.allows(Action.SUBMIT, orgs["NW-A"].id)
    assert school.allows(Action.SUBMIT, orgs["11AA"].id)
    assert school.allows(Action.VIEW, orgs["NW-A"].id)
