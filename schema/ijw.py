"""iJw 3.2 youth-care messages (Jeugdwet berichtenverkeer), as the monitor keeps them.

A message's product lines (JW315 requested product, JW301 allocated product, JW305 start,
JW307 stop) are kept pseudonymised, one row each, never changed: a later message (a new
JW301 for the same allocation number, a JW305/JW307 with StatusAanlevering 3 =
verwijderen) is a new row. The case measurements derived from them (referrals, care
episodes, waiting times) live in ``case_measurement`` with their normal supersession.
No BSN, name, address, referrer's name or code is stored; the provider's own reference
is kept only as a keyed HMAC (it may carry a client number).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from schema.base import utcnow


class IjwProvider(SQLModel, table=True):
    """The organisation of a youth-care provider known in iJw messages by its AGB code."""

    __tablename__ = "ijw_provider"

    id: int | None = Field(default=None, primary_key=True)
    agb_code: str = Field(max_length=8, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)


class IjwProduct(SQLModel, table=True):
    """One product line of one iJw message, pseudonymised."""

    __tablename__ = "ijw_product"
    __table_args__ = (
        Index("ix_ijw_product_child", "child_id", "kind"),
        Index("ix_ijw_product_message", "provider_agb", "message_id", "message_date", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id")
    municipality_id: int = Field(foreign_key="organisation.id")
    provider_agb: str = Field(max_length=8, description="AGB code of the provider.")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    kind: str = Field(max_length=5, description="JW315, JW301, JW305 or JW307.")
    message_id: str = Field(max_length=12, description="BerichtIdentificatie/Identificatie.")
    message_date: date = Field(description="BerichtIdentificatie/Dagtekening.")
    line: int = Field(description="Line of the product element in the message file.")
    allocation_number: str | None = Field(default=None, max_length=8)
    provider_reference: str | None = Field(
        default=None,
        max_length=64,
        description="Keyed HMAC of the provider's ReferentieAanbieder (links JW315 and JW301).",
    )
    product_category: str | None = Field(default=None, max_length=2, description="JZ020.")
    product_code: str | None = Field(default=None, max_length=5)
    allocated_on: date | None = Field(default=None, description="JW301 Toewijzingsdatum.")
    allocated_at: str | None = Field(default=None, max_length=8, description="Toewijzingstijd.")
    valid_from: date | None = Field(default=None, description="(Toewijzing)Ingangsdatum.")
    valid_to: date | None = Field(default=None, description="(Toewijzing)Einddatum.")
    started_on: date | None = Field(default=None, description="JW305/JW307 Begindatum.")
    ended_on: date | None = Field(default=None, description="JW307 Einddatum.")
    referrer_type: str | None = Field(default=None, max_length=2, description="COD327.")
    end_reason: str | None = Field(default=None, max_length=2, description="JZ588.")
    delivery_status: str | None = Field(default=None, max_length=1, description="COD467.")
    volume: int | None = None
    unit: str | None = Field(default=None, max_length=2, description="WJ756.")
    frequency: str | None = Field(default=None, max_length=1, description="WMO757.")
    recorded_at: datetime = Field(default_factory=utcnow)
