"""Data entry through the ingest core (with the principal's submit rights checked first)
and the quality warnings on stored figures."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select
from sqlmodel import Session, col

from monitor.errors import AccessDeniedError
from monitor.organisations import get_organisation
from monitor.policy import Action, Principal
from monitor.query import (
    stored_aggregates,
)
from monitor.views.figures import aggregate_indicators, level_of
from schema import (
    Organisation,
    id_of,
)
from schema.base import OrgKind


# ------------------------------------------------------------------ data entry
def submitting_organisations(session: Session, principal: Principal) -> list[Organisation]:
    """Organisations the principal may submit for: those named in a role first."""
    own = {org_id for _, org_id in principal.roles if org_id is not None}
    orgs = list(session.execute(select(Organisation).order_by(col(Organisation.name))).scalars())
    allowed = [o for o in orgs if principal.allows(Action.SUBMIT, o.id)]
    return sorted(allowed, key=lambda o: (o.id not in own, o.name))


def own_organisation_code(session: Session, principal: Principal) -> str | None:
    """The user's own organisation: the one named in their role (one they may submit for
    first, then by name); None for a user whose roles name none (the admin)."""
    own = {org_id for _, org_id in principal.roles if org_id is not None}
    if not own:
        return None
    orgs = session.execute(select(Organisation).where(col(Organisation.id).in_(own))).scalars()
    chosen = sorted(orgs, key=lambda o: (not principal.allows(Action.SUBMIT, o.id), o.name))
    return chosen[0].code if chosen else None


def default_reporter(
    session: Session, principal: Principal, reporters: list[str], header_code: str | None
) -> str | None:
    """Whom the data-entry page submits for unless the user picks another: their own
    organisation (case rows are reported by the partner that holds them), else the
    organisation in the header, else the first they may submit for."""
    own = own_organisation_code(session, principal)
    for candidate in (own, header_code):
        if candidate in reporters:
            return candidate
    return reporters[0] if reporters else None


#: What an iJw upload is: one message or a zip of messages.
IJW_SUFFIXES = (".xml", ".zip")


def import_ijw(
    session: Session,
    principal: Principal,
    path,  # noqa: ANN001 - str or Path
    *,
    municipality_code: str,
    dry_run: bool = False,
    channel: str = "form",
):  # noqa: ANN201 - IngestReport
    """Import iJw messages for a municipality the principal may submit for (web and API)."""
    from monitor.ingest.ijw import import_messages

    organisation = get_organisation(session, municipality_code)
    principal.require(Action.SUBMIT, organisation.id, f"for {municipality_code}")
    if organisation.kind != OrgKind.MUNICIPALITY:
        raise AccessDeniedError(
            f"iJw messages are imported for a municipality; {municipality_code} is not one"
        )
    return import_messages(
        session, path, municipality_code=municipality_code, user_id=principal.user_id,
        channel=channel, dry_run=dry_run,
    )  # fmt: skip


def submit_file(
    session: Session,
    principal: Principal,
    path,  # noqa: ANN001 - str or Path
    *,
    organisation_code: str,
    accept_valid: bool = False,
    dry_run: bool = False,
):  # noqa: ANN201 - IngestReport
    """Ingest an uploaded file for an organisation the principal may submit for; iJw
    messages (one ``.xml`` or a ``.zip``) sent for a municipality go to the iJw import."""
    from pathlib import Path

    from monitor.ingest import ingest_file

    organisation = get_organisation(session, organisation_code)
    principal.require(Action.SUBMIT, organisation.id, f"data for {organisation_code}")
    if Path(path).suffix.lower() in IJW_SUFFIXES:
        return import_ijw(
            session, principal, path, municipality_code=organisation_code, dry_run=dry_run
        )
    report = ingest_file(
        session,
        path,
        organisation_code=organisation_code,
        user_id=principal.user_id,
        channel="form",
        accept_valid=accept_valid,
        dry_run=dry_run,
    )
    report.discard_rejects()  # the page lists the first problems; the message counts all
    return report


def submit_aggregate(
    session: Session,
    principal: Principal,
    *,
    reporting_organisation_code: str,
    about_organisation_code: str,
    indicator_code: str,
    period: str,
    value: str = "",
    numerator: str = "",
    denominator: str = "",
    category: str = "",
    dry_run: bool = False,
):  # noqa: ANN201 - IngestReport
    """One periodic aggregate typed into a form, through the same ingest rules as a file."""
    from monitor.ingest import ingest_frame

    organisation = get_organisation(session, reporting_organisation_code)
    principal.require(Action.SUBMIT, organisation.id, f"data for {reporting_organisation_code}")
    about = get_organisation(session, about_organisation_code)
    principal.require(Action.SUBMIT, about.id, f"figures of {about_organisation_code}")
    frame = pl.DataFrame(
        {
            "organisation": [about_organisation_code],
            "indicator": [indicator_code],
            "period": [period],
            "value": [value],
            "numerator": [numerator],
            "denominator": [denominator],
            "category": [category],
        }
    )
    return ingest_frame(
        session,
        frame,
        file_name="formulier",
        organisation_code=reporting_organisation_code,
        user_id=principal.user_id,
        channel="form",
        shape="aggregate",
        dry_run=dry_run,
    )


def quality_warnings(
    session: Session, principal: Principal, *, organisation_code: str
) -> pl.DataFrame:
    """Stored figures of the organisation that break a part <= whole rule or are robust
    outliers against the organisation's own history (warnings to check, not errors).

    Only for those who may submit the organisation's figures, and only over the figures
    their own organisations sent: a warning never quotes or hints at anyone else's value."""
    from monitor.ingest import outliers, rule_violations

    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    # the principal's own organisations (named in its roles), not all it may submit for
    own = (
        sorted({o for _, o in principal.roles if o is not None}) if not principal.is_admin else None
    )
    level = level_of(organisation) if principal.allows(Action.SUBMIT, organisation.id) else None
    schema = {
        "indicator_code": pl.String,
        "period_code": pl.String,
        "category": pl.String,
        "value": pl.Float64,
        "warning": pl.String,
        "detail": pl.String,
    }
    if level is None:
        return pl.DataFrame(schema=schema)
    codes = [i.code for i in aggregate_indicators(session, level) if i.value_type != "rate"]
    stored = stored_aggregates(
        session, indicator_codes=codes, organisation_ids=[id_of(organisation)], reported_by=own
    )
    values = stored.select(
        pl.lit(organisation.id, pl.Int64).alias("organisation_id"),
        pl.col("indicator_code").alias("indicator"),
        "category",
        "period_start",
        "source_kind",
        "value",
    )
    periods = dict(zip(stored["period_start"], stored["period_code"], strict=False))
    rows = []
    for r in rule_violations(values.filter(pl.col("value").is_not_null())).iter_rows(named=True):
        rows.append(
            (
                r["part"],
                periods.get(r["period_start"]),
                "",
                r["part_total"],
                "rule",
                f"{r['part']} {r['part_total']:g} > {r['whole']} {r['whole_total']:g}",
            )
        )
    counts = {i.code for i in aggregate_indicators(session, level) if i.value_type == "count"}
    history = values.filter(pl.col("indicator").is_in(sorted(counts)))
    flagged = outliers(
        history.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64)), history
    )
    for r in flagged.iter_rows(named=True):
        rows.append(
            (
                r["indicator"],
                periods.get(r["period_start"]),
                r["category"],
                r["value"],
                "outlier",
                f"median {r['median']:g} over {r['n']}",
            )
        )
    return pl.DataFrame(rows, schema=schema, orient="row")
