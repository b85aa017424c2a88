"""The API's Dutch mode: ``Accept-Language: nl`` or ``?lang=nl`` gives Dutch reasons and
details; without it the answers stay English (codes never change)."""

from __future__ import annotations

BAD = {
    "organisation": "GM0363",
    "rows": [
        {"organisation": "GM0363", "indicator": "MU_YOUTH", "period": "2024-H1",
         "value": "2.405"},
        {"organisation": "GM0363", "indicator": "NOPE", "period": "2024-H1", "value": 1},
    ],
}  # fmt: skip


def _reasons(answer) -> list[str]:  # noqa: ANN001
    return sorted(p["reason"] for p in answer.json()["problems"])


def test_rejected_rows_in_dutch_with_the_header(client, api_world) -> None:  # noqa: ANN001
    headers = api_world.headers("officer_ams") | {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}
    answer = client.post("/api/submissions/rows", json=BAD, headers=headers)
    assert answer.status_code == 422, answer.text
    reasons = _reasons(answer)
    assert reasons[0] == (
        "geen heel getal: bedoelde u 2405? Schrijf getallen zonder punt als duizendtalscheiding"
    )
    assert reasons[1].startswith("onbekende indicatorcode; de indicatoren staan op het tabblad")
    assert {p["severity"] for p in answer.json()["problems"]} == {"error"}  # a code


def test_lang_parameter_wins_and_english_stays_the_default(client, api_world) -> None:  # noqa: ANN001
    headers = api_world.headers("officer_ams")
    english = client.post("/api/submissions/rows", json=BAD, headers=headers)
    assert _reasons(english)[0].startswith("not a whole number: did you mean 2405?")
    dutch = client.post(
        "/api/submissions/rows?lang=nl", json=BAD, headers=headers | {"Accept-Language": "en"}
    )
    assert _reasons(dutch)[0].startswith("geen heel getal")


def test_access_error_detail_in_dutch(client, api_world) -> None:  # noqa: ANN001
    headers = api_world.headers("viewer_a") | {"Accept-Language": "nl"}
    answer = client.post("/api/submissions/rows", json=BAD, headers=headers)
    assert answer.status_code == 403
    assert " mag " in answer.json()["detail"], answer.json()
