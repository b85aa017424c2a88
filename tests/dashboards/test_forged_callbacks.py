"""Forged Dash callback requests (values no picker offers, missing inputs) get a clear
Dutch message or no update, never a 500 (#12 item 17), through Dash's real endpoint."""

from __future__ import annotations

import json

import pytest

from dashboards import ids
from dashboards.app import create_dash_app
from tests.dashboards.world import build_dashboard_world
from tests.monitor.api.test_page_access import _callback, _log_in, _post, _split

INVALID = "Deze keuze bestaat niet op deze pagina"
OUTCOMES = {ids.ORG: "NW-A", ids.PERIOD: "2024-H1", ids.OUTCOME_INDICATOR: "CH_ABS",
            ids.OUTCOME_BREAKDOWN: "age_group"}  # fmt: skip
FORGED_OUTCOMES = [
    {ids.OUTCOME_BREAKDOWN: "sex"},
    {ids.OUTCOME_BREAKDOWN: "child_id"},
    {ids.OUTCOME_BREAKDOWN: "nope"},
    {ids.OUTCOME_INDICATOR: "nope"},
    {ids.PERIOD: "nope"},
]
FORGED_TREND = [["nope"], "nope", [{"a": 1}]]


@pytest.fixture
def client(catalogue):  # noqa: ANN001, ANN201
    build_dashboard_world(catalogue)
    app = create_dash_app()
    test_client = app.server.test_client()
    test_client.get("/")
    _log_in(test_client, app, "viewer_a")
    return app, test_client


def _texts(answer) -> str:  # noqa: ANN001
    return json.dumps(answer.json, ensure_ascii=False)


def _ids(app, name: str) -> dict[str, str]:  # noqa: ANN001
    _key, spec = _callback(app, name)
    return {i["id"]: f"{i['id']}.{i['property']}" for i in spec["inputs"]}


@pytest.mark.parametrize("forged", FORGED_OUTCOMES, ids=lambda f: "-".join(f.values()))
def test_forged_outcome_choices(client, forged):  # noqa: ANN001
    app, test_client = client
    keys = _ids(app, "show_outcomes")
    values = {keys[k]: v for k, v in {**OUTCOMES, **forged}.items()}
    answer = _post(test_client, app, "show_outcomes", values, list(values))
    assert answer.status_code == 200, answer.text[:500]
    assert INVALID in _texts(answer)


@pytest.mark.parametrize("groups", FORGED_TREND, ids=str)
def test_forged_trend_groups(client, groups):  # noqa: ANN001
    app, test_client = client
    keys = _ids(app, "show_trend")
    values = {keys[ids.ORG]: "NW-A", keys[ids.PERIOD]: "2024-H1",
              keys[ids.TREND_INDICATOR]: "NW_REF", keys[ids.TREND_GROUPS]: groups}  # fmt: skip
    answer = _post(test_client, app, "show_trend", values, list(values))
    assert answer.status_code == 200, answer.text[:500]
    assert INVALID in _texts(answer)


DELETION = "reflection-note-deletion"


def _deletion_body(key: str, inputs: list, changed: list) -> dict:
    return {
        "output": key,
        "outputs": [_split(k) for k in key[2:-2].split("...")],
        "inputs": inputs,
        "state": [{"id": "reflection-refresh-store", "property": "data", "value": 0}],
        "changedPropIds": changed,
    }


@pytest.mark.parametrize("inputs", [[], [None]], ids=["none", "empty"])
@pytest.mark.parametrize("changed", [[], [f"{DELETION}.data"]])
def test_delete_note_without_inputs(client, changed, inputs):  # noqa: ANN001
    app, test_client = client
    key, _spec = _callback(app, "delete_note")
    inputs = [{"id": DELETION, "property": "data", "value": v} for v in inputs]
    answer = test_client.post("/_dash-update-component", json=_deletion_body(key, inputs, changed))
    assert answer.status_code in (200, 204, 400), answer.text[:500]
    if answer.status_code == 400:
        assert "Ongeldig verzoek" in answer.text


@pytest.mark.parametrize(
    "forged", [{"index": "1 OR 1=1"}, {"index": 1.5}, {"index": True}, ["index", 1], "1"]
)
def test_delete_note_with_a_forged_index(client, forged):  # noqa: ANN001
    app, test_client = client
    key, _spec = _callback(app, "delete_note")
    inputs = [{"id": DELETION, "property": "data", "value": forged}]
    body = _deletion_body(key, inputs, [f"{DELETION}.data"])
    answer = test_client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.text[:500]
    assert "Deze notitie bestaat niet" in _texts(answer)
