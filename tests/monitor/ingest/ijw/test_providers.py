"""Linking an AGB code to a youth-care provider organisation, again and elsewhere."""

import pytest

from monitor.errors import ConflictError
from monitor.ingest.ijw import link_provider
from tests.monitor.ingest.ijw.conftest import AGB_1


def test_linking_again_returns_the_existing_link(ijw):
    # the ijw fixture linked AGB_1 to JH-01 already; a second link is the same row
    link = link_provider(ijw, AGB_1, "JH-01")
    assert (link.agb_code, link.organisation_id) == (AGB_1, ijw_org_id(ijw, "JH-01"))


def test_linking_to_another_organisation_is_refused(ijw):
    with pytest.raises(ConflictError, match="al gekoppeld"):
        link_provider(ijw, AGB_1, "JH-02")


def ijw_org_id(session, code: str) -> int:
    from monitor.organisations import get_organisation

    return get_organisation(session, code).id
