"""Issue 4: every role x every route x own/other organisation, allowed (2xx) or denied
(401/403), with zero leaks: an allowed answer never names an organisation the caller may
not view."""

from __future__ import annotations

from collections import Counter

from fastapi.routing import APIRoute
from sqlmodel import Session, select

from monitor.api import API_PREFIX, create_api
from monitor.api.routes import ROUTERS
from monitor.policy import principal_for
from schema import NetworkMembership, Organisation, Submission
from tests.factories import ORGS
from tests.monitor.api.access_table import ROLES, TABLE, Context, cells
from tests.monitor.api.helpers import ROLE_USERS


def api_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the API's routers; must equal the OpenAPI paths."""
    found = set()
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute), route
            found |= {(method, API_PREFIX + route.path) for method in route.methods}
    documented = {
        (method.upper(), path)
        for path, operations in create_api().openapi()["paths"].items()
        for method in operations
    }
    assert found == documented, "a route is hidden from the OpenAPI schema"
    return found


def test_every_route_is_in_the_matrix():
    assert {e.kind for e in TABLE} == {"api"}, "pages belong in PAGES (test_page_access.py)"
    table = {(e.method, e.path) for e in TABLE if e.kind == "api"}
    assert api_routes() - table == set(), "routes missing from tests/monitor/api/access_table.py"
    assert table - api_routes() == set(), "the access table names routes the app lacks"
    assert len(table) == len([e for e in TABLE if e.kind == "api"]), "duplicate table entries"


def _invisible_codes(session: Session, world, username: str | None, *, directory: bool) -> set[str]:
    """Organisation codes the user may not view (every code for anonymous callers). For
    directory answers, a visible organisation's municipality and members are not hidden."""
    codes = {code for code, *_ in ORGS}
    if username is None:
        return codes
    principal = principal_for(session, world.users[username])
    if principal.is_admin:
        return set()
    orgs = {o.id: o for o in session.exec(select(Organisation)).all()}
    visible = set(principal.view_org_ids)
    if directory:
        members = session.exec(select(NetworkMembership)).all()
        visible |= {orgs[i].municipality_id for i in visible if orgs[i].municipality_id}
        visible |= {m.member_id for m in members if m.network_id in principal.view_org_ids}
    return codes - {orgs[i].code for i in visible}


def test_access_matrix(client, api_world, engine):
    world = api_world.world
    with Session(engine) as session:
        submissions = {}
        for code, org in world.orgs.items():
            row = Submission(
                organisation_id=org.id,
                channel="cli",
                shape="aggregate",
                file_name=f"{code}.csv",
                checksum=f"matrix-{code}",
                status="accepted",
            )
            session.add(row)
            session.flush()
            submissions[code] = row.id
        session.commit()
        invisible = {
            (role, directory): _invisible_codes(
                session, world, ROLE_USERS[role][0], directory=directory
            )
            for role in ROLES
            for directory in (False, True)
        }

    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    for entry, role, scope in cells():
        username, own, other = ROLE_USERS[role]
        org = {"own": own, "other": other, "-": own}[scope]
        request = entry.build(Context(org=org, username=username, submissions=submissions))
        headers = api_world.headers(username)
        response = client.request(entry.method, request.url, headers=headers, **request.kwargs)
        label = f"{role:21} {scope:5} {entry.method:6} {entry.path}: {response.status_code}"
        expect_allowed = (role, scope) in entry.allowed
        if expect_allowed:
            if not 200 <= response.status_code < 300:
                failures.append(f"{label} (expected 2xx) {response.text[:200]}")
            else:
                outcomes["allowed"] += 1
                leaked = [c for c in invisible[role, entry.directory] if c in response.text]
                if leaked:
                    failures.append(f"{label} LEAK of {leaked}")
        elif response.status_code in (401, 403) or (
            entry.hides and response.status_code == 404 and role != "anonymous"
        ):
            outcomes["denied"] += 1
            assert "Traceback" not in response.text
        else:
            failures.append(f"{label} (expected 401/403/hidden 404) {response.text[:200]}")
        if role == "anonymous" and not expect_allowed:
            assert response.status_code == 401, label
    total = len(cells())
    print(
        f"\naccess matrix: {len(ROLES)} roles x {len(TABLE)} routes "
        f"(scoped ones x own/other) = {total} checks; "
        f"{outcomes['allowed']} allowed, {outcomes['denied']} denied, {len(failures)} failures"
    )
    assert not failures, "\n".join(failures)
    assert outcomes["allowed"] + outcomes["denied"] == total
