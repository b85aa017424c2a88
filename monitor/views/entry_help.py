"""What the data-entry page offers around a submission: the organisation's template and a
summary of what a submission stored (with the submit and view rights checked first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from monitor.ingest.entry_template import write_entry_template
from monitor.organisations import get_organisation
from monitor.policy import Action, Principal
from schema import AggregateMeasurement, Indicator, Organisation


def entry_template(
    session: Session,
    principal: Principal,
    reporter_code: str,
    *,
    language: str = "nl",
    units_en: dict[str, str] | None = None,
    today: date | None = None,
) -> bytes:
    """The XLSX template of ``reporter_code`` (whom the principal may submit for)."""
    reporter = get_organisation(session, reporter_code)
    principal.require(Action.SUBMIT, reporter.id, f"data for {reporter_code}")
    return write_entry_template(
        session, reporter_code, language=language, today=today, units_en=units_en
    )


@dataclass(frozen=True)
class StoredFigures:
    """What one submission stored: how many figures, about whom, which indicators and
    periods (codes, sorted), and the names to show them by."""

    count: int
    organisations: list[str]
    indicators: list[str]
    periods: list[str]
    organisation_names: dict[str, str]
    indicator_names: dict[str, tuple[str, str]]  # code -> (Dutch, English)


def stored_figures(session: Session, principal: Principal, submission_id: int) -> StoredFigures:
    """The aggregate figures written by ``submission_id`` that the principal may view."""
    rows = session.execute(
        sa.select(*(col(c) for c in (
            AggregateMeasurement.period_code, Indicator.code, Organisation.code,
            Organisation.id, Organisation.name, Indicator.name_nl, Indicator.name_en,
        )))
        .join(Indicator, col(Indicator.id) == col(AggregateMeasurement.indicator_id))
        .join(Organisation, col(Organisation.id) == col(AggregateMeasurement.organisation_id))
        .where(col(AggregateMeasurement.submission_id) == submission_id)
    ).all()  # fmt: skip
    rows = [r for r in rows if principal.allows(Action.VIEW, r[3])]
    return StoredFigures(
        count=len(rows),
        organisations=sorted({r[2] for r in rows}),
        indicators=sorted({r[1] for r in rows}),
        periods=sorted({r[0] for r in rows}),
        organisation_names={r[2]: r[4] for r in rows},
        indicator_names={r[1]: (r[5], r[6]) for r in rows},
    )
