"""Fixtures of the iJw tests: the ingest organisations plus two linked providers, and a
folder to write messages into."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from monitor.ingest.ijw import link_provider
from monitor.organisations import OrganisationSpec, add_membership, add_organisation

#: AGB codes of the test providers (made up).
AGB_1, AGB_2 = "98000001", "98000002"


@pytest.fixture
def ijw(orgs: Session) -> Session:
    """``orgs`` plus JH-02 (GM0363, member of NW-OOST since 2020); AGB_1 -> JH-01,
    AGB_2 -> JH-02."""
    add_organisation(
        orgs,
        OrganisationSpec("JH-02", "Jeugdhulp Twee", "youth_care_provider", municipality="GM0363"),
    )
    add_membership(orgs, network="NW-OOST", member="JH-02", valid_from=date(2020, 1, 1))
    orgs.commit()
    link_provider(orgs, AGB_1, "JH-01")
    link_provider(orgs, AGB_2, "JH-02")
    return orgs


@pytest.fixture
def inbox(tmp_path: Path):
    """write(name, xml) -> path of the written message in a fresh folder."""
    folder = tmp_path / "berichten"
    folder.mkdir()

    def write(name: str, xml: str) -> Path:
        path = folder / name
        path.write_text(xml, encoding="utf-8")
        return path

    write.folder = folder  # type: ignore[attr-defined]
    return write
