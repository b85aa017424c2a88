"""Issue 4, dashboards: every role x every dashboard page x own/other organisation, through
the real login form and Dash's real callback endpoint (``POST /_dash-update-component``
with the payload the browser sends), on SQLite and PostgreSQL.

Per cell: the page itself (anonymous callers are sent to the login page), then each data
callback of :data:`tests.monitor.api.access_table.PAGES` with the organisation picker set to every
organisation of :data:`~tests.monitor.api.access_table.PAGE_ORGS` for that scope. An allowed call
answers figures (for the role's first organisation of the scope) and names no organisation
the caller may not view; a denied call answers 204/401/403 or a refusal, shows no figures,
and, the refusal's own text aside, names none of the other organisation's codes. The
pickers (organisation, on-behalf-of, action owner) offer only what the user may use."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import dash
import pytest
from sqlmodel import Session, select

from dashboards.app import PAGES_DIR, create_dash_app
from monitor.policy import principal_for
from schema import Organisation, ReflectionSession
from tests.dashboards.world import SESSION_DAY, build_dashboard_world
from tests.factories import PASSWORD
from tests.monitor.api.access_table import (
    ORG,
    PAGE_ORGS,
    PAGES,
    ROLES,
    Context,
    Entry,
    PageCall,
    cells,
)
from tests.monitor.api.helpers import ROLE_USERS

#: Callbacks of the pages that the matrix does not call, and why.
NOT_CALLED = {
    "log_in": "the login itself: every cell logs in through it",
    "choose_reporter": "the on-behalf-of picker: checked by _check_pickers",
    "export": "the printed report (Chromium): tests/dashboards/test_report.py attacks it",
    "delete_note": "the note picked in the browser: test_deleting_a_note_needs_view_rights_on_it",
    "choose_curve_indicator": "the catalogue's indicators of the organisation's level (no "
    "figures); refused organisations get no update",
    "need_a_session": "enables the session buttons from the chosen session id; no data",
}
#: Modules of page sections whose callbacks belong to a page (registered by it).
SECTION_PAGES = {"dashboards.components.curve": "pages.reflection"}
DENIED_STATUS = (204, 401, 403)


def _page_modules() -> set[str]:
    return {p.stem for p in Path(PAGES_DIR).glob("*.py") if p.stem != "__init__"}


def test_every_page_is_in_the_matrix(engine):
    app = create_dash_app()
    app.server.test_client().get("/login")  # registers the pages' callbacks
    table = {e.module: e for e in PAGES}
    assert {e.kind for e in PAGES} == {"page"}
    assert _page_modules() - set(table) == set(), "pages missing from access_table.PAGES"
    assert set(table) - _page_modules() == set(), "PAGES names page modules that do not exist"
    assert len(table) == len(PAGES), "duplicate page entries"
    registry = {v["module"]: v["path"] for v in dash.page_registry.values()}
    assert {f"pages.{m}": e.path for m, e in table.items()} == registry
    for spec in app.callback_map.values():
        function = spec.get("callback")
        module = getattr(function, "__module__", "") or ""
        module = SECTION_PAGES.get(module, module)
        if not module.startswith("pages."):
            continue
        name = function.__name__
        called = {c.callback for c in table[module.removeprefix("pages.")].calls}
        assert name in called or name in NOT_CALLED, f"{module}.{name} is not in the matrix"


# ----------------------------------------------------------------- Dash's wire format
def _split(key: str) -> dict[str, str]:
    component, prop = key.rsplit(".", 1)
    return {"id": component, "property": prop}


def _callback(app: dash.Dash, name: str) -> tuple[str, dict]:
    found = [
        (key, spec)
        for key, spec in app.callback_map.items()
        if getattr(spec.get("callback"), "__name__", None) == name
    ]
    assert len(found) == 1, f"callback {name}: {len(found)} found"
    return found[0]


def _payload(app: dash.Dash, name: str, values: dict, changed: Iterable[str]) -> dict:
    """The body the browser POSTs to ``/_dash-update-component`` for callback ``name``."""
    key, spec = _callback(app, name)
    if key.startswith("..") and key.endswith(".."):
        outputs: list[dict] | dict = [_split(k) for k in key[2:-2].split("...")]
    else:
        outputs = _split(key)

    def with_values(items: list[dict]) -> list[dict]:
        return [
            {
                "id": i["id"],
                "property": i["property"],
                "value": values.get(f"{i['id']}.{i['property']}"),
            }
            for i in items
        ]

    return {
        "output": key,
        "outputs": outputs,
        "inputs": with_values(spec["inputs"]),
        "state": with_values(spec["state"]),
        "changedPropIds": list(changed),
    }


def _post(client, app, name: str, values: dict, changed: Iterable[str]):  # noqa: ANN001, ANN202
    return client.post("/_dash-update-component", json=_payload(app, name, values, changed))


def _log_in(client, app, username: str) -> None:  # noqa: ANN001
    values = {
        "login-button.n_clicks": 1,
        "login-password.n_submit": 0,
        "login-username.value": username,
        "login-password.value": PASSWORD,
    }
    answer = _post(client, app, "log_in", values, ["login-button.n_clicks"])
    assert answer.status_code == 200, answer.text
    assert answer.json["response"]["login-redirect"]["href"] == "/", answer.text


def _strings(node) -> Iterable[str]:  # noqa: ANN001
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _refusals(answer: dict, username: str | None) -> list[str]:
    """The access refusals in an answer (``AccessDeniedError``: "<user> may not ...", on
    the Dutch pages "<user> mag geen/niet ...", as a sentence with its first letter raised)."""
    if not username:
        return []
    said = (f"{username} may not".lower(), f"{username} mag ".lower())
    return [s for s in _strings(answer) if any(form in s.lower() for form in said)]


def _without(text: str, removed: Iterable[str]) -> str:
    for part in removed:
        text = text.replace(json.dumps(part, ensure_ascii=False)[1:-1], "")
    return text


def _shows_data(answer: dict) -> bool:
    """Any table cell, figure trace with values, or options in a data answer."""
    text = json.dumps(answer)
    if '"type": "Td"' in text:
        return True
    for outputs in answer.get("response", {}).values():
        figure = outputs.get("figure") if isinstance(outputs, dict) else None
        for trace in (figure or {}).get("data", []):
            if any(trace.get(k) not in (None, [], {}) for k in ("x", "y", "link", "value")):
                return True
    return False


# --------------------------------------------------------------------- the world
@pytest.fixture
def page_world(catalogue):  # noqa: ANN001, ANN201
    """The dashboard world plus a reflection session of every organisation (the NW-A one
    comes with the world), so that "other" requests have someone else's session to ask for."""
    world = build_dashboard_world(catalogue)
    session = catalogue
    sessions = {"NW-A": world.reflection_session_id}
    for org in session.exec(select(Organisation)).all():
        if org.code not in sessions:
            row = ReflectionSession(
                organisation_id=org.id, held_on=SESSION_DAY, title=f"Dialooggesprek {org.code}"
            )
            session.add(row)
            session.flush()
            sessions[org.code] = row.id
    session.commit()
    return world, sessions


def _scopes(session: Session, world) -> dict[str, tuple[set[str], set[str], set[str]]]:  # noqa: ANN001
    """role -> (codes it may view, codes it may submit for, codes no answer may name:
    neither viewable nor a reporting partner whose rows are in the role's case scope)."""
    orgs = {o.id: o for o in session.exec(select(Organisation)).all()}
    everything = {o.code for o in orgs.values()}
    out = {}
    for role in ROLES:
        username = ROLE_USERS[role][0]
        if username is None:
            out[role] = (set(), set(), everything)
            continue
        principal = principal_for(session, world.users[username])
        if principal.is_admin:
            out[role] = (everything, everything, set())
            continue
        view = set(principal.view_org_ids)
        # a rollup may be broken down by reporting partner over the rows in case scope
        named = view | {org_id for org_id, *_ in principal.case_scope.reporter_windows}
        out[role] = (
            {orgs[i].code for i in view},
            {orgs[i].code for i in principal.submit_org_ids},
            everything - {orgs[i].code for i in named},
        )
    return out


# ------------------------------------------------------------------------ the matrix
def _check_pickers(client, app, role: str, scope, failures: list[str]) -> int:  # noqa: ANN001
    """The organisation picker offers exactly the viewable organisations; the data-entry
    on-behalf-of picker only those the user may submit for; action owners only viewable
    ones; the period picker answers nothing for an organisation the user may not view.
    Returns the number of checks."""
    view, submit, hidden = scope
    layout = client.get("/_dash-layout")
    text = layout.get_data(as_text=True)
    leaked = sorted(c for c in hidden if c in text)
    if leaked:
        failures.append(f"{role}: the shell's layout names {leaked}")
    found = []

    def walk(node) -> None:  # noqa: ANN001
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "shell-organisation":
                found.append(node["props"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(layout.get_json())
    if role == "anonymous":
        if found:
            failures.append("anonymous: the shell offers an organisation picker")
        return 1
    offered = {o["value"] for o in found[0]["options"]} if found else set()
    if offered != view:
        failures.append(f"{role}: organisation picker {sorted(offered)} != {sorted(view)}")
    own = PAGE_ORGS[role][0][0]
    answer = _post(client, app, "choose_reporter", {ORG: own}, [ORG]).get_json()
    reporters = {o["value"] for o in answer["response"]["entry-reporter"]["options"]}
    if not reporters <= submit:
        failures.append(f"{role}: on-behalf-of picker offers {sorted(reporters - submit)}")
    answer = _post(
        client, app, "choose_session", {ORG: own, "reflection-refresh-store.data": 0}, [ORG]
    ).get_json()
    owners = {o["value"] for o in answer["response"]["reflection-note-owner"]["options"]}
    if not owners <= view:
        failures.append(f"{role}: action owner picker offers {sorted(owners - view)}")
    checks = 4
    for org in PAGE_ORGS[role][1] if role != "admin" else ():  # the shell's period picker
        periods = _post(client, app, "choose_periods", {ORG: org}, [ORG])
        checks += 1
        if periods.status_code == 200:
            failures.append(f"{role}: period picker answered for {org}: {periods.text[:200]}")
    return checks


def _check_page(client, app, entry: Entry, role: str, failures: list[str]) -> None:  # noqa: ANN001
    """The page URL and the page content Dash's router sends for it."""
    label = f"{role:21} page {entry.path}"
    html = client.get(entry.path)
    if html.status_code != 200 or "<script" not in html.get_data(as_text=True):
        failures.append(f"{label}: GET answered {html.status_code}, not Dash's index page")
    routed = _post(
        client,
        app,
        "update",
        {"_pages_location.pathname": entry.path, "_pages_location.search": ""},
        ["_pages_location.pathname"],
    )
    text = json.dumps(routed.get_json(silent=True))
    guarded = '"guard-redirect"' in text and '"href": "/login"' in text
    if entry.module == "login":
        if "login-username" not in text:
            failures.append(f"{label}: no login form")
    elif entry.module == "not_found_404":
        if '"type": "Td"' in text or "Plotly" in text:
            failures.append(f"{label}: the 404 page shows figures")
    elif role == "anonymous" and not guarded:
        failures.append(f"{label}: anonymous caller not sent to the login page")
    elif role != "anonymous" and guarded:
        failures.append(f"{label}: logged-in user sent to the login page")


def _check_call(
    client,  # noqa: ANN001
    app,  # noqa: ANN001
    call: PageCall,
    ctx: Context,
    *,
    expect_allowed: bool,
    want_figures: bool,
    hidden: set[str],
    label: str,
    failures: list[str],
) -> str:
    """One callback for one organisation; returns "allowed" or "denied"."""
    response = _post(client, app, call.callback, call.values(ctx), call.changed)
    status, text = response.status_code, response.get_data(as_text=True)
    label = f"{label} {call.callback} org={ctx.org}: {status}"
    if "Traceback" in text:
        failures.append(f"{label} shows a traceback")
    answer = response.get_json(silent=True) if status == 200 else None
    refusals = _refusals(answer, ctx.username) if answer is not None else []
    refused = status in DENIED_STATUS or bool(refusals)
    if expect_allowed:
        if status != 200 or refused:
            failures.append(f"{label} (expected figures) {text[:300]}")
            return "failed"
        if want_figures and call.figures is not None and not call.figures(answer):
            failures.append(f"{label} answered no figures {text[:300]}")
        leaked = sorted(c for c in hidden if c in text)
        if leaked:
            failures.append(f"{label} LEAK of {leaked}")
        return "allowed"
    if status == 500:  # a refusal must never surface as a server error (and a traceback)
        named = sorted(c for c in {*hidden, ctx.org} if c and c in text)
        leak = f" and LEAKS {named}" if named else ""
        failures.append(f"{label} crashed with HTTP 500{leak}: {text[:300]}")
        return "failed"
    if not refused:
        failures.append(f"{label} (expected a refusal) {text[:300]}")
        return "failed"
    if answer is not None:
        rest = _without(text, refusals)
        named = sorted(c for c in {*hidden, ctx.org} if c and c in rest)
        if named or _shows_data(answer) or (call.figures is not None and call.figures(answer)):
            failures.append(f"{label} LEAK in a refusal: names {named} {text[:300]}")
    return "denied"


def test_page_access_matrix(engine, page_world):  # noqa: ANN001
    world, sessions = page_world
    with Session(engine) as session:
        scopes = _scopes(session, world.base)
    for role, (own, other) in PAGE_ORGS.items():  # the table agrees with the policy
        view = scopes[role][0]
        assert set(own) <= view or role == "anonymous", (role, set(own) - view)
        assert not set(other) & view or role == "admin", (role, set(other) & view)

    app = create_dash_app()
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    pickers = 0
    for role in ROLES:
        username = ROLE_USERS[role][0]
        client = app.server.test_client()
        client.get("/")  # the index page; registers the callbacks
        if username is not None:
            _log_in(client, app, username)
        pickers += _check_pickers(client, app, role, scopes[role], failures)
        for entry, cell_role, scope in cells("page"):
            if cell_role != role:
                continue
            _check_page(client, app, entry, role, failures)
            outcomes["pages"] += 1
            orgs = PAGE_ORGS[role][0 if scope in ("own", "-") else 1]
            for call in entry.calls:
                allowed = (role, scope) in (call.allowed or entry.allowed)
                for index, org in enumerate(orgs):
                    ctx = Context(
                        org=org,
                        username=username,
                        submissions={},
                        own=PAGE_ORGS[role][0][0],
                        sessions=sessions,
                    )
                    result = _check_call(
                        client,
                        app,
                        call,
                        ctx,
                        expect_allowed=allowed,
                        want_figures=index == 0 and scope == "own",
                        hidden=scopes[role][2],
                        label=f"{role:21} {scope:5} {entry.path}",
                        failures=failures,
                    )
                    outcomes[result] += 1
    total_cells = len(cells("page"))
    print(
        f"\npage matrix: {len(ROLES)} roles x {len(PAGES)} pages (scoped ones x own/other) = "
        f"{total_cells} cells; {sum(outcomes.values()) - outcomes['pages']} callback checks: "
        f"{outcomes['allowed']} allowed, {outcomes['denied']} denied; {outcomes['pages']} page "
        f"loads; {pickers} picker checks; {len(failures)} failures"
    )
    assert not failures, "\n".join(failures)
    assert outcomes["pages"] == total_cells


def _delete_note(client, app, note_id: int):  # noqa: ANN001, ANN202
    """POST what the browser sends once a note's deletion is confirmed (the clientside
    callback has put the note's id in the deletion store)."""
    key, _spec = _callback(app, "delete_note")
    store = "reflection-note-deletion"
    body = {
        "output": key,
        "outputs": [_split(k) for k in key[2:-2].split("...")],
        "inputs": [{"id": store, "property": "data", "value": {"index": note_id, "at": 1}}],
        "state": [{"id": "reflection-refresh-store", "property": "data", "value": 0}],
        "changedPropIds": [f"{store}.data"],
    }
    return client.post("/_dash-update-component", json=body)


def test_deleting_a_note_needs_view_rights_on_it(engine, page_world):  # noqa: ANN001
    """Through the real endpoint: the other network's viewer is refused and the note stays;
    the network's own viewer deletes it."""
    from monitor import views
    from schema import ReflectionNote

    world, sessions = page_world
    with Session(engine) as session:
        viewer = principal_for(session, world.base.users["viewer_a"])
        note = views.add_reflection_note(
            session, viewer, session_id=sessions["NW-A"], kind="note", text="Weg ermee"
        )
        session.commit()
        note_id = note.id
    app = create_dash_app()
    for username, kept in (("viewer_b", True), ("viewer_a", False)):
        client = app.server.test_client()
        client.get("/")
        _log_in(client, app, username)
        answer = _delete_note(client, app, note_id)
        assert answer.status_code in (200, *DENIED_STATUS), answer.text
        if kept:
            assert answer.status_code in DENIED_STATUS or _refusals(answer.json, username)
        with Session(engine) as session:
            assert (session.get(ReflectionNote, note_id) is not None) is kept, username
