"""Organisations: codes validated, CSV imports all-or-nothing with every bad row named."""

from __future__ import annotations

from datetime import date

import pytest

from monitor import organisations as orgs
from monitor.errors import ConflictError, ValidationFailed


def _csv(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


ORGS = """code,name,kind,municipality,brin,subtype
GM0363,Amsterdam,municipality,,,
GM0599,Rotterdam,municipality,,,
NW-OOST,Netwerk Oost,network,GM0363,,wijkteam
12AB,Basisschool De Linde,school,GM0363,12AB,
JH-01,Jeugdhulp Noord,youth_care_provider,GM0363,,
"""


def test_import_and_list(session, tmp_path):
    assert orgs.import_organisations(session, _csv(tmp_path, "orgs.csv", ORGS)) == 5
    session.commit()
    school = orgs.get_organisation(session, "12AB")
    assert school.brin == "12AB"
    assert school.municipality_id == orgs.get_organisation(session, "GM0363").id
    assert orgs.get_organisation(session, "GM0599").cbs_code == "GM0599"
    assert [o.code for o in orgs.list_organisations(session, "municipality")] == [
        "GM0363",
        "GM0599",
    ]


def test_bad_rows_are_all_reported_and_nothing_is_stored(session, tmp_path):
    text = (
        ORGS + "GM12,Short,municipality,,,\nX9,Thing,planet,,,\n99ZZ,School zonder BRIN,school,,,\n"
    )
    text += "GM0363,Amsterdam again,municipality,,,\n"
    with pytest.raises(ValidationFailed) as info:
        orgs.import_organisations(session, _csv(tmp_path, "orgs.csv", text))
    problems = {(p.row, p.column) for p in info.value.problems}
    assert {(7, "code"), (8, "kind"), (9, "brin"), (10, "code")} <= problems
    session.rollback()
    assert orgs.list_organisations(session) == []


def test_duplicate_cbs_code_is_a_conflict(session):
    orgs.add_organisation(session, orgs.OrganisationSpec("GM0363", "Amsterdam", "municipality"))
    with pytest.raises(ConflictError, match="GM0363"):
        orgs.add_organisation(session, orgs.OrganisationSpec("GM0363", "Dubbel", "municipality"))


def test_memberships_over_time(session, tmp_path):
    orgs.import_organisations(session, _csv(tmp_path, "orgs.csv", ORGS))
    members = (
        "network,member,from,to\nNW-OOST,12AB,2020-01-01,\nNW-OOST,JH-01,2021-01-01,2023-01-01\n"
    )
    assert orgs.import_memberships(session, _csv(tmp_path, "m.csv", members)) == 2
    assert [o.code for o in orgs.members_of(session, "NW-OOST", date(2020, 6, 1))] == ["12AB"]
    assert [o.code for o in orgs.members_of(session, "NW-OOST", date(2022, 6, 1))] == [
        "12AB",
        "JH-01",
    ]
    assert [o.code for o in orgs.members_of(session, "NW-OOST", date(2023, 6, 1))] == ["12AB"]


def test_membership_errors(session, tmp_path):
    orgs.import_organisations(session, _csv(tmp_path, "orgs.csv", ORGS))
    bad = "network,member,from,to\n12AB,JH-01,2020-01-01,\nNW-OOST,NOPE,2020-13-01,\n"
    bad += "NW-OOST,JH-01,2022-01-01,2021-01-01\n"
    with pytest.raises(ValidationFailed) as info:
        orgs.import_memberships(session, _csv(tmp_path, "m.csv", bad))
    reasons = {(p.row, p.column): p.reason for p in info.value.problems}
    assert "not a network" in reasons[(2, "network")]
    assert reasons[(3, "member")] == "unknown organisation"
    assert "not a date" in reasons[(3, "from")]
    assert "after" in reasons[(4, "to")]


def test_events(session, tmp_path):
    orgs.import_organisations(session, _csv(tmp_path, "orgs.csv", ORGS))
    events = "organisation,date,kind,title\nNW-OOST,2022-09-01,programme_start,Start PACT-team\n"
    assert orgs.import_events(session, _csv(tmp_path, "e.csv", events)) == 1
    assert orgs.list_events(session, "NW-OOST")[0].event_date == date(2022, 9, 1)


def test_missing_column(session, tmp_path):
    with pytest.raises(ValidationFailed, match="kind"):
        orgs.import_organisations(session, _csv(tmp_path, "o.csv", "code,name\nA1,B\n"))
