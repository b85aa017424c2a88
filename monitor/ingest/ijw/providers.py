"""Which organisation a provider's AGB code in the iJw messages stands for."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session, col

from monitor.errors import ConflictError, RowProblem, ValidationFailed
from monitor.organisations import get_organisation
from schema import IjwProvider, Organisation, id_of
from schema.base import OrgKind

#: Partners that may serve a child (and so report its case rows).
_PARTNERS = {
    OrgKind.YOUTH_CARE_PROVIDER.value,
    OrgKind.JGZ.value,
    OrgKind.CHILDCARE.value,
    OrgKind.SCHOOL.value,
}


def link_provider(session: Session, agb_code: str, organisation_code: str) -> IjwProvider:
    """Link an AGB code to a partner organisation (idempotent); commits."""
    if not re.fullmatch(r"\d{8}", agb_code):
        raise ValidationFailed(
            problems=[
                RowProblem("aanbieder", None, "AGB-code", agb_code, "een AGB-code is 8 cijfers")
            ],
            summary="ongeldige AGB-code",
        )
    organisation = get_organisation(session, organisation_code)
    if organisation.kind not in _PARTNERS:
        raise ConflictError(
            f"{organisation_code} is een {organisation.kind}; alleen een partner die het kind "
            "helpt (jeugdhulpaanbieder) meldt de gegevens van een kind"
        )
    found = session.scalars(
        select(IjwProvider).where(col(IjwProvider.agb_code) == agb_code)
    ).first()
    if found is not None:
        if found.organisation_id != organisation.id:
            raise ConflictError(f"AGB-code {agb_code} is al gekoppeld aan een andere organisatie")
        return found
    link = IjwProvider(agb_code=agb_code, organisation_id=id_of(organisation))
    session.add(link)
    session.commit()
    return link


def providers(session: Session) -> list[tuple[str, str]]:
    """(AGB code, organisation code) of every linked provider."""
    rows = session.execute(
        select(col(IjwProvider.agb_code), col(Organisation.code))
        .join(Organisation, col(Organisation.id) == col(IjwProvider.organisation_id))
        .order_by(col(IjwProvider.agb_code))
    ).all()
    return [(a, o) for a, o in rows]
