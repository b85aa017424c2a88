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


def test_a_count_written_with_a_comma_is_refused_and_replaces_nothing(
    client, api_world, engine
) -> None:  # noqa: ANN001
    """ "1,000" was read as a decimal comma, 1.0, and superseded NW-A's stored 1000 children
    (tests.factories) as a count of 1; it is refused now, in Dutch, and the 1000 stays."""
    from sqlmodel import Session, select

    from schema import AggregateMeasurement, Indicator

    def current() -> list[float]:
        with Session(engine) as session:
            return list(
                session.exec(
                    select(AggregateMeasurement.value)
                    .join(Indicator, Indicator.id == AggregateMeasurement.indicator_id)
                    .where(
                        Indicator.code == "NW_CHILDREN",
                        AggregateMeasurement.period_code == "2023-H1",
                        AggregateMeasurement.superseded_at.is_(None),
                    )
                ).all()
            )

    before = current()
    assert 1000 in before
    row = {"organisation": "NW-A", "indicator": "NW_CHILDREN", "period": "2023-H1"}
    headers = api_world.headers("officer_ams") | {"Accept-Language": "nl"}
    for written in ("1,000", "2,405"):
        body = {"organisation": "NW-A", "rows": [row | {"value": written}]}
        answer = client.post("/api/submissions/rows", json=body, headers=headers)
        assert answer.status_code == 422, answer.text
        assert _reasons(answer) == [
            f"onduidelijk: bedoelde u {written.replace(',', '')}? Schrijf een aantal zonder "
            "komma (een komma leest als decimaalteken)"
        ]
    assert current() == before
    # a decimal comma is still a decimal comma where a value may have decimals
    rate = {"organisation": "NW-A", "indicator": "PR_CSAT", "period": "2024-H1", "value": "3,8"}
    answer = client.post(
        "/api/submissions/rows", json={"organisation": "NW-A", "rows": [rate]}, headers=headers
    )
    assert answer.status_code in (200, 201), answer.text
