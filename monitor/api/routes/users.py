"""``/api/users``: list users and grant or revoke roles (admin). Every change is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from monitor import auth, users
from monitor.api.deps import AdminPrincipal, SessionDep
from monitor.api.models import ERRORS, RoleChange, RoleIn, RoleOut, UserOut
from monitor.policy import Principal
from schema import Role, User

router = APIRouter(prefix="/users", tags=["users"], responses=ERRORS)


def _acting(session: Session, principal: Principal) -> User | None:
    return session.get(User, principal.user_id) if principal.user_id else None


@router.get("", response_model=list[UserOut])
def list_users(session: SessionDep, _admin: AdminPrincipal) -> list[UserOut]:
    """Every user with their roles (admin)."""
    return [
        UserOut(
            username=u.username,
            full_name=u.full_name,
            is_active=u.is_active,
            locked=u.locked,
            last_login_at=u.last_login_at,
            roles=[RoleOut(role=r.role, organisation=r.organisation) for r in u.roles],
        )
        for u in users.list_users(session)
    ]


@router.post("/{username}/roles", response_model=RoleChange)
def grant_role(
    username: str, body: RoleIn, session: SessionDep, admin: AdminPrincipal
) -> RoleChange:
    """Grant a role, scoped to an organisation (admin: none) (admin). Never to oneself; a
    researcher role needs ``purpose`` and ``expires_on`` and is granted by another admin."""
    role = Role(body.role)
    user = auth.get_user(session, username)
    before = users.role_count(session, user=user)
    auth.grant_role(
        session,
        user,
        role,
        body.organisation,
        granted_by=_acting(session, admin),
        purpose=body.purpose,
        expires_on=body.expires_on,
    )
    after = users.role_count(session, user=user)
    session.commit()
    return RoleChange(
        username=username,
        role=role.value,
        organisation=body.organisation,
        changed=after - before,
    )


@router.delete("/{username}/roles", response_model=RoleChange)
def revoke_role(
    username: str,
    session: SessionDep,
    admin: AdminPrincipal,
    role: Role,
    organisation: Annotated[str | None, Query()] = None,
) -> RoleChange:
    """Revoke a role (admin)."""
    user = auth.get_user(session, username)
    removed = auth.revoke_role(
        session, user, role, organisation or None, revoked_by=_acting(session, admin)
    )
    session.commit()
    return RoleChange(
        username=username, role=role.value, organisation=organisation, changed=removed
    )
