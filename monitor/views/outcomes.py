"""Child outcomes rolled up per period and group, in and outside the programme; the
completeness of the partners' reporting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl
from sqlalchemy import select
from sqlmodel import Session, col

from monitor.asof import known_at
from monitor.catalogue import get_indicator
from monitor.organisations import get_organisation
from monitor.policy import Action, Principal
from monitor.query import (
    case_rows_in_scope,
    rollup_frame,
)
from schema import (
    NetworkMembership,
    Organisation,
    OrgKind,
    Participation,
    PeriodType,
    ReportingObligation,
)


# -------------------------------------------------------------------- child outcomes
def _programme_flags(
    session: Session,
    organisation: Organisation,
    rows: pl.DataFrame,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """Add ``programme`` (``in``/``out``): was the child in the organisation's programme
    (a network's, or any network in the municipality) on the observation date?"""
    if rows.is_empty():
        return rows.with_columns(pl.lit("out").alias("programme"))
    kind = OrgKind(organisation.kind)
    if kind.is_network:
        networks = [organisation.id]
    else:
        networks = list(
            session.execute(
                select(col(Organisation.id)).where(
                    col(Organisation.municipality_id) == organisation.id,
                    col(Organisation.kind).in_(
                        [OrgKind.NETWORK.value, OrgKind.SAMENWERKINGSVERBAND]
                    ),
                )
            ).scalars()
        )
    p = Participation
    spells = pl.DataFrame(
        [
            tuple(r)
            for r in session.execute(
                select(col(p.child_id), col(p.valid_from), col(p.valid_to)).where(
                    col(p.network_id).in_(networks or [-1]), known_at(p, as_of)
                )
            ).all()
        ],
        schema={"child_id": pl.Int64, "p_from": pl.Date, "p_to": pl.Date},
        orient="row",
    )
    keyed = rows.with_row_index("_i")
    inside = (
        keyed.join(spells, on="child_id")
        .filter(
            (pl.col("observed_on") >= pl.col("p_from"))
            & (pl.col("p_to").is_null() | (pl.col("observed_on") <= pl.col("p_to")))
        )
        .select("_i")
        .unique()
    )
    return keyed.with_columns(
        pl.when(pl.col("_i").is_in(inside["_i"].implode()))
        .then(pl.lit("in"))
        .otherwise(pl.lit("out"))
        .alias("programme")
    ).drop("_i")


def outcome_rollup(
    session: Session,
    principal: Principal,
    *,
    indicator_code: str,
    organisation_code: str,
    by: Sequence[str] = ("programme",),
    period_type: PeriodType = PeriodType.HALF_YEAR,
    as_of: datetime | None = None,
    source_kind: str | None = None,
) -> pl.DataFrame:
    """A child outcome per period and ``by`` (``programme``, ``age_group``,
    ``reporting_org_code`` = school, ``sex``): children, mean, median, quartiles; cells of
    fewer children than the threshold withheld (with secondary suppression).

    One source kind only (default: the indicator's own), so that registered, observed and
    survey values never end up in one figure."""
    organisation = get_organisation(session, organisation_code)
    rows = case_rows_in_scope(
        session,
        principal,
        indicator_code=indicator_code,
        organisation_code=organisation_code,
        as_of=as_of,
        source_kind=source_kind or get_indicator(session, indicator_code).source_kind,
    )
    if "programme" in by:
        rows = _programme_flags(session, organisation, rows, as_of)
    return rollup_frame(rows, period_type=period_type, by=list(by))


# ------------------------------------------------------------------ completeness
def partner_completeness(
    session: Session, principal: Principal, *, organisation_code: str, period_codes: Sequence[str]
) -> pl.DataFrame:
    """Per partner (the organisation, a network's members, a municipality's organisations)
    and obligation: expected figures, received on time, late, missing, open, and the
    indicator's own periods they were judged on (``periods``: a yearly indicator asked in
    a half-year is judged on the year containing it, once however many halves are asked)."""
    from monitor.ingest import completeness

    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    ids = {organisation.id}
    if OrgKind(organisation.kind).is_network:
        ids |= set(
            session.execute(
                select(col(NetworkMembership.member_id)).where(
                    col(NetworkMembership.network_id) == organisation.id
                )
            ).scalars()
        )
    elif organisation.kind == OrgKind.MUNICIPALITY.value:
        ids |= set(
            session.execute(
                select(col(Organisation.id)).where(
                    col(Organisation.municipality_id) == organisation.id
                )
            ).scalars()
        )
    ids = {i for i in ids if principal.allows(Action.VIEW, i)}
    obligations = session.execute(
        select(col(Organisation.code), col(ReportingObligation.indicator_code))
        .join(Organisation, col(Organisation.id) == col(ReportingObligation.organisation_id))
        .where(col(ReportingObligation.organisation_id).in_(ids))
        .distinct()
    ).all()
    schema = pl.Schema(
        {
            "organisation": pl.String,
            "indicator_code": pl.String,
            "expected": pl.UInt32,
            "on_time": pl.UInt32,
            "late": pl.UInt32,
            "missing": pl.UInt32,
            "open": pl.UInt32,
            "periods": pl.String,
        }
    )
    if not obligations:
        return pl.DataFrame(schema=schema)
    frames = []
    by_indicator: dict[str, list[str]] = {}
    for code, indicator_code in obligations:
        by_indicator.setdefault(indicator_code, []).append(code)
    for indicator_code, orgs in sorted(by_indicator.items()):
        detail = completeness(
            session, indicator_code=indicator_code, periods=period_codes, organisation_codes=orgs
        )
        frames.append(
            detail.group_by("organisation")
            .agg(
                pl.col("expected").sum(),
                (pl.col("status") == "on_time").sum().alias("on_time"),
                (pl.col("status") == "late").sum().alias("late"),
                (pl.col("status") == "missing").sum().alias("missing"),
                (pl.col("status") == "open").sum().alias("open"),
                pl.col("period").filter(pl.col("expected")).str.join(", ").alias("periods"),
            )
            .with_columns(pl.lit(indicator_code).alias("indicator_code"))
        )
    out = pl.concat(frames).select(list(schema)).cast(schema)
    return out.sort("organisation", "indicator_code")
