"""The generator's ``--with-errors`` mess is exactly what ingest rejects: every injected row
is reported (file and row), and no genuine row is. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from monitor import organisations as orgs
from monitor.ingest import ingest_file
from synthetic_data import generate


def _rejected_rows(session, data_dir: Path) -> set[tuple[str, int]]:
    orgs.import_organisations(session, data_dir / "organisations.csv")
    orgs.import_memberships(session, data_dir / "memberships.csv")
    session.commit()
    found: set[tuple[str, int]] = set()
    files = sorted((data_dir / "aggregate").glob("*.csv")) + sorted(
        (data_dir / "case").glob("*.parquet")
    )
    for path in files:
        report = ingest_file(session, path, organisation_code=path.stem, dry_run=True)
        for problem in report.problems:
            assert problem.row is not None, problem  # file-level problems would hide rows
            found.add((f"{path.parent.name}/{path.name}", problem.row))
    return found


def test_with_errors_rows_are_exactly_the_rejected_rows(catalogue, tmp_path):
    generate("demo", 7, tmp_path / "data", with_errors=True)
    truth = json.loads((tmp_path / "data" / "truth.json").read_text())
    injected = {(e["file"], e["row"]) for e in truth["errors"]}
    assert len(injected) >= 50
    assert _rejected_rows(catalogue, tmp_path / "data") == injected
