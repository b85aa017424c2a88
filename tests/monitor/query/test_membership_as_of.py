"""A network's figures "as of" a moment count the members known then (issue: a school's
membership entered later, with a start in the past, changed what a reflection session
had been shown). The counts come from :mod:`tests.factories`: 30 children at school 11AA
(member of NW-A since the seed) and 5 at school 22BB (of NW-B; here joined to NW-A
afterwards, backdated to 2020)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from monitor import organisations as orgs
from monitor.policy import system_principal
from monitor.query import case_rollup
from monitor.query.cases import network_pupils
from schema import NetworkMembership
from tests.factories import build_world, later


@pytest.fixture
def world(catalogue):  # noqa: ANN001, ANN201
    built = build_world(catalogue)
    # entered now (the real clock), long after the seed figures were recorded
    orgs.add_membership(catalogue, network="NW-A", member="22BB", valid_from=date(2020, 1, 1))
    catalogue.commit()
    return built


def _children(session, as_of) -> int:  # noqa: ANN001
    rollup = case_rollup(
        session,
        system_principal(),
        indicator_code="CH_ABS",
        organisation_code="NW-A",
        period_type="half_year",
        as_of=as_of,
    )
    return int(rollup["n_children"].sum())


def _pupils(session, as_of) -> int:  # noqa: ANN001
    network = orgs.get_organisation(session, "NW-A")
    statement = network_pupils(session, network, date(2023, 1, 1), date(2023, 6, 30), as_of)
    return len(session.execute(statement).all())


@pytest.mark.usefixtures("exact_figures")
def test_network_figures_as_of_count_the_members_known_then(catalogue, world):  # noqa: ANN001
    then = later(world.recorded_at, 30)  # after the seed, before the new membership
    assert _children(catalogue, then) == 30
    assert _children(catalogue, None) == 30 + 5
    assert _pupils(catalogue, then) == 30
    assert _pupils(catalogue, None) == 30 + 5


@pytest.mark.usefixtures("exact_figures")
def test_a_membership_counts_from_when_it_was_entered(catalogue, world):  # noqa: ANN001
    entered = max(m.recorded_at for m in catalogue.exec(select(NetworkMembership)).all())
    assert _children(catalogue, later(entered, 1)) == 30 + 5
    assert _pupils(catalogue, later(entered, 1)) == 30 + 5
