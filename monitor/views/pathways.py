"""The care pathway signal -> referral -> care type -> ending of one period (Sankey)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import polars as pl
from sqlmodel import Session

from monitor import rollups
from monitor.figures.cases import NO_CARE, NO_REFERRAL, RUNNING, path_links, pathway_links
from monitor.organisations import get_organisation
from monitor.periods import parse_period
from monitor.policy import Action, Principal
from monitor.query import case_rows_in_scope, network_pupil_months, network_pupils
from schema import Organisation, OrgKind, PeriodType, id_of

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
    on or after the signal (by referrer), the first youth-care episode on or after the
    referral (by form of care) and how it ended. One row per link: stage, source, target,
    n_children, suppressed, reason.

    Whose children: a municipality's residents; a network's pupils — children signalled
    while attending one of its member schools in the signal's month, whoever reported the
    signal (so the flows out of "Signaal" add up to NW_SIGNAL, the network's own count);
    a partner's own reports. Referrals and care are followed wherever they were reported
    (for a municipality or partner within the principal's case scope).

    As known now, for a half-year of a network, or of a municipality whose children are
    all in the principal's case scope, the paths come from the rollup case_pathway
    (:mod:`monitor.rollups`); as of an earlier moment, or otherwise, from the raw rows."""
    period = parse_period(period_code)
    organisation = get_organisation(session, organisation_code)
    if (
        as_of is None
        and period.type is PeriodType.HALF_YEAR
        and _in_rollup(organisation, principal)
    ):
        principal.require(Action.VIEW, id_of(organisation), f"figures of {organisation_code}")
        return path_links(rollups.pathway_paths(session, id_of(organisation), period.code))
    # a referral follows the signal and care follows the referral, so rows that started
    # before the period can never be part of a path: only later ones are read
    is_network = OrgKind(organisation.kind).is_network
    pupils = (
        network_pupils(session, organisation, period.start, period.end, as_of)
        if is_network
        else None
    )
    rows_in_scope = partial(
        case_rows_in_scope,
        session,
        principal,
        organisation_code=organisation_code,
        as_of=as_of,
        started_from=period.start,
        children=pupils,
    )
    signals = rows_in_scope(indicator_code="CH_SIGNAL", date_to=period.end)
    if is_network:
        months = network_pupil_months(session, organisation, period.start, period.end, as_of)
        signals = signals.with_columns(
            pl.col("observed_on").dt.truncate("1mo").alias("month")
        ).join(months, on=["child_id", "month"], how="semi")
    referrals = rows_in_scope(indicator_code="CH_REF")
    care = rows_in_scope(indicator_code="CH_CARE")
    return pathway_links(signals, referrals, care)


def _in_rollup(organisation: Organisation, principal: Principal) -> bool:
    """Whether case_pathway holds this subject's paths as the principal may see them: a
    network's pupils (the network's own figures), or a municipality's children when the
    principal's case scope holds every row about them."""
    kind = OrgKind(organisation.kind)
    if kind.is_network:
        return True
    scope = principal.case_scope
    return kind is OrgKind.MUNICIPALITY and (
        scope.all_rows or organisation.id in scope.child_municipality_ids
    )
