"""``/api/users``: list users and grant or revoke roles (admin). Every change is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session, select

from monitor import auth
from monitor.api.deps import AdminPrincipal, SessionDep
from monitor.api.models import ERRORS, RoleChange, RoleIn, RoleOut, UserOut
from monitor.policy import Principal
from schema import Organisation, Role, RoleAssignment, User, utcnow

router = APIRouter(prefix="/users", tags=["users"], responses=ERRORS)


def _acting(session: Session, principal: Principal) -> User | None:
    return session.get(User, principal.user_id) if principal.user_id else None


@router.get("", response_model=list[UserOut])
def list_users(session: SessionDep, _admin: AdminPrincipal) -> list[UserOut]:
    """Every user with their roles (admin)."""
    codes = dict(session.exec(select(Organisation.id, Organisation.code)).all())
    roles: dict[int, list[RoleOut]] = {}
    for a in session.exec(select(RoleAssignment).order_by(RoleAssignment.id)).all():
        roles.setdefault(a.user_id, []).append(
            RoleOut(role=a.role, organisation=codes.get(a.organisation_id))
        )
    now = utcnow()
    out = []
    for user in session.exec(select(User).order_by(User.username)).all():
        locked_until = auth._aware(user.locked_until)
        out.append(
            UserOut(
                username=user.username,
                full_name=user.full_name,
                is_active=user.is_active,
                locked=bool(locked_until and locked_until > now),
                last_login_at=user.last_login_at,
                roles=roles.get(user.id, []),
            )
        )
    return out


@router.post("/{username}/roles", response_model=RoleChange)
def grant_role(
    username: str, body: RoleIn, session: SessionDep, admin: AdminPrincipal
) -> RoleChange:
    """Grant a role, scoped to an organisation (admin: none) (admin). Never to oneself; a
    researcher role needs ``purpose`` and ``expires_on`` and is granted by another admin."""
    role = Role(body.role)
    user = auth.get_user(session, username)
    before = session.exec(select(RoleAssignment.id).where(RoleAssignment.user_id == user.id)).all()
    auth.grant_role(
        session,
        user,
        role,
        body.organisation,
        granted_by=_acting(session, admin),
        purpose=body.purpose,
        expires_on=body.expires_on,
    )
    after = session.exec(select(RoleAssignment.id).where(RoleAssignment.user_id == user.id)).all()
    session.commit()
    return RoleChange(
        username=username,
        role=role.value,
        organisation=body.organisation,
        changed=len(after) - len(before),
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
