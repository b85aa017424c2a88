"""Moments and dates at the extremes of their types never cause a 500 (#12 item 17): a
moment that overflows when converted to UTC is a 422 naming the parameter; the largest
and smallest dates are answered (or refused) clearly."""

from __future__ import annotations

import pytest

MOMENTS = (
    "9999-12-31T23:59:59-14:00",  # overflows past year 9999 in UTC
    "0001-01-01T00:00:00+14:00",  # underflows before year 1 in UTC
    "9999-12-31T23:59:59.999999",
    "0001-01-01T00:00:00Z",
)
DATES = ("0001-01-01", "9999-12-31")
ROUTES = (
    ("researcher_ams", "/api/rollups/CH_ABS", {"organisation": "11AA"}),
    ("researcher_ams", "/api/series/NW_CHILDREN", {}),
    ("researcher_ams", "/api/extracts/cases", {"indicator": "CH_ABS"}),
    ("researcher_ams", "/api/extracts/participation", {}),
    ("admin", "/api/audit", {}),
)


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize(("user", "path", "params"), ROUTES, ids=[r[1] for r in ROUTES])
def test_extreme_moments(client, api_world, user, path, params, moment):
    name = "since" if path == "/api/audit" else "as_of"
    answer = client.get(path, params={**params, name: moment}, headers=api_world.headers(user))
    assert answer.status_code < 500, answer.text
    if moment in MOMENTS[:2]:
        assert answer.status_code == 422, answer.text
        assert name in answer.json()["detail"]
        assert "outside the years 1 to 9999" in answer.text


@pytest.mark.parametrize("day", DATES)
@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/api/rollups/CH_ABS", ("date_from", "date_to")),
        ("/api/series/NW_CHILDREN", ("period_from", "period_to")),
        ("/api/extracts/cases", ("date_from", "date_to")),
        ("/api/organisations/NW-A/members", ("on",)),
    ],
)
def test_extreme_dates(client, api_world, path, names, day):
    params = {"organisation": "11AA"} if "rollups" in path else {}
    if "extracts" in path:
        params["indicator"] = "CH_ABS"
    for name in names:
        answer = client.get(
            path, params={**params, name: day}, headers=api_world.headers("researcher_ams")
        )
        assert answer.status_code < 500, (name, answer.text)
