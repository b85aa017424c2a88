"""``monitor ijw``: link providers, import a folder, exit codes and Dutch output."""

from __future__ import annotations

from sqlalchemy import func, select

from schema import CaseMeasurement
from tests.monitor.ingest.ijw.messages import bsn, jw301, jw305


def test_provider_link_and_import(orgs, inbox, cli):
    code, out, _ = cli("ijw", "provider", "98000009", "--org", "JH-01")
    assert code == 0 and "98000009 is gekoppeld aan JH-01" in out
    code, _, err = cli("ijw", "provider", "98000009", "--org", "GM0363")
    assert code != 0 and "alleen een partner" in err
    code, out, _ = cli("ijw", "providers")
    assert "98000009" in out and "JH-01" in out
    child = bsn(11)
    common = dict(child=child, provider="98000009", gemeente="0363")
    inbox("301.xml", jw301(**common, day="2025-09-01", products=[{"number": "9001"}]))
    inbox(
        "305.xml",
        jw305(**common, day="2025-09-09", products=[{"number": "9001", "begin": "2025-09-08"}]),
    )
    code, out, _ = cli("ijw", "import", str(inbox.folder), "--municipality", "GM0363", "--dry-run")
    assert code == 0 and "alleen gecontroleerd; 2 productregels" in out
    code, out, _ = cli("ijw", "import", str(inbox.folder), "--municipality", "GM0363")
    assert code == 0, out
    assert "2 productregels opgeslagen" in out and "wachttijd toewijzing tot start zorg 1" in out
    stored = orgs.execute(select(func.count()).select_from(CaseMeasurement)).scalar_one()
    assert stored == 4  # CH_REF, CH_CARE, CH_WAIT, CH_WAIT_ALLOC
    code, out, err = cli("ijw", "import", str(inbox.folder), "--municipality", "NW-OOST")
    assert code == 9
    # counts in the form their number asks for (one message for one and many)
    assert "1 probleem:" in out + err and "/problemen" not in out + err, out + err
    rejects = inbox.folder.with_name("berichten.rejects.csv").read_text(encoding="utf-8")
    assert "iJw-berichten worden ingelezen voor een gemeente" in rejects
