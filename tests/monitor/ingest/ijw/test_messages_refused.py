"""Bad iJw messages are refused whole: file, line, element and a Dutch reason; nothing
stored; no BSN in any message, reject file, log line or stored row."""

from __future__ import annotations

import logging
import zipfile

import pytest
from sqlalchemy import func, select

from monitor.ingest.ijw import import_messages
from schema import CaseMeasurement, Child, IjwProduct, Submission
from tests.monitor.ingest.ijw.conftest import AGB_1
from tests.monitor.ingest.ijw.messages import bsn, jw301, jw305, jw307, jw315
from tests.monitor.ingest.test_privacy import _database_text

CHILD = bsn(3)


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (independent of the reader)."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _nothing_stored(session) -> None:
    for table in (IjwProduct, CaseMeasurement, Child):
        assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0


def _request(**changes) -> str:
    product = {"reference": "R1", "referrer": "02", **changes}
    return jw315(child=CHILD, provider=AGB_1, gemeente="0363", day="2026-04-01", products=[product])


def test_an_impossible_date_is_refused_with_file_line_and_element(ijw, inbox):
    xml = _request(end="2027-06-31")
    path = inbox("verzoek.xml", xml)
    report = import_messages(ijw, path, municipality_code="GM0363")
    assert report.status == "rejected"
    (problem,) = report.problems
    assert problem.file == "verzoek.xml"
    assert problem.row == _line_of(xml, "2027-06-31")
    assert (problem.column, problem.value) == ("ToewijzingEinddatum", "2027-06-31")
    assert "'2027-06-31' is geen bestaande datum" in problem.reason
    _nothing_stored(ijw)
    stored = ijw.execute(select(Submission.status, Submission.message)).one()
    assert stored.status == "rejected" and "geen bestaande datum" in stored.message
    assert report.message == "niets opgeslagen: 1 probleem/problemen in 1 bestand(en)"


@pytest.mark.parametrize(
    ("kind", "broken", "element", "reason"),
    [
        (
            "JW315",
            ("<ijw:Type>02</ijw:Type>", "<ijw:Type>07</ijw:Type>"),
            "Type",
            "waarde '07' staat niet in de codelijst",
        ),
        (
            "JW315",
            ("<jw315:Geslacht>2</jw315:Geslacht>", ""),
            "Naam",
            "dit element hoort hier niet; verwacht: Geslacht",
        ),
        (
            "JW301",
            ("<jw301:Toewijzingstijd>09:30:00</jw301:Toewijzingstijd>", ""),
            "Ingangsdatum",
            "dit element hoort hier niet; verwacht: Toewijzingstijd",
        ),
        (
            "JW305",
            ("<jw305:Begindatum>2026-05-01</jw305:Begindatum>", ""),
            "StatusAanlevering",
            "verwacht: Begindatum",
        ),
        (
            "JW307",
            (
                "<jw307:RedenBeeindiging>31</jw307:RedenBeeindiging>",
                "<jw307:RedenBeeindiging>99</jw307:RedenBeeindiging>",
            ),
            "RedenBeeindiging",
            "waarde '99' staat niet in de codelijst",
        ),
        (
            "JW305",
            (
                "<jw305:BerichtCode>438</jw305:BerichtCode>",
                "<jw305:BerichtCode>436</jw305:BerichtCode>",
            ),
            "BerichtCode",
            "waarde '436' heeft niet de vorm die de standaard voorschrijft",
        ),
    ],
)
def test_each_message_type_names_what_is_wrong_in_dutch(ijw, inbox, kind, broken, element, reason):
    common = dict(child=CHILD, provider=AGB_1, gemeente="0363", day="2026-05-02")
    xml = {
        "JW315": lambda: _request(),
        "JW301": lambda: jw301(**common, products=[{"number": "7001"}]),
        "JW305": lambda: jw305(**common, products=[{"number": "7001", "begin": "2026-05-01"}]),
        "JW307": lambda: jw307(
            **common, products=[{"number": "7001", "begin": "2026-05-01", "end": "2026-05-02"}]
        ),
    }[kind]()
    old, new = broken
    assert old in xml
    xml = xml.replace(old, new)
    report = import_messages(ijw, inbox(f"{kind}.xml", xml), municipality_code="GM0363")
    assert report.status == "rejected"
    problem = report.problems[0]
    assert (problem.file, problem.column) == (f"{kind}.xml", element)
    assert reason in problem.reason, problem.reason
    assert problem.row == _line_of(xml, f":{element}>" if new or element != "Naam" else ":Naam>")
    _nothing_stored(ijw)


def test_one_bad_file_in_a_folder_stores_nothing(ijw, inbox):
    inbox(
        "a_goed.xml",
        jw301(
            child=CHILD,
            provider=AGB_1,
            gemeente="0363",
            day="2026-04-01",
            products=[{"number": "7001"}],
        ),
    )
    inbox("b_fout.xml", _request(end="2027-02-30"))
    report = import_messages(ijw, inbox.folder, municipality_code="GM0363")
    assert report.status == "rejected"
    assert [p.file for p in report.problems] == ["b_fout.xml"]
    _nothing_stored(ijw)


def test_messages_of_another_municipality_and_unknown_providers_are_refused(ijw, inbox):
    other = jw301(
        child=CHILD,
        provider=AGB_1,
        gemeente="0599",
        day="2026-04-01",
        products=[{"number": "7001"}],
    )
    report = import_messages(ijw, inbox("rdam.xml", other), municipality_code="GM0363")
    assert report.status == "rejected"
    assert "bericht van gemeente 0599" in report.problems[0].reason
    assert report.problems[0].row == _line_of(other, "<jw301:Afzender>")
    unknown = jw301(
        child=CHILD,
        provider="55554444",
        gemeente="0363",
        day="2026-04-01",
        products=[{"number": "7001"}],
    )
    report = import_messages(ijw, inbox("onbekend.xml", unknown), municipality_code="GM0363")
    assert report.status == "rejected"
    assert "AGB-code 55554444 is niet gekoppeld" in report.problems[0].reason
    assert "monitor ijw provider 55554444 --org" in report.problems[0].reason
    _nothing_stored(ijw)


def test_status_aanlevering_2_is_refused_as_the_standard_says(ijw, inbox):
    xml = jw305(
        child=CHILD,
        provider=AGB_1,
        gemeente="0363",
        day="2026-05-02",
        products=[{"number": "7001", "begin": "2026-05-01", "status": "2"}],
    )
    report = import_messages(ijw, inbox("start.xml", xml), municipality_code="GM0363")
    assert report.status == "rejected"
    (problem,) = report.problems
    assert problem.column == "StatusAanlevering" and "CS058" in problem.reason
    assert problem.row == _line_of(xml, "<jw305:StartProduct>")


def test_not_xml_and_other_message_types(ijw, inbox):
    inbox("kapot.xml", "<jw305:Bericht")
    report = import_messages(ijw, inbox.folder, municipality_code="GM0363")
    assert report.status == "rejected"
    assert report.problems[0].reason.startswith("geen geldige XML")
    (inbox.folder / "kapot.xml").unlink()
    inbox(
        "retour.xml",
        '<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema"/>',
    )
    inbox(
        "toewijzing.xml",
        jw301(
            child=CHILD,
            provider=AGB_1,
            gemeente="0363",
            day="2026-04-01",
            products=[{"number": "7001"}],
        ),
    )
    report = import_messages(ijw, inbox.folder, municipality_code="GM0363")
    assert report.status == "accepted", report.problems
    assert any("berichttype JW302 wordt niet ingelezen" in w.reason for w in report.warnings)


# ------------------------------------------------------------------ the BSN never shows
def _bad_bsn_messages() -> dict[str, tuple[str, str]]:
    """name -> (xml, the BSN-like value it carries)."""
    elfproef = "123456788"  # nine digits, fails the elfproef
    too_long = "2345600091"  # ten digits: not masked by the nine-digit rule
    typo = "23456A009"  # a BSN with a typo: quoted by the schema's pattern message
    return {
        "elfproef.xml": (_request().replace(CHILD, elfproef), elfproef),
        "lang.xml": (_request().replace(CHILD, too_long), too_long),
        "tikfout.xml": (_request().replace(CHILD, typo), typo),
        "datum.xml": (_request(end="2027-06-31"), CHILD),  # a valid BSN, another error
    }


def test_a_bad_message_with_a_bsn_never_shows_the_bsn(ijw, engine, inbox, tmp_path, caplog, cli):
    caplog.set_level(logging.DEBUG)
    messages = _bad_bsn_messages()
    for name, (xml, _) in messages.items():
        inbox(name, xml)
    archive = tmp_path / "berichten.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, (xml, _) in messages.items():
            zf.writestr(name, xml)
    report = import_messages(ijw, inbox.folder, municipality_code="GM0363")
    assert report.status == "rejected"
    by_file = {p.file: p for p in report.problems}
    assert "elfproef" in by_file["elfproef.xml"].reason
    assert by_file["lang.xml"].column == by_file["tikfout.xml"].column == "Bsn"
    assert "geen bestaande datum" in by_file["datum.xml"].reason
    rejects = report.rejects_csv(tmp_path / "rejects.csv").read_text()
    code, out, err = cli("ijw", "import", str(archive), "--municipality", "GM0363")
    assert code == 9 and "elfproef" in err
    shown = "\n".join(
        [
            *(p.as_text() for p in report.problems),
            rejects,
            out,
            err,
            caplog.text,
            _database_text(ijw, engine),
        ]
    )
    for _, value in messages.values():
        assert value not in shown
