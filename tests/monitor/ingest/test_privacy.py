"""The raw BSN never reaches the database, the logs, error messages or reject files."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import text
from sqlmodel import SQLModel

from monitor.pseudonym import pseudonym_for_bsn
from tests.monitor.ingest.helpers import case_row, valid_bsns, write_case


def _database_text(session, engine) -> str:
    """Everything stored: the SQLite files' bytes, or every PostgreSQL row cast to text."""
    session.commit()
    if engine.dialect.name == "sqlite":
        base = Path(engine.url.database)
        files = [base, Path(f"{base}-wal"), Path(f"{base}-shm")]
        return "".join(f.read_bytes().decode("latin-1") for f in files if f.exists())
    parts = []
    for table in SQLModel.metadata.sorted_tables:
        rows = session.execute(text(f'SELECT CAST(t AS text) FROM "{table.name}" AS t')).all()
        parts.extend(r[0] for r in rows)
    return "\n".join(parts)


def test_no_raw_bsn_anywhere(orgs, engine, tmp_path, caplog, cli):
    caplog.set_level(logging.DEBUG)
    good = valid_bsns(20, start=41_000_000)
    bad = good[-1][:-1] + str((int(good[-1][-1]) + 1) % 10)  # fails the elfproef
    rows = [case_row(child_ref="", bsn=b, value=str(i)) for i, b in enumerate(good[:-1])]
    rows.append(case_row(child_ref="", bsn=bad))
    rows.append(case_row(child_ref="K-1", bsn=good[0]))  # both ids: reported, masked
    rows.append(case_row(child_ref="", bsn=good[1], value="x"))  # bad value: row with a BSN
    path = write_case(tmp_path / "bsn.csv", rows)
    code, out, err = cli("ingest", str(path), "--org", "SCH-01", "--accept-valid")
    assert code == 10, err  # stored the good rows; some rejected
    code, out2, err2 = cli("ingest", str(path), "--org", "SCH-01")  # now rejected
    assert code == 9
    rejects = Path(f"{path}.rejects.csv").read_text()
    broken = tmp_path / "broken.csv"  # the CSV parser's error quotes the bad line
    broken.write_text(f'bsn,indicator,date,value\n"{good[2]},CH_ABS,2024-01-01,4\n')
    code, out3, err3 = cli("ingest", str(broken), "--org", "SCH-01")
    assert code == 9 and "not a readable CSV" in err3 and f"*******{good[2][-2:]}" in err3
    reported = [line.split(",")[1:4] for line in rejects.splitlines()[1:]]
    assert ["21", "bsn", f"*******{bad[-2:]}"] in reported
    assert ["22", "bsn", f"*******{good[0][-2:]}"] in reported
    assert ["23", "value", "x"] in reported
    stored = _database_text(orgs, engine)
    # positive control: what is stored is visible to this search
    assert pseudonym_for_bsn(good[0]) in stored
    places = {
        "database": stored,
        "logs": caplog.text,
        "cli output": out + err + out2 + err2 + out3 + err3,
        "rejects of the broken file": Path(f"{broken}.rejects.csv").read_text(),
        "rejects file": rejects,
    }
    for number in [*good, bad]:
        for place, content in places.items():
            assert number not in content, f"raw BSN found in {place}"
