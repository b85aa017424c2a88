"""The care pathway signal -> referral -> care type -> ending of one period (Sankey)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlmodel import Session

from monitor.figures.cases import NO_CARE, NO_REFERRAL, RUNNING, pathway_links
from monitor.periods import parse_period
from monitor.policy import Principal
from monitor.query import (
    case_rows_in_scope,
)

__all__ = ["NO_CARE", "NO_REFERRAL", "RUNNING", "care_pathway_flows", "pathway_links"]


def care_pathway_flows(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    period_code: str,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """Children with a concern signalled in the period, followed to their first referral
    after the signal (by referrer), the first youth-care episode after the referral (by
    form of care) and how it ended. One row per link: stage, source, target, n_children,
    suppressed (links out of one node are checked together, as they add up)."""
    period = parse_period(period_code)
    # a referral follows the signal and care follows the referral, so rows that started
    # before the period can never be part of a path: only later ones are read
    common = dict(organisation_code=organisation_code, as_of=as_of, started_from=period.start)
    signals = case_rows_in_scope(
        session, principal, indicator_code="CH_SIGNAL", date_to=period.end, **common
    )
    referrals = case_rows_in_scope(session, principal, indicator_code="CH_REF", **common)
    care = case_rows_in_scope(session, principal, indicator_code="CH_CARE", **common)
    return pathway_links(signals, referrals, care)
