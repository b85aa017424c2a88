"""The declarative access table: every route (and, later, every dashboard page) with who may
call it, for their own organisation and for another one.

Each :class:`Entry` names a method and a path template exactly as the app declares it, the
set of ``(role, scope)`` pairs that must be allowed (every other pair must be denied with
401/403), and how to build the request for a scope. ``scope`` is ``"own"`` / ``"other"``
for organisation-scoped routes and ``"-"`` for routes without an organisation.

``tests/api/test_access_matrix.py`` fails when the app has a route that is not in this
table (or the table names a route the app does not have).

Adding dashboard pages: give them entries with ``kind="page"`` whose ``build`` returns the
page URL, and in the matrix test log each role in through the dashboard's login (a cookie
session instead of a bearer token) for those entries; compare the page entries with
``dash.page_registry`` the way :func:`test_every_route_is_in_the_matrix` compares routes.
Until then the matrix test refuses entries of any other kind than ``"api"``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.api.helpers import ROLE_USERS, sample_file, sample_rows

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


Builder = Callable[[Context], Request]


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
        directory=True,
    ),
    Entry(
        "GET",
        "/api/organisations/{code}/members",
        own_for(*VIEWERS),
        lambda c: Request(f"/api/organisations/{c.org}/members"),
        scoped=True,
        directory=True,
    ),
    Entry(
        "GET",
        "/api/organisations/{code}/events",
        own_for(*VIEWERS),
        lambda c: Request(f"/api/organisations/{c.org}/events"),
        scoped=True,
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


def cells() -> list[tuple[Entry, str, str]]:
    """Every (entry, role, scope) the matrix checks."""
    return [(e, role, scope) for e in TABLE for role in ROLES for scope in e.scopes]
