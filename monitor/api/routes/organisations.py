"""``/api/organisations``: the organisations a caller may see, their members and events."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, status
from sqlmodel import Session

from monitor import organisations as orgs
from monitor import query
from monitor.api.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from monitor.api.models import ERRORS, EventOut, OrganisationIn, OrganisationOut, frame_rows
from monitor.audit import record
from monitor.errors import NotFoundError
from monitor.policy import Action, visible_organisations
from schema import Organisation

router = APIRouter(prefix="/organisations", tags=["organisations"], responses=ERRORS)


def _out(session: Session, rows: list[Organisation]) -> list[OrganisationOut]:
    codes = orgs.codes_by_id(session)
    return [
        OrganisationOut(
            code=o.code,
            name=o.name,
            kind=o.kind,
            municipality=codes.get(o.municipality_id) if o.municipality_id is not None else None,
            brin=o.brin,
            subtype=o.subtype,
        )
        for o in rows
    ]


def _viewable(session: Session, principal, code: str) -> Organisation:  # noqa: ANN001
    """The organisation, if the caller may see it; one the caller may not see answers 404
    exactly like one that does not exist."""
    org = orgs.find_organisation(session, code)
    if org is None or not principal.allows(Action.VIEW, org.id):
        raise NotFoundError(f"organisation {code!r} does not exist")
    return org


@router.get("", response_model=list[OrganisationOut])
def list_organisations(session: SessionDep, principal: CurrentPrincipal) -> list[OrganisationOut]:
    """Organisations whose figures the caller may see."""
    return _out(session, visible_organisations(session, principal))


@router.post("", response_model=OrganisationOut, status_code=status.HTTP_201_CREATED)
def add_organisation(
    body: OrganisationIn, session: SessionDep, principal: AdminPrincipal
) -> OrganisationOut:
    """Add an organisation (admin)."""
    row = orgs.add_organisation(session, orgs.OrganisationSpec(**body.model_dump()))
    record(
        session,
        "organisation_added",
        user_id=principal.user_id,
        username=principal.username,
        organisation_id=row.id,
        target=row.code,
    )
    session.commit()
    return _out(session, [row])[0]


@router.get("/{code}", response_model=OrganisationOut)
def get_organisation(
    code: str, session: SessionDep, principal: CurrentPrincipal
) -> OrganisationOut:
    """One organisation the caller may see."""
    return _out(session, [_viewable(session, principal, code)])[0]


@router.get("/{code}/members", response_model=list[OrganisationOut])
def list_members(
    code: str, session: SessionDep, principal: CurrentPrincipal, on: date | None = None
) -> list[OrganisationOut]:
    """Members of a network the caller may see (on a date, or ever)."""
    _viewable(session, principal, code)
    return _out(session, orgs.members_of(session, code, on))


@router.get("/{code}/events", response_model=list[EventOut])
def list_events(code: str, session: SessionDep, principal: CurrentPrincipal) -> list[EventOut]:
    """Events of an organisation the caller may see."""
    _viewable(session, principal, code)
    frame = query.events(session, principal, organisation_codes=[code])
    return [EventOut(**row) for row in frame_rows(frame)]
