"""Attacks: a dry run as an oracle on what *another* partner sent for an organisation.
Several partners may send as one organisation (a network's member schools and its
municipality send as the network), so "what you sent before" is the sender's own, never
the organisation's: rule warnings and "identical to submission N" must not answer about
figures someone else sent, least of all a withheld one.

World (:mod:`tests.factories`): NW-A 2023-H1 NW_REF huisarts 30, jeugdarts 4 (withheld),
gemeentelijke_toegang 12, NW_CHILDREN 1000, all sent in the seed submission (no user).
school_a (partner_entry of 11AA, a member of NW-A) and officer_ams (GM0363) may send as
NW-A."""

from __future__ import annotations

import pytest

from monitor import auth, views
from monitor.policy import principal_for
from monitor.query import aggregate_series
from tests.factories import build_world

WITHHELD_JEUGDARTS = 4


def _dry_run(client, headers, children: int) -> dict:  # noqa: ANN001
    """NW_REF huisarts 0 and gemeentelijke_toegang 0 with NW_CHILDREN ``children``: with
    the stored jeugdarts 4 the referrals (0 + 0 + 4) exceed the children iff 4 > k."""
    rows = [
        {"organisation": "NW-A", "indicator": "NW_REF", "period": "2023-H1",
         "category": "huisarts", "value": "0"},
        {"organisation": "NW-A", "indicator": "NW_REF", "period": "2023-H1",
         "category": "gemeentelijke_toegang", "value": "0"},
        {"organisation": "NW-A", "indicator": "NW_CHILDREN", "period": "2023-H1",
         "value": str(children)},
    ]  # fmt: skip
    body = {"organisation": "NW-A", "rows": rows, "dry_run": True}
    answer = client.post("/api/submissions/rows", json=body, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _rule_warned(answer: dict) -> bool:
    return any("NW_REF" in (w.get("reason") or "") for w in answer.get("warnings", []))


@pytest.mark.parametrize("username", ["school_a", "officer_ams"])
def test_rule_warnings_do_not_pin_another_senders_withheld_figure(api_world, client, username):  # noqa: ANN001
    headers = api_world.headers(username)
    warned = {k for k in range(10) if _rule_warned(_dry_run(client, headers, k))}
    # with the stored 4 counted in, exactly k = 0..3 would warn
    assert warned == set(), f"{username} was warned for k in {sorted(warned)}"


def test_rule_warnings_still_check_the_senders_own_figures(api_world, client):  # noqa: ANN001
    headers = api_world.headers("school_a")
    own = {"organisation": "NW-A", "indicator": "NW_REF", "period": "2023-H1",
           "category": "jeugdarts", "value": "7"}  # fmt: skip
    stored = client.post(
        "/api/submissions/rows", json={"organisation": "NW-A", "rows": [own]}, headers=headers
    )
    assert stored.status_code in (200, 201), stored.text
    # its own 7 (with the 0 + 0 of this batch) exceeds 5 children, not 7
    assert _rule_warned(_dry_run(client, headers, 5))
    assert not _rule_warned(_dry_run(client, headers, 7))


def _form(session, principal, value: int, *, dry_run: bool):  # noqa: ANN001, ANN202
    return views.submit_aggregate(
        session, principal, reporting_organisation_code="NW-A",
        about_organisation_code="NW-A", indicator_code="NW_REF", period="2024-H1",
        value=str(value), category="jeugdarts", dry_run=dry_run,
    )  # fmt: skip


@pytest.fixture
def two_members(catalogue):  # noqa: ANN001, ANN201
    """The world, and a partner_entry user of JH-A (a member of NW-A) who typed NW_REF
    2024-H1 jeugdarts 4 for NW-A in the form."""
    world = build_world(catalogue)
    user = auth.create_user(catalogue, username="jeugdhulp_a", password="x" * 20)
    auth.grant_role(catalogue, user, "partner_entry", "JH-A")
    catalogue.commit()
    world.users["jeugdhulp_a"] = user
    sent = _form(catalogue, principal_for(catalogue, user), WITHHELD_JEUGDARTS, dry_run=False)
    assert sent.status == "accepted"
    return world


def test_identical_to_submission_answers_only_about_the_senders_own(catalogue, two_members):  # noqa: ANN001
    attacker = principal_for(catalogue, two_members.users["school_a"])
    published = aggregate_series(
        catalogue, attacker, indicator_code="NW_REF", organisation_codes=["NW-A"]
    ).filter(period_code="2024-H1", category="jeugdarts")
    assert published["suppressed"].to_list() == [True]  # withheld to the attacker
    answers = {v: _form(catalogue, attacker, v, dry_run=True).status for v in range(1, 10)}
    assert "duplicate" not in answers.values(), answers
    # the sender's own resend is still recognised
    victim = principal_for(catalogue, two_members.users["jeugdhulp_a"])
    again = _form(catalogue, victim, WITHHELD_JEUGDARTS, dry_run=True)
    assert again.status == "duplicate", again.message
