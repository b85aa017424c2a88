"""A JSON body nested 100,000 deep is a clear 4xx on every JSON route, not a 500 (#12.17)."""

from __future__ import annotations

import pytest

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("path", ["/api/submissions/rows", "/api/organisations"])
def test_deeply_nested_json_body(client, api_world, path):
    answer = client.post(
        path,
        content=DEEP,
        headers={**api_world.headers("admin"), "Content-Type": "application/json"},
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text and "error parsing the body" in answer.text


def test_deeply_nested_json_file(client, api_world):
    answer = client.post(
        "/api/submissions",
        headers=api_world.headers("school_a"),
        files={"file": ("deep.json", DEEP.encode())},
        data={"organisation": "11AA"},
    )
    assert answer.status_code == 422, answer.text
    assert "nested too deeply" in answer.text
