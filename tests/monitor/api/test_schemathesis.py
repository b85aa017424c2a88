"""Property-based fuzzing of every operation in the OpenAPI schema with schemathesis,
as an admin (who may call everything), on both databases: zero server errors (5xx), and
every answer matches the schema it documents."""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from monitor.api import create_api

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_no_server_errors_on_generated_requests(engine, api_world):
    app = create_api(engine=engine)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = api_world.headers("admin")
    # A second pass pins the path parameters to things that exist, so generated query
    # parameters and bodies reach the query layer instead of stopping at a 404.
    known = {
        "code": "NW-A",
        "indicator_code": "NW_REF",
        "username": "viewer_b",
        "submission_id": api_world.world.submission_id,
    }
    statuses: Counter[int] = Counter()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = [p.name for p in operation.path_parameters] if operation.path_parameters else []
        strategies = [operation.as_strategy()]
        if names:
            strategies.append(operation.as_strategy(path_parameters={n: known[n] for n in names}))
        for strategy in strategies:
            _fuzz(strategy, headers, statuses)
    total = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"\nschemathesis: {operations} operations, {total} requests, "
        f"{server_errors} server errors; statuses {dict(sorted(statuses.items()))}"
    )
    assert operations == len(app.openapi()["paths"]) + 3  # 3 paths have two methods
    assert total >= operations * 5
    assert statuses[200] >= operations  # the pinned pass reaches real answers
    assert server_errors == 0


def _fuzz(strategy, headers: dict[str, str], statuses: Counter[int]) -> None:  # noqa: ANN001
    """Run up to EXAMPLES_PER_OPERATION generated requests, counting status codes."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case) -> None:  # noqa: ANN001
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    fuzz()
