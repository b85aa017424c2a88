"""Series, rollups and events through the API: access, disclosure and as-of."""

from __future__ import annotations

from sqlmodel import Session

from tests.factories import correct_value, later


def test_series_are_suppressed_and_scoped(client, api_world, exact_figures):
    response = client.get(
        "/api/series/NW_REF", params={"organisation": "NW-A"}, headers=api_world.headers("viewer_a")
    )
    assert response.status_code == 200
    rows = {(r["period_code"], r["category"]): r for r in response.json()["rows"]}
    assert rows["2023-H1", "huisarts"]["value"] == 30
    assert rows["2023-H1", "jeugdarts"]["value"] is None
    assert rows["2023-H1", "jeugdarts"]["suppressed"] is True
    everything = client.get("/api/series/NW_REF", headers=api_world.headers("viewer_a"))
    assert {r["organisation_code"] for r in everything.json()["rows"]} == {"NW-A"}
    other = client.get(
        "/api/series/NW_REF", params={"organisation": "NW-B"}, headers=api_world.headers("viewer_a")
    )
    assert other.status_code == 403 and "NW-B" in other.json()["detail"]


def test_as_of_reproduces_earlier_figures(client, api_world, engine, exact_figures):
    world = api_world.world
    with Session(engine) as session:
        correct_value(
            session,
            org="NW-A",
            indicator="NW_CHILDREN",
            period="2023-H1",
            category="",
            value=1100,
            at=later(world.recorded_at, 30),
        )
    headers = api_world.headers("viewer_a")
    params = {"organisation": "NW-A", "period_to": "2023-06-30"}
    now = client.get("/api/series/NW_CHILDREN", params=params, headers=headers).json()
    then = client.get(
        "/api/series/NW_CHILDREN",
        params={**params, "as_of": later(world.recorded_at, 1).isoformat()},
        headers=headers,
    ).json()
    assert [r["value"] for r in now["rows"]] == [1100]
    assert [r["value"] for r in then["rows"]] == [1000]
    assert then["as_of"] is not None


def test_rollups_never_show_small_groups(client, api_world):
    headers = api_world.headers("officer_rdam")
    response = client.get("/api/rollups/CH_ABS", params={"organisation": "GM0599"}, headers=headers)
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows and all(r["suppressed"] and r["n_children"] is None for r in rows)


def test_events_of_a_visible_network(client, api_world):
    response = client.get("/api/organisations/NW-A/events", headers=api_world.headers("viewer_a"))
    assert [e["title"] for e in response.json()] == ["Start samenwerking"]
    denied = client.get("/api/organisations/NW-A/events", headers=api_world.headers("viewer_b"))
    assert denied.status_code == 404  # not yours: answered like an unknown organisation


def test_extract_is_limited_to_the_researchers_scope_and_audited(client, api_world):
    response = client.get(
        "/api/extracts/cases",
        params={"indicator": "CH_ABS"},
        headers=api_world.headers("researcher_ams"),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["row_count"] == 60  # 30 Amsterdam children x 2 months; none of Rotterdam
    assert {r["municipality_code"] for r in body["rows"]} == {"GM0363"}
    assert "bsn" not in body["columns"]
    audit = client.get(
        "/api/audit", params={"action": "extract"}, headers=api_world.headers("admin")
    ).json()
    assert audit[0]["username"] == "researcher_ams" and '"rows": 60' in audit[0]["detail"]


def test_rollup_windows_are_whole_periods(client, api_world):  # noqa: ANN001
    """A window shifted by a day would be a new noisy view of nearly the same children."""
    headers = api_world.headers("viewer_a")
    params = {"organisation": "NW-A", "period_type": "half_year"}
    whole = client.get(
        "/api/rollups/CH_ABS",
        params={**params, "date_from": "2023-01-01", "date_to": "2023-06-30"},
        headers=headers,
    )
    assert whole.status_code == 200
    shifted = client.get(
        "/api/rollups/CH_ABS", params={**params, "date_from": "2023-01-02"}, headers=headers
    )
    assert shifted.status_code == 422
    assert "date_from" in shifted.text and "2023-01-01" in shifted.text
