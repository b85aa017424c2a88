"""Access control: who may see or do what, for which organisations. The one place that
decides — the query layer, the API and the dashboards all ask here.

Roles (each assignment scoped to one organisation; ``admin`` is global):

* ``admin`` — manages organisations, users, roles, the catalogue; sees every aggregate figure.
* ``municipality_officer`` of municipality M — sees and submits for M, every organisation
  located in M and the networks in M; case rollups over children living in M.
* ``partner_entry`` of partner P — submits for P (case rows, and network figures about the
  networks P is a member of on the date) and, while a member, as those networks; sees P's
  own figures and those networks' figures.
* ``network_viewer`` of network N — sees N's figures; case rollups over what N's members
  reported while they were members. Never another partner's children one by one.
* ``researcher`` scoped to R (a municipality or network) — takes pseudonymised extracts of
  case-level data in R's scope; the only role exempt from disclosure control, and only on
  an extract. The role has a recorded purpose and an expiry date; after it, it is void.

Case-level rows are never shown one by one outside an extract; every view is an aggregate
that the disclosure module checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from monitor.errors import AccessDeniedError
from schema import NetworkMembership, Organisation, OrgKind, Role, RoleAssignment, User, id_of


class Action(StrEnum):
    """What a principal wants to do."""

    VIEW = "view"  # see aggregate figures of an organisation
    SUBMIT = "submit"  # submit data as/for an organisation
    EXTRACT = "extract"  # take a pseudonymised case-level extract (researchers)
    ADMIN = "admin"  # manage users, roles, organisations, catalogue; read the audit trail


@dataclass(frozen=True)
class CaseScope:
    """Which case-level rows a principal's rollups may include.

    ``all_rows`` for admins; otherwise rows whose child lives in one of
    ``child_municipality_ids``, or that were reported by ``reporting_org_id`` within
    [valid_from, valid_to) for one of ``reporter_windows``."""

    all_rows: bool = False
    child_municipality_ids: frozenset[int] = frozenset()
    reporter_windows: tuple[tuple[int, date | None, date | None], ...] = ()

    @property
    def empty(self) -> bool:
        """True when no case row is in scope."""
        return not (self.all_rows or self.child_municipality_ids or self.reporter_windows)


@dataclass(frozen=True)
class Principal:
    """A logged-in user with their resolved scopes (built once per request)."""

    user_id: int | None
    username: str
    roles: frozenset[tuple[str, int | None]]
    view_org_ids: frozenset[int] = field(default_factory=frozenset)
    submit_org_ids: frozenset[int] = field(default_factory=frozenset)
    extract_org_ids: frozenset[int] = field(default_factory=frozenset)
    case_scope: CaseScope = CaseScope()
    research_case_scope: CaseScope = CaseScope()

    @property
    def is_admin(self) -> bool:
        """True for the global admin role."""
        return any(role == Role.ADMIN for role, _ in self.roles)

    @property
    def is_researcher(self) -> bool:
        """True when the user holds a researcher role somewhere."""
        return any(role == Role.RESEARCHER for role, _ in self.roles)

    def has_role_researcher_scope(self) -> bool:
        """True when the user may take extracts (a researcher role with a scope)."""
        return self.is_researcher and bool(self.extract_org_ids)

    def has_role(self, role: Role) -> bool:
        """True when the user holds ``role`` for any organisation."""
        return any(r == role for r, _ in self.roles)

    def allows(self, action: Action, organisation_id: int | None = None) -> bool:
        """Whether this principal may do ``action`` on ``organisation_id``."""
        if action is Action.ADMIN:
            return self.is_admin
        if self.is_admin and action in (Action.VIEW, Action.SUBMIT):
            return True
        allowed = {
            Action.VIEW: self.view_org_ids,
            Action.SUBMIT: self.submit_org_ids,
            Action.EXTRACT: self.extract_org_ids,
        }[action]
        if organisation_id is None:
            return bool(allowed)
        return organisation_id in allowed

    def allows_code(self, session: Session, organisation_code: str) -> bool:
        """Whether the principal may view the organisation with this code."""
        org = session.exec(
            select(Organisation).where(col(Organisation.code) == organisation_code)
        ).first()
        return org is not None and self.allows(Action.VIEW, org.id)

    def require(self, action: Action, organisation_id: int | None = None, what: str = "") -> None:
        """Raise :class:`AccessDeniedError` unless :meth:`allows`."""
        if not self.allows(action, organisation_id):
            target = f" {what}" if what else ""
            raise AccessDeniedError(f"{self.username} may not {action.value}{target}")


ANONYMOUS = Principal(user_id=None, username="anonymous", roles=frozenset())


def _in_force(assignment: RoleAssignment, now: datetime) -> bool:
    """A researcher role counts only with a recorded purpose and before its expiry."""
    if assignment.role != Role.RESEARCHER:
        return True
    expires = assignment.expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)  # SQLite: naive UTC
    return bool(assignment.purpose) and expires is not None and expires > now


def principal_for(session: Session, user: User) -> Principal:
    """Resolve a user's role assignments into concrete organisation scopes."""
    assignments = session.exec(
        select(RoleAssignment).where(col(RoleAssignment.user_id) == user.id)
    ).all()
    now = datetime.now(UTC)
    roles = frozenset((a.role, a.organisation_id) for a in assignments if _in_force(a, now))
    if not user.is_active:
        return Principal(user_id=user.id, username=user.username, roles=frozenset())
    orgs = list(session.exec(select(Organisation)).all())
    memberships = list(session.exec(select(NetworkMembership)).all())
    by_id = {id_of(o): o for o in orgs}
    today = date.today()

    view: set[int] = set()
    submit: set[int] = set()
    extract: set[int] = set()
    child_municipalities: set[int] = set()
    windows: set[tuple[int, date | None, date | None]] = set()
    research_municipalities: set[int] = set()
    research_windows: set[tuple[int, date | None, date | None]] = set()

    def in_municipality(municipality_id: int) -> set[int]:
        """The municipality, the organisations located in it and its own networks. Members
        of those networks located elsewhere (a regional network's schools in another
        municipality) are not in scope: they report about other municipalities' networks."""
        return {id_of(o) for o in orgs if o.municipality_id == municipality_id} | {municipality_id}

    def current_networks(member_id: int) -> set[int]:
        """Networks ``member_id`` belongs to today (it speaks for these)."""
        return {
            m.network_id
            for m in memberships
            if m.member_id == member_id
            and (m.valid_from is None or m.valid_from <= today)
            and (m.valid_to is None or m.valid_to > today)
        }

    def network_windows(network_id: int) -> set[tuple[int, date | None, date | None]]:
        return {
            (m.member_id, m.valid_from, m.valid_to)
            for m in memberships
            if m.network_id == network_id
        }

    all_rows = False
    for role, org_id in roles:
        if role == Role.ADMIN:
            view |= set(by_id)
            submit |= set(by_id)
            all_rows = True
            continue
        if org_id is None or org_id not in by_id:
            continue
        org = by_id[org_id]
        kind = OrgKind(org.kind)
        if role == Role.MUNICIPALITY_OFFICER:
            scope = in_municipality(org_id) if kind is OrgKind.MUNICIPALITY else {org_id}
            view |= scope
            submit |= scope
            if kind is OrgKind.MUNICIPALITY:
                child_municipalities.add(org_id)
        elif role == Role.PARTNER_ENTRY:
            networks = {m.network_id for m in memberships if m.member_id == org_id}
            view |= {org_id} | networks
            # about the periods it was a member the partner reports as itself (ingest checks
            # membership during the period); it speaks *as* a network only while a member
            submit |= {org_id} | current_networks(org_id)
            windows.add((org_id, None, None))
        elif role == Role.NETWORK_VIEWER:
            view.add(org_id)
            if kind.is_network:
                windows |= network_windows(org_id)
            else:
                windows.add((org_id, None, None))
        elif role == Role.RESEARCHER:
            if kind is OrgKind.MUNICIPALITY:
                scope = in_municipality(org_id)
                research_municipalities.add(org_id)
            elif kind.is_network:
                scope = {org_id} | {m for m, _, _ in network_windows(org_id)}
                research_windows |= network_windows(org_id)
            else:
                scope = {org_id}
                research_windows.add((org_id, None, None))
            view |= scope
            extract |= scope
            child_municipalities |= research_municipalities
            windows |= research_windows
    return Principal(
        user_id=user.id,
        username=user.username,
        roles=roles,
        view_org_ids=frozenset(view),
        submit_org_ids=frozenset(submit),
        extract_org_ids=frozenset(extract),
        case_scope=CaseScope(
            all_rows, frozenset(child_municipalities), tuple(sorted(windows, key=str))
        ),
        research_case_scope=CaseScope(
            False, frozenset(research_municipalities), tuple(sorted(research_windows, key=str))
        ),
    )


def system_principal() -> Principal:
    """The platform itself (CLI run by an operator on the server): admin rights, audited as
    ``system``. Used by ``monitor`` commands that run without a login."""
    return Principal(
        user_id=None,
        username="system",
        roles=frozenset({(Role.ADMIN.value, None)}),
        case_scope=CaseScope(all_rows=True),
    )


def visible_organisations(session: Session, principal: Principal) -> list[Organisation]:
    """Organisations whose figures the principal may see, by kind and name."""
    query = select(Organisation).order_by(col(Organisation.kind), col(Organisation.name))
    orgs = list(session.exec(query).all())
    if principal.is_admin:
        return orgs
    return [o for o in orgs if o.id in principal.view_org_ids]
