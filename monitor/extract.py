"""Researcher extracts: a pseudonymised, reproducible snapshot of case-level data.

An extract directory holds ``measurements.parquet`` (one row per observation),
``participation.parquet`` (programme exposure), ``codebook.json`` (indicator definitions
and versions, category labels, period conventions) and ``manifest.json`` (the query, the
as-of moment, row counts and SHA-256 checksums), so a study can be rerun exactly.
Only researchers get extracts (``monitor.query.case_extract`` enforces it and audits it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from monitor.policy import Principal
from monitor.query import case_extract, participation_extract
from schema import Indicator, IndicatorCategory, utcnow

PERIOD_CONVENTIONS = {
    "observed_on": "observation date; start date for episodes (CH_CARE, CH_PROT)",
    "end_date": "end date of an episode; empty while it runs",
    "periods": "half-years are YYYY-H1 (Jan-Jun) and YYYY-H2 (Jul-Dec); CBS codes such as "
    "2024HJ01, 2024KW02 and 2024MM03 are converted on ingest",
    "as_of": "rows as known at the manifest's as_of moment (valid time + recorded time)",
    "child_pseudonym": "keyed HMAC-SHA256; stable within one platform key, meaningless outside",
}


@dataclass(frozen=True)
class ExtractManifest:
    """What was extracted, when, and the checksums to verify it later."""

    out_dir: Path
    rows: int
    participation_rows: int
    children: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_extract(
    session: Session,
    principal: Principal,
    *,
    indicator_codes: list[str],
    out_dir: Path,
    date_from: date | None = None,
    date_to: date | None = None,
    as_of: datetime | None = None,
) -> ExtractManifest:
    """Write a researcher extract to ``out_dir`` (created; must be empty or new)."""
    as_of = as_of or utcnow()
    frame = case_extract(
        session,
        principal,
        indicator_codes=indicator_codes,
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
    )
    exposure = participation_extract(session, principal, as_of=as_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    measurements_path = out_dir / "measurements.parquet"
    participation_path = out_dir / "participation.parquet"
    frame.write_parquet(measurements_path, statistics=False)
    exposure.write_parquet(participation_path, statistics=False)

    indicators = session.exec(
        select(Indicator)
        .where(col(Indicator.code).in_(indicator_codes))
        .order_by(col(Indicator.code))
    ).all()
    sets = {i.category_set for i in indicators} | {i.end_category_set for i in indicators}
    categories = session.exec(
        select(IndicatorCategory).where(
            col(IndicatorCategory.category_set).in_([s for s in sets if s])
        )
    ).all()
    codebook = {
        "indicators": [
            {
                "code": i.code,
                "version": i.version,
                "name_nl": i.name_nl,
                "name_en": i.name_en,
                "definition": i.definition,
                "level": i.level,
                "value_type": i.value_type,
                "unit": i.unit,
                "direction": i.direction,
                "range": [i.min_value, i.max_value],
                "category_set": i.category_set,
                "end_category_set": i.end_category_set,
                "source_kind": i.source_kind,
                "valid_from": i.valid_from.isoformat(),
                "retired_on": i.retired_on.isoformat() if i.retired_on else None,
                "source": i.source_reference,
            }
            for i in indicators
        ],
        "categories": [
            {
                "set": c.category_set,
                "code": c.code,
                "label_nl": c.label_nl,
                "label_en": c.label_en,
                "cbs_code": c.cbs_code,
                "group": c.group,
            }
            for c in categories
        ],
        "columns": PERIOD_CONVENTIONS,
    }
    (out_dir / "codebook.json").write_text(json.dumps(codebook, indent=2, ensure_ascii=False))
    children = frame["child_pseudonym"].n_unique() if frame.height else 0
    manifest = {
        "query": {
            "indicators": indicator_codes,
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        "as_of": as_of.isoformat(),
        "created_at": utcnow().isoformat(),
        "researcher": principal.username,
        "files": {
            "measurements.parquet": {"rows": frame.height, "sha256": _sha256(measurements_path)},
            "participation.parquet": {
                "rows": exposure.height,
                "sha256": _sha256(participation_path),
            },
        },
        "children": children,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return ExtractManifest(out_dir, frame.height, exposure.height, children)


def verify_extract(out_dir: Path) -> list[str]:
    """Recompute checksums; returns the files whose content no longer matches the manifest."""
    manifest = json.loads((out_dir / "manifest.json").read_text())
    return [
        name
        for name, meta in manifest["files"].items()
        if _sha256(out_dir / name) != meta["sha256"]
    ]
