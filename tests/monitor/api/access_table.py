"""The declarative access table: every route (and, later, every dashboard page) with who may
call it, for their own organisation and for another one.

Each :class:`Entry` names a method and a path template exactly as the app declares it, the
set of ``(role, scope)`` pairs that must be allowed (every other pair must be denied with
401/403), and how to build the request for a scope. ``scope`` is ``"own"`` / ``"other"``
for organisation-scoped routes and ``"-"`` for routes without an organisation.

``tests/monitor/api/test_access_matrix.py`` fails when the app has a route that is not in this
table (or the table names a route the app does not have).

Dashboard pages are entries with ``kind="page"``: ``path`` is the page's path in
``dash.page_registry``, ``module`` its module in ``dashboards/pages`` and ``calls`` the
page's data callbacks (:class:`PageCall`), sent through Dash's real callback endpoint with
the organisation picker set to an organisation of :data:`PAGE_ORGS`. A page's ``allowed``
says who may see its figures; a call may narrow that (submitting on the data-entry page).
``tests/monitor/api/test_page_access.py`` logs each role in through the dashboard's login form (a
cookie session) and fails when a page module has no entry here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.monitor.api.helpers import ROLE_USERS, sample_file, sample_rows

ROLES = tuple(ROLE_USERS)
USER_ROLES = tuple(r for r in ROLES if r != "anonymous")
ORG_SCOPES = ("own", "other")
_counter = itertools.count()


@dataclass(frozen=True)
class Request:
    """What to send: path with its parameters filled in, and httpx keyword arguments."""

    url: str
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What a request builder may use: the organisation in scope, the caller, the world."""

    org: str | None
    username: str | None
    submissions: dict[str, int]
    #: Pages: the caller's own organisation (``org`` may be another one) and the id of a
    #: reflection session per organisation.
    own: str | None = None
    sessions: dict[str, int] = field(default_factory=dict)


Builder = Callable[[Context], Request]


@dataclass(frozen=True)
class PageCall:
    """One data callback of a page, as the browser sends it.

    ``callback`` is the function's name in the page module; ``values`` maps
    ``"component-id.property"`` to the value sent for every input and state (missing ones
    are sent as None); ``changed`` the property that triggered the call; ``figures`` tells
    from the decoded answer whether it shows figures (None: the call shows no figures of
    its own, it must only not be refused); ``allowed`` narrows the page's allowed set."""

    callback: str
    values: Callable[[Context], dict[str, Any]]
    changed: tuple[str, ...]
    figures: Callable[[dict], bool] | None = None
    allowed: frozenset[tuple[str, str]] | None = None


@dataclass(frozen=True)
class Entry:
    """One route or page of the matrix."""

    method: str
    path: str
    allowed: frozenset[tuple[str, str]]
    build: Builder
    scoped: bool = False
    kind: str = "api"
    #: Directory answers (organisations, members) may name the municipality a visible
    #: organisation lies in and a visible network's members; figures may name nothing else.
    directory: bool = False
    #: Object routes answer 404 when the caller may not see the object, exactly as for one
    #: that does not exist (ids and codes reveal nothing).
    hides: bool = False
    #: Pages: the module in ``dashboards/pages`` and its data callbacks.
    module: str = ""
    calls: tuple[PageCall, ...] = ()

    @property
    def scopes(self) -> tuple[str, ...]:
        return ORG_SCOPES if self.scoped else ("-",)


def everyone(*, anonymous: bool = False) -> frozenset[tuple[str, str]]:
    """Allowed for every logged-in role (and anonymous callers when asked)."""
    roles = ROLES if anonymous else USER_ROLES
    return frozenset((r, "-") for r in roles)


def only(*roles: str) -> frozenset[tuple[str, str]]:
    """Allowed for these roles only (unscoped route)."""
    return frozenset((r, "-") for r in roles)


def own_for(*roles: str) -> frozenset[tuple[str, str]]:
    """Scoped route: these roles on their own organisation, and admin on any."""
    return frozenset({(r, "own") for r in roles} | {("admin", "own"), ("admin", "other")})


VIEWERS = ("municipality_officer", "partner_entry", "network_viewer", "researcher")
SUBMITTERS = ("municipality_officer", "partner_entry")


def _upload(ctx: Context) -> Request:
    name, data = sample_file(ctx.org)
    return Request(
        "/api/submissions",
        {"files": {"file": (name, data)}, "data": {"organisation": ctx.org, "dry_run": "true"}},
    )


#: AGB code of the youth-care provider the iJw message comes from (linked to JH-A).
IJW_PROVIDER = "98000005"


def _ijw(ctx: Context) -> Request:
    from tests.monitor.ingest.ijw.messages import bsn, jw301

    message = jw301(child=bsn(70), provider=IJW_PROVIDER, gemeente=(ctx.org or "")[2:],
                    day="2025-02-03", products=[{"number": "80"}])  # fmt: skip
    return Request(
        "/api/submissions/ijw",
        {"files": {"file": ("301.xml", message.encode())},
         "data": {"municipality": ctx.org, "dry_run": "true"}},
    )  # fmt: skip


def _rows(ctx: Context) -> Request:
    body = {"organisation": ctx.org, "rows": sample_rows(ctx.org), "dry_run": True}
    return Request("/api/submissions/rows", {"json": body})


def _login(ctx: Context) -> Request:
    from tests.factories import PASSWORD

    username = ctx.username or "nobody"
    password = PASSWORD if ctx.username else "not the password"
    return Request("/api/token", {"data": {"username": username, "password": password}})


def _new_org(_ctx: Context) -> Request:
    code = f"NEW-{next(_counter)}"
    body = {"code": code, "name": "Nieuw netwerk", "kind": "network", "municipality": "GM0363"}
    return Request("/api/organisations", {"json": body})


TABLE: tuple[Entry, ...] = (
    Entry("GET", "/api/health", everyone(anonymous=True), lambda c: Request("/api/health")),
    Entry("POST", "/api/token", everyone(), _login),
    Entry(
        "GET",
        "/api/organisations",
        everyone(),
        lambda c: Request("/api/organisations"),
        directory=True,
    ),
    Entry("POST", "/api/organisations", only("admin"), _new_org),
    Entry(
        "GET",
        "/api/organisations/{code}",
        own_for(*VIEWERS),
        lambda c: Request(f"/api/organisations/{c.org}"),
        scoped=True,
        hides=True,
        directory=True,
    ),
    Entry(
        "GET",
        "/api/organisations/{code}/members",
        own_for(*VIEWERS),
        lambda c: Request(f"/api/organisations/{c.org}/members"),
        scoped=True,
        hides=True,
        directory=True,
    ),
    Entry(
        "GET",
        "/api/organisations/{code}/events",
        own_for(*VIEWERS),
        lambda c: Request(f"/api/organisations/{c.org}/events"),
        scoped=True,
        hides=True,
    ),
    Entry("GET", "/api/indicators", everyone(), lambda c: Request("/api/indicators")),
    Entry("GET", "/api/indicators/{code}", everyone(), lambda c: Request("/api/indicators/NW_REF")),
    Entry(
        "GET",
        "/api/series/{indicator_code}",
        own_for(*VIEWERS),
        lambda c: Request("/api/series/NW_CHILDREN", {"params": {"organisation": c.org}}),
        scoped=True,
    ),
    Entry(
        "GET",
        "/api/rollups/{indicator_code}",
        own_for(*VIEWERS),
        lambda c: Request(
            "/api/rollups/CH_ABS", {"params": {"organisation": c.org, "by": ["sex"]}}
        ),
        scoped=True,
    ),
    Entry("POST", "/api/submissions", own_for(*SUBMITTERS), _upload, scoped=True),
    Entry("POST", "/api/submissions/rows", own_for(*SUBMITTERS), _rows, scoped=True),
    Entry("POST", "/api/submissions/ijw", own_for("municipality_officer"), _ijw, scoped=True),
    Entry(
        "GET",
        "/api/submissions",
        own_for(*SUBMITTERS),
        lambda c: Request("/api/submissions", {"params": {"organisation": c.org}}),
        scoped=True,
    ),
    Entry(
        "GET",
        "/api/submissions/{submission_id}",
        own_for(*SUBMITTERS),
        lambda c: Request(f"/api/submissions/{c.submissions[c.org]}"),
        scoped=True,
        hides=True,
    ),
    Entry(
        "GET",
        "/api/extracts/cases",
        only("researcher"),
        lambda c: Request("/api/extracts/cases", {"params": {"indicator": "CH_ABS"}}),
    ),
    Entry(
        "GET",
        "/api/extracts/participation",
        only("researcher"),
        lambda c: Request("/api/extracts/participation"),
    ),
    Entry("GET", "/api/audit", only("admin"), lambda c: Request("/api/audit")),
    Entry("GET", "/api/users", only("admin"), lambda c: Request("/api/users")),
    Entry(
        "POST",
        "/api/users/{username}/roles",
        only("admin"),
        lambda c: Request(
            "/api/users/viewer_b/roles",
            {"json": {"role": "network_viewer", "organisation": "NW-A"}},
        ),
    ),
    Entry(
        "DELETE",
        "/api/users/{username}/roles",
        only("admin"),
        lambda c: Request(
            "/api/users/viewer_b/roles",
            {"params": {"role": "network_viewer", "organisation": "NW-A"}},
        ),
    ),
)


# ------------------------------------------------------------------ dashboard pages
#: role -> (organisations of its own, organisations it may not view) for the pages. The
#: first own organisation has figures on every page; the others must at least not be
#: refused. "other" is what an attacker sends although the picker does not offer it:
#: another municipality, another network, another partner's children (a school in the
#: same network, for a partner or a network viewer). An admin's "other" is allowed.
PAGE_ORGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "admin": (("GM0363", "NW-A"), ("GM0599", "NW-B", "22BB")),
    "municipality_officer": (("GM0363", "NW-A", "11AA"), ("GM0599", "NW-B", "22BB")),
    "partner_entry": (("NW-A", "11AA"), ("NW-B", "22BB", "JH-A", "GM0363")),
    "network_viewer": (("NW-A",), ("NW-B", "11AA", "JH-A", "GM0363")),
    "researcher": (("GM0363", "NW-A"), ("GM0599", "NW-B", "22BB")),
    "anonymous": (("GM0363",), ("GM0599", "NW-A")),
}
#: The period every page is asked for (the dashboard world has figures in it everywhere).
PAGE_PERIOD = "2023-H1"
ORG, PERIOD = "shell-organisation.value", "shell-period.value"
_FORM_INDICATOR = {"GM": "MU_YOUTH", "NW": "NW_CHILDREN"}
_TREND_INDICATOR = {"GM": "MU_REF_RATE", "NW": "NW_REF_RATE"}


def _outputs(answer: dict) -> dict:
    return answer.get("response", {})


def _table(table_id: str) -> Callable[[dict], bool]:
    """Figures shown as the table ``table_id`` (with at least one row of cells)."""

    def shown(answer: dict) -> bool:
        import json

        text = json.dumps(answer)
        return f'"id": "{table_id}"' in text and '"type": "Td"' in text

    return shown


def _graph(component: str) -> Callable[[dict], bool]:
    """Figures shown as traces with data in the figure of ``component``."""

    def shown(answer: dict) -> bool:
        figure = _outputs(answer).get(component, {}).get("figure") or {}
        return any(
            any(trace.get(k) not in (None, [], {}) for k in ("x", "y", "link", "q1", "value"))
            for trace in figure.get("data", [])
        )

    return shown


def _options(component: str) -> Callable[[dict], bool]:
    """Something to choose in ``component`` (the organisation's reflection sessions)."""
    return lambda answer: bool(_outputs(answer).get(component, {}).get("options"))


def _reported(answer: dict) -> bool:
    """The ingest report of a (dry-run) submission: access was granted."""
    return "entry-report-status" in str(answer)


def _org_period(ctx: Context) -> dict[str, Any]:
    return {ORG: ctx.org, PERIOD: PAGE_PERIOD}


def _trend(ctx: Context) -> dict[str, Any]:
    return {
        **_org_period(ctx),
        "trend-indicator.value": _TREND_INDICATOR.get((ctx.org or "")[:2], "NW_REF_RATE"),
        "trend-category.value": "",
        "trend-groups.value": ["other_networks", "municipality", "similar_size", "all"],
        "trend-event.value": "",
    }


def _outcomes(breakdown: str) -> Callable[[Context], dict[str, Any]]:
    return lambda ctx: {
        **_org_period(ctx),
        "outcomes-indicator.value": "CH_SEM",
        "outcomes-breakdown.value": breakdown,
    }


def _session_of(ctx: Context) -> dict[str, Any]:
    return {
        "reflection-session.value": ctx.sessions.get(ctx.org or ""),
        "reflection-refresh-store.data": 0,
        ORG: ctx.org,
    }


def _new_session(ctx: Context) -> dict[str, Any]:
    return {
        ORG: ctx.org,
        "reflection-new-button.n_clicks": 1,
        "reflection-new-date.value": "2024-05-01",
        "reflection-new-title.value": "Matrix",
        "reflection-refresh-store.data": 0,
    }


def _new_note(ctx: Context) -> dict[str, Any]:
    return {
        ORG: ctx.org,
        "reflection-note-button.n_clicks": 1,
        "reflection-session.value": ctx.sessions.get(ctx.org or ""),
        "reflection-note-kind.value": "note",
        "reflection-note-text.value": "Matrixnotitie",
        "reflection-refresh-store.data": 0,
    }


def _curve_of(ctx: Context) -> dict[str, Any]:
    return {**_session_of(ctx), "reflection-curve-indicator.value": "NW_REF_RATE"}


def _new_goal(ctx: Context) -> dict[str, Any]:
    return {
        **_curve_of(ctx),
        "reflection-goal-button.n_clicks": 1,
        "reflection-goal-value.value": 30,
        "reflection-goal-date.value": "2025-12-31",
    }


def _curve_answers(ctx: Context) -> dict[str, Any]:
    return {
        **_curve_of(ctx),
        "reflection-answers-button.n_clicks": 1,
        "reflection-answer-story.value": "Matrixantwoord",
    }


def _form(about_own: bool) -> Callable[[Context], dict[str, Any]]:
    """The figure form, on behalf of ``ctx.org`` (about it), or on behalf of the caller's
    own organisation about ``ctx.org`` (the picker's organisation)."""

    def values(ctx: Context) -> dict[str, Any]:
        reporter = ctx.own if about_own else ctx.org
        return {
            "entry-submit.n_clicks": 1,
            "entry-options.value": ["dry_run"],
            "entry-reporter.value": reporter,
            ORG: ctx.org,
            "entry-indicator.value": _FORM_INDICATOR.get((ctx.org or "")[:2], "NW_CHILDREN"),
            "entry-period.value": "2024-H1",
            "entry-value.value": "900",
        }

    return values


def _template(ctx: Context) -> dict[str, Any]:
    """The template download for ``ctx.org`` as reporter."""
    return {"entry-template-button.n_clicks": 1, "entry-reporter.value": ctx.org, ORG: ctx.org}


def _template_sent(answer: dict) -> bool:
    """A template file was sent: access was granted."""
    return "entry-template-download" in str(answer) and "base64" in str(answer)


def _upload(ctx: Context) -> dict[str, Any]:
    import base64

    name, data = sample_file(ctx.org or "")
    return {
        "entry-upload.contents": "data:text/csv;base64," + base64.b64encode(data).decode(),
        "entry-upload.filename": name,
        "entry-options.value": ["dry_run"],
        "entry-reporter.value": ctx.org,
        ORG: ctx.org,
    }


def _page_entry(path: str, module: str, *calls: PageCall) -> Entry:
    return Entry(
        "GET",
        path,
        own_for(*VIEWERS),
        lambda c: Request(path),
        scoped=True,
        kind="page",
        module=module,
        calls=calls,
    )


_SUBMIT = own_for(*SUBMITTERS)

PAGES: tuple[Entry, ...] = (
    _page_entry(
        "/",
        "overview",
        PageCall("show_scorecard", _org_period, (ORG,), _table("scorecard-table")),
        PageCall("show_completeness", _org_period, (ORG,), _table("completeness-table")),
    ),
    _page_entry(
        "/trend",
        "trend",
        PageCall("choose_indicator", _org_period, (ORG,)),
        PageCall("show_trend", _trend, (ORG,), _table("trend-values")),
    ),
    _page_entry(
        "/verwijzingen",
        "referrals",
        PageCall("show_referrals", _org_period, (ORG,), _graph("referrals-rate-graph")),
    ),
    _page_entry(
        "/uitkomsten",
        "outcomes",
        PageCall("show_outcomes", _outcomes("age_group"), (ORG,), _table("outcome-counts")),
        PageCall("show_outcomes", _outcomes("reporting_org_code"), (ORG,)),
    ),
    _page_entry(
        "/reflectie",
        "reflection",
        PageCall(
            "choose_session",
            lambda c: {ORG: c.org, "reflection-refresh-store.data": 0},
            (ORG,),
            _options("reflection-session"),
        ),
        PageCall("show_session", _session_of, ("reflection-session.value",), _table("then-now")),
        PageCall("record", _new_session, ("reflection-new-button.n_clicks",)),
        PageCall("record", _new_note, ("reflection-note-button.n_clicks",)),
        PageCall("show_curve", _curve_of, ("reflection-curve-indicator.value",)),
        PageCall("save_curve", _new_goal, ("reflection-goal-button.n_clicks",)),
        PageCall("save_curve", _curve_answers, ("reflection-answers-button.n_clicks",)),
    ),
    _page_entry(
        "/invoer",
        "data_entry",
        PageCall("show_quality", _org_period, (ORG,), _table("completeness-table")),
        PageCall("submit", _form(False), ("entry-submit.n_clicks",), _reported, _SUBMIT),
        PageCall("submit", _form(True), ("entry-submit.n_clicks",), _reported, _SUBMIT),
        PageCall("submit", _upload, ("entry-upload.contents",), _reported, _SUBMIT),
        PageCall(
            "download_template",
            _template,
            ("entry-template-button.n_clicks",),
            _template_sent,
            _SUBMIT,
        ),  # fmt: skip
    ),
    Entry(
        "GET",
        "/login",
        everyone(anonymous=True),
        lambda c: Request("/login"),
        kind="page",
        module="login",
    ),
    Entry(
        "GET",
        "/404",
        everyone(anonymous=True),
        lambda c: Request("/404"),
        kind="page",
        module="not_found_404",
    ),
)


def cells(kind: str = "api") -> list[tuple[Entry, str, str]]:
    """Every (entry, role, scope) the matrix checks, for the API or the pages."""
    table = TABLE if kind == "api" else PAGES
    return [(e, role, scope) for e in table for role in ROLES for scope in e.scopes]
