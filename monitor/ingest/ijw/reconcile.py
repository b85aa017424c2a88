"""After an import: derive the touched children's case rows again from all their stored
iJw lines and bring ``case_measurement`` in step, with the platform's supersession."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import select, update
from sqlmodel import Session, col

from monitor import rollups
from monitor.ingest.context import Context
from monitor.ingest.ijw.derive import INDICATORS, Derived, derive_child
from monitor.ingest.store import CASE, store_table
from schema import CaseMeasurement, IjwProduct, Submission, table_of
from schema.base import SourceKind

SHAPE = "ijw"


def derive_children(session: Session, child_ids: list[int]) -> tuple[list[Derived], list[str]]:
    """Derived rows and notes of the children, from all their stored iJw lines."""
    columns = [c for c in table_of(IjwProduct).columns]
    by_child: dict[int, list[dict]] = {}
    for start in range(0, len(child_ids), 500):
        statement = select(*columns).where(
            col(IjwProduct.child_id).in_(child_ids[start : start + 500])
        )
        for row in session.execute(statement).mappings():
            by_child.setdefault(row["child_id"], []).append(dict(row))
    derived, notes = [], []
    for child_id, lines in by_child.items():
        rows, child_notes = derive_child(child_id, lines)
        derived += rows
        notes += child_notes
    return derived, notes


def _indicator_ids(ctx: Context):  # noqa: ANN202
    """code, day -> id of the catalogue version valid that day (else the newest)."""
    versions: dict[str, list[tuple]] = {}
    for row in ctx.indicators.filter(pl.col("indicator").is_in(INDICATORS)).iter_rows(named=True):
        versions.setdefault(row["indicator"], []).append(
            (row["i_version"], row["i_id"], row["i_valid_from"], row["i_retired_on"])
        )

    def pick(code: str, day: date) -> int:
        ordered = sorted(versions[code])
        valid = [v for v in ordered if v[2] <= day and (v[3] is None or v[3] > day)]
        return (valid or ordered)[-1][1]

    return pick


def reconcile(
    session: Session,
    derived: list[Derived],
    child_ids: list[int],
    providers: dict[str, int],
    ctx: Context,
    submission_id: int,
    now: datetime,
) -> tuple[int, int, int]:
    """Store the derived rows; withdraw the iJw-derived rows no longer derived."""
    c = CaseMeasurement
    codes_ids = ctx.indicators.filter(pl.col("indicator").is_in(INDICATORS))
    indicator_ids = codes_ids["i_id"].to_list()
    existing: list[tuple] = []
    for start in range(0, len(child_ids), 500):
        existing += session.execute(
            select(
                col(c.id),
                col(c.child_id),
                col(c.reporting_org_id),
                col(c.indicator_id),
                col(c.category),
                col(c.observed_on),
            )
            .join(Submission, col(Submission.id) == col(c.submission_id))
            .where(
                col(c.child_id).in_(child_ids[start : start + 500]),
                col(c.superseded_at).is_(None),
                col(c.indicator_id).in_(indicator_ids),
                col(Submission.shape) == SHAPE,
            )
        ).all()
    indicator_id = _indicator_ids(ctx)
    rows = [
        {
            "child_id": d.child_id,
            "indicator_id": indicator_id(d.indicator, d.observed_on),
            "reporting_org_id": providers[d.provider_agb],
            "submission_id": submission_id,
            "observed_on": d.observed_on,
            "end_date": d.end_date,
            "value": d.value,
            "category": d.category,
            "end_reason": d.end_reason,
            "source_kind": SourceKind.REGISTERED.value,
        }
        for d in derived
    ]
    schema = {
        "child_id": pl.Int64,
        "indicator_id": pl.Int64,
        "reporting_org_id": pl.Int64,
        "submission_id": pl.Int64,
        "observed_on": pl.Date,
        "end_date": pl.Date,
        "value": pl.Float64,
        "category": pl.String,
        "end_reason": pl.String,
        "source_kind": pl.String,
    }
    counts = store_table(session, CASE, pl.DataFrame(rows, schema=schema), now=now)
    wanted = {
        (r["child_id"], r["reporting_org_id"], r["indicator_id"], r["category"], r["observed_on"])
        for r in rows
    }
    gone = [row[0] for row in existing if tuple(row[1:]) not in wanted]
    for start in range(0, len(gone), 500):
        session.execute(
            update(c).where(col(c.id).in_(gone[start : start + 500])).values(superseded_at=now)
        )
    if gone:  # their paths lose the withdrawn rows (store_table refreshed the others)
        gone_children = {row[1] for row in existing if tuple(row[1:]) not in wanted}
        rollups.refresh_children(session.connection(), gone_children)
    return counts.inserted, counts.superseded + len(gone), counts.unchanged
