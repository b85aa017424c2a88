"""``import_messages``: one submission of iJw messages, all or nothing.

Read and check every message (XSD, elfproef, the municipality, known providers,
StatusAanlevering), pseudonymise the BSN at the door (:mod:`monitor.pseudonym`, the same
keyed HMAC as case files), keep the product lines, derive the children's case
measurements again from all their lines (:mod:`monitor.ingest.ijw.derive`) and store them
with the platform's supersession (:func:`monitor.ingest.store.store_table`): a changed
row is superseded by its successor, a row no longer derived (a start removed with
StatusAanlevering 3) is stamped ``superseded_at`` without one. One transaction with the
Submission and its audit lines; a rejected batch stores nothing and is recorded.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlmodel import Session, col

from monitor.catalogue import get_indicator
from monitor.errors import RowProblem
from monitor.ingest.context import Context, load_context
from monitor.ingest.ijw import codes
from monitor.ingest.ijw.derive import INDICATORS, note_problem
from monitor.ingest.ijw.read import Product, Reading, read_messages
from monitor.ingest.ijw.reconcile import SHAPE, derive_children, reconcile
from monitor.ingest.report import IngestReport
from monitor.ingest.store import insert_children, lookup_children
from monitor.ingest.submissions import Batch, finish, new_submission, record
from monitor.pseudonym import pseudonymise_many
from schema import IjwProduct, IjwProvider, Organisation, Submission, id_of, utcnow
from schema.base import OrgKind, SubmissionStatus

_LINE_COLUMNS = (
    "allocation_number",
    "product_category",
    "product_code",
    "allocated_on",
    "allocated_at",
    "valid_from",
    "valid_to",
    "started_on",
    "ended_on",
    "referrer_type",
    "end_reason",
    "delivery_status",
    "volume",
    "unit",
    "frequency",
)


def _line_fields(product: Product) -> dict[str, Any]:
    """The product line's own columns, as the reader parsed them (typed per the XSD)."""
    return {c: product.fields.get(c) for c in _LINE_COLUMNS}


def import_messages(
    session: Session,
    path: Path | str,
    *,
    municipality_code: str,
    user_id: int | None = None,
    channel: str = "cli",
    dry_run: bool = False,
) -> IngestReport:
    """Import a message file, a folder or a zip of them for ``municipality_code``."""
    path = Path(path)
    ctx = load_context(session, municipality_code)
    batch = Batch(ctx, path.name, "", user_id, channel, shape=SHAPE)
    reading = read_messages(path)
    batch.checksum = reading.checksum
    rows_read = len(reading.products)
    municipality = session.get(Organisation, ctx.org_id)
    problems = list(reading.problems)
    if ctx.org_kind != OrgKind.MUNICIPALITY.value:
        problems.insert(
            0,
            RowProblem(
                path.name,
                None,
                "--municipality",
                municipality_code,
                "iJw-berichten worden ingelezen voor een gemeente",
            ),
        )
    else:
        problems += _header_problems(reading, _gemeente_code(municipality))
    missing = sorted(set(INDICATORS) - set(ctx.indicators["indicator"]))
    if missing:
        problems.insert(0, RowProblem(path.name, None, None, None,
                                      f"de catalogus mist {', '.join(missing)}; laad hem eerst "
                                      "opnieuw: monitor catalogue load"))  # fmt: skip
    providers = _providers(session, {p.provider_agb for p in reading.products})
    problems += _provider_problems(reading, providers)
    problems += _line_problems(reading)
    if problems:
        return _reject(session, batch, rows_read, problems, reading.warnings)
    previous = (
        session.execute(
            select(Submission).where(
                col(Submission.organisation_id) == ctx.org_id,
                col(Submission.checksum) == batch.checksum,
                col(Submission.status) == SubmissionStatus.ACCEPTED.value,
            )
        )
        .scalars()
        .first()
    )
    if previous is not None:
        report = batch.report(
            SubmissionStatus.DUPLICATE,
            rows_read=rows_read,
            message=f"gelijk aan inzending {previous.id}; niets te doen",
        )
        return record(session, batch, report)
    fresh, repeated = _new_products(session, reading.products)
    warnings = list(reading.warnings)
    if repeated:
        warnings.append(
            RowProblem(
                path.name,
                None,
                None,
                None,
                f"{repeated} productregel(s) uit berichten die al eerder zijn "
                "ingelezen; overgeslagen",
                severity="warning",
            )
        )
    report = batch.report(
        SubmissionStatus.ACCEPTED, rows_read=rows_read, rows_accepted=len(fresh), warnings=warnings
    )
    if dry_run:
        report.status = SubmissionStatus.DRY_RUN.value
        report.message = (
            f"alleen gecontroleerd; {len(fresh)} productregel(s) zouden worden opgeslagen"
        )
        return record(session, batch, report)
    try:
        return _store(session, batch, report, fresh, providers, ctx)
    except BaseException:
        session.rollback()
        raise


def _reject(
    session: Session,
    batch: Batch,
    rows_read: int,
    problems: list[RowProblem],
    warnings: list[RowProblem],
) -> IngestReport:
    """Record the refused submission: nothing stored, every problem named."""
    files = len({p.file for p in problems})
    report = batch.report(
        SubmissionStatus.REJECTED,
        rows_read=rows_read,
        rows_rejected=rows_read,
        problems=problems,
        warnings=warnings,
        message=f"niets opgeslagen: {len(problems)} probleem/problemen in {files} bestand(en)",
    )
    return record(session, batch, report)


def _gemeente_code(municipality: Organisation | None) -> str:
    code = (municipality.cbs_code or municipality.code) if municipality else ""
    return code[2:] if code.upper().startswith("GM") else code


def _header_problems(reading: Reading, gemeente: str) -> list[RowProblem]:
    problems, seen = [], set()
    for product in reading.products:
        if product.municipality != gemeente and product.file not in seen:
            seen.add(product.file)
            element = "Afzender" if product.kind == "JW301" else "Ontvanger"
            problems.append(
                RowProblem(
                    product.file,
                    product.gemeente_line,
                    element,
                    product.municipality,
                    f"bericht van gemeente {product.municipality}, niet van "
                    f"de gemeente waarvoor wordt ingelezen ({gemeente})",
                )
            )
    return problems


def _providers(session: Session, agb_codes: set[str]) -> dict[str, int]:
    if not agb_codes:
        return {}
    rows = session.execute(
        select(col(IjwProvider.agb_code), col(IjwProvider.organisation_id)).where(
            col(IjwProvider.agb_code).in_(sorted(agb_codes))
        )
    ).all()
    return {agb: org for agb, org in rows}


def _provider_problems(reading: Reading, providers: dict[str, int]) -> list[RowProblem]:
    problems, seen = [], set()
    for product in reading.products:
        if product.provider_agb not in providers and product.provider_agb not in seen:
            seen.add(product.provider_agb)
            problems.append(
                RowProblem(
                    product.file,
                    None,
                    "AGB-code",
                    product.provider_agb,
                    f"aanbieder met AGB-code {product.provider_agb} is niet gekoppeld aan een "
                    f"organisatie; koppel haar eerst: monitor ijw provider {product.provider_agb} "
                    "--org CODE",
                )
            )
    return problems


def _line_problems(reading: Reading) -> list[RowProblem]:
    problems = []
    for product in reading.products:
        status = product.fields.get("delivery_status")
        if status is not None and status not in (codes.FIRST, codes.DELETE):
            problems.append(
                RowProblem(
                    product.file,
                    product.line,
                    "StatusAanlevering",
                    str(status),
                    "StatusAanlevering 2 en 9 mogen niet worden gebruikt (CS058): verwijder met 3 "
                    "en lever opnieuw aan met 1",
                )
            )
        referrer = product.fields.get("referrer_type")
        if product.kind == "JW315" and referrer not in codes.REFERRER:
            problems.append(
                RowProblem(
                    product.file,
                    product.line,
                    "Verwijzer/Type",
                    None if referrer is None else str(referrer),
                    "onbekende code verwijzer (COD327)",
                )
            )
    return problems


def _new_products(session: Session, products: list[Product]) -> tuple[list[Product], int]:
    """Products of messages not stored before (the same message in a later export)."""
    keys = {(p.provider_agb, p.message_id, p.message_date, p.kind) for p in products}
    stored: set[tuple] = set()
    ids = sorted({k[1] for k in keys})
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                col(IjwProduct.provider_agb),
                col(IjwProduct.message_id),
                col(IjwProduct.message_date),
                col(IjwProduct.kind),
            ).where(col(IjwProduct.message_id).in_(ids[start : start + 500]))
        ).all()
        stored |= {tuple(r) for r in rows}
    first_file: dict[tuple, str] = {}
    fresh = []
    for product in products:
        key = (product.provider_agb, product.message_id, product.message_date, product.kind)
        # the same message twice in one folder or zip counts once (the first file)
        if key not in stored and first_file.setdefault(key, product.file) == product.file:
            fresh.append(product)
    return fresh, len(products) - len(fresh)


def _store(
    session: Session,
    batch: Batch,
    report: IngestReport,
    products: list[Product],
    providers: dict[str, int],
    ctx: Context,
) -> IngestReport:
    now = utcnow()
    submission = new_submission(batch, report)
    session.add(submission)
    session.flush()
    report.submission_id = submission.id
    child_ids = _children(session, products, ctx.org_id, now)
    references = _references(products)
    lines = [
        IjwProduct(
            child_id=child_ids[p.bsn],
            municipality_id=ctx.org_id,
            provider_agb=p.provider_agb,
            submission_id=id_of(submission),
            kind=p.kind,
            message_id=p.message_id,
            message_date=p.message_date,
            line=p.line,
            recorded_at=now,
            **_line_fields(p),
            provider_reference=references.get((p.provider_agb, p.fields["provider_reference"])),
        )
        for p in products
    ]
    session.add_all(lines)
    session.flush()
    derived, notes = derive_children(session, sorted(set(child_ids.values())))
    report.warnings += [note_problem(batch.file_name, n) for n in sorted(set(notes))]
    inserted, superseded, unchanged = reconcile(
        session, derived, sorted(set(child_ids.values())), providers, ctx, id_of(submission), now
    )
    counts = Counter(d.indicator for d in derived)
    report.rows_superseded, report.rows_unchanged = superseded, 0
    report.message = (
        f"{len(products)} productregel(s) opgeslagen; afgeleid voor {len(child_ids)} kind(eren): "
        + ", ".join(f"{get_indicator(session, i).name_nl.lower()} {counts[i]}" for i in INDICATORS)
        + f"; {inserted} meting(en) nieuw, {superseded} vervangen of ingetrokken, "
        f"{unchanged} ongewijzigd"
    )
    return finish(session, batch, submission, report)


def _children(
    session: Session, products: list[Product], municipality_id: int, now
) -> dict[str, int]:  # noqa: ANN001
    """Child id per BSN of the batch (new children inserted); the BSN goes no further."""
    first: dict[str, Product] = {}
    for product in products:
        first.setdefault(product.bsn, product)
    bsns = sorted(first)
    pseudonyms = pseudonymise_many([f"bsn:{b}" for b in bsns])
    by_pseudonym = dict(zip(pseudonyms, bsns, strict=True))
    known = lookup_children(session, pseudonyms)
    new = [p for p in pseudonyms if p not in known]
    frame = pl.DataFrame(
        {
            "pseudonym": new,
            "birth_month": [first[by_pseudonym[p]].birth_date.replace(day=1) for p in new],
            "sex": [codes.SEX.get(first[by_pseudonym[p]].sex, "x") for p in new],
            "municipality_id": [municipality_id] * len(new),
        },
        schema={
            "pseudonym": pl.String,
            "birth_month": pl.Date,
            "sex": pl.String,
            "municipality_id": pl.Int64,
        },
    )
    known |= insert_children(session, frame, now)
    return {by_pseudonym[p]: i for p, i in known.items()}


def _references(products: list[Product]) -> dict[tuple, str]:
    """The provider's ReferentieAanbieder as a keyed HMAC per provider (it may hold a
    client number): equal references stay equal, so JW315 and JW301 still link."""
    pairs = sorted(
        {(p.provider_agb, p.fields["provider_reference"]) for p in products}
        - {(p.provider_agb, None) for p in products}
    )
    digests = pseudonymise_many([f"ref:{agb}:{ref}" for agb, ref in pairs])
    return dict(zip(pairs, digests, strict=True))
