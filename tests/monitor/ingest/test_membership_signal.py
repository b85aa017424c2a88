"""A partner cannot learn from any answer whether the monitor already knows a child
(#12 item 6): a dry run or a real run of a BSN the monitor knows (sent by another partner)
and of one it does not know give the same outcome and the same text, on every channel."""

from __future__ import annotations

from sqlmodel import func, select

from monitor.ingest import ingest_file
from schema import Child
from tests.monitor.ingest.helpers import case_row, write_case

KNOWN, UNKNOWN = "111222333", "123456782"  # both pass the elfproef
BARE = {"child_ref": "", "sex": "", "birth_month": "", "municipality": ""}


def _outcome(report) -> tuple:  # noqa: ANN001
    """Everything a partner sees, with the BSN's own masked tail taken out."""

    def text(p) -> str:  # noqa: ANN001
        return p.as_text().replace("*******33", "*").replace("*******82", "*")

    return (
        report.status, report.rows_read, report.rows_accepted, report.rows_rejected,
        report.rows_superseded, report.rows_unchanged, report.message.replace("known", "?"),
        [text(p) for p in report.problems], [text(p) for p in report.warnings],
    )  # fmt: skip


def test_known_and_unknown_bsn_answer_alike(orgs, tmp_path):
    # another partner (JH-01) made the child KNOWN
    seed = write_case(tmp_path / "seed.csv", [case_row(child_ref="", bsn=KNOWN)])
    assert ingest_file(orgs, seed, organisation_code="JH-01").status == "accepted"
    assert orgs.exec(select(func.count()).select_from(Child)).one() == 1
    for bare in (BARE, {"child_ref": ""}):  # without and with the child's attributes
        for dry_run in (True, False):
            seen = []
            for bsn in (KNOWN, UNKNOWN):
                path = write_case(tmp_path / f"probe-{bsn}.csv",
                                  [case_row(bsn=bsn, date="2024-05-31", **bare)])  # fmt: skip
                report = ingest_file(orgs, path, organisation_code="SCH-01", dry_run=dry_run)
                seen.append(_outcome(report))
            assert seen[0] == seen[1], (bare, dry_run, seen)
    text = repr(seen)
    assert "not known" not in text and "first time" not in text
