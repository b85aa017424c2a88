"""The printable report of a reflection session (``dashboards.report``): pages, charts,
header, then/now with the correction, notes, disclosure; the CLI and the page's download;
who may export what; a clear message when Chromium is missing.

Expected values come from the dashboard world (``tests/dashboards/world.py``), whose
figures are written there in the open: NW-A's session on 1 February 2024, its 2023-H2 reach
corrected 1010 → 1100 on 1 March 2024, its 2023-H2 signals (7) and the 4 children the
jeugdarts referred without care following, both under the threshold. PDFs are read with
pypdf, independently of the PDFium that draws the page PNGs."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import flask
import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine
from sqlmodel import Session, select

from dashboards import auth, ids
from dashboards.report import in_language, make_report, pngs_as_zip, printing
from dashboards.report.texts import t
from monitor import sessions
from monitor.db import get_engine
from monitor.errors import AccessDeniedError
from monitor.policy import principal_for
from monitor.settings import get_settings
from schema import AuditEntry, ReflectionSession, User
from tests.dashboards.world import CORRECTED_AT, REACH_AFTER, REACH_BEFORE, SESSION_DAY, SIGNALS_A
from tests.factories import PASSWORD
from tests.monitor.api.test_page_access import _log_in, _post

#: Counts of children under the threshold in the world, by where they would show.
SMALL_COUNTS = {"NW_SIGNAL 2023-H2": SIGNALS_A["2023-H2"], "jeugdarts without care": 4}
#: A fixed export moment (13:00 in Amsterdam), so the header can be checked exactly.
EXPORTED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
#: The pathway period with the world's care pathway (children signalled February 2023).
PATHWAY_PERIOD = "2023-H1"
CHART_TITLES_NL = [
    "Verwijzingen per 1.000 kinderen: verloop en vergelijking",
    "Verwijzingen naar jeugdhulp per 1.000 kinderen, naar verwijzer",
    "Jeugdhulp met en zonder verblijf per 1.000 kinderen",
    "Van signaal naar hulp: kinderen met een signaal in 1e halfjaar 2023",
]


def _user(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def _session_id(session: Session) -> int:
    return session.exec(select(ReflectionSession.id)).one()


def _pages_text(pdf: bytes) -> list[str]:
    """Each page's text; ligatures (ﬁ, ﬂ) spelled out."""
    return [
        unicodedata.normalize("NFKC", page.extract_text())
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def _svgs(html: str) -> list[str]:
    found = re.findall(r'<img alt="[^"]*" src="data:image/svg\+xml;base64,([^"]+)"', html)
    return [base64.b64decode(b).decode("utf-8") for b in found]


def _numbers(text: str) -> set[str]:
    """Every number standing on its own (``1.100``, ``41,5``, ``13:00`` whole)."""
    return set(re.findall(r"(?<![\w.,:])\d+(?:[.,:]\d+)*(?![\w.,:])", text))


# ------------------------------------------------------------ one report, drawn once
@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory, dashboard_db_template: Path) -> Path:
    path = tmp_path_factory.mktemp("report") / "world.db"
    shutil.copy(dashboard_db_template, path)
    return path


@pytest.fixture(scope="module")
def printed(world_file: Path) -> Iterator[object]:
    """NW-A's session printed in Dutch for its network viewer, exact figures."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{world_file}")
        patch.setenv("DISCLOSURE_NOISE", "none")
        get_settings.cache_clear()
        engine = create_engine(f"sqlite:///{world_file}")
        with Session(engine) as session, in_language("nl"):
            principal = principal_for(session, _user(session, "viewer_a"))
            report = make_report(
                session, principal, session_id=_session_id(session),
                period_code=PATHWAY_PERIOD, with_pngs=True, now=EXPORTED,
            )  # fmt: skip
            session.commit()
            audited = session.exec(
                select(AuditEntry).where(AuditEntry.action == "reflection_report")
            ).all()
        engine.dispose()
        get_settings.cache_clear()
    assert len(audited) == 1 and audited[0].username == "viewer_a"
    yield report


@pytest.mark.browser
def test_every_page_is_numbered_and_holds_its_part(printed, artifacts):  # noqa: ANN001
    pages = _pages_text(printed.pdf)
    assert 5 <= len(pages) <= 8
    for number, text in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in text
    assert "Scorekaart" in pages[0] and "Verslag dialooggesprek: Netwerk Amsterdam-Oost" in pages[0]
    assert "Zo leest u deze grafiek" not in pages[0]  # the charts start on a page of their own
    whole = "\n".join(pages)
    assert whole.index("Cijfers zoals bekend op 1 februari 2024 en nu") > whole.index(
        CHART_TITLES_NL[-1]
    )
    assert "Notities en afgesproken acties" in pages[-1] and "Bronnen" in pages[-1]
    assert len(printed.pngs) == len(pages)
    folder = artifacts / "report"
    folder.mkdir(exist_ok=True)
    for number, image in enumerate(printed.pngs, start=1):
        assert image[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
        assert abs(height / width - 297 / 210) < 0.01  # A4 upright
        (folder / f"world-nl-pagina-{number}.png").write_bytes(image)
    (folder / "world-nl.pdf").write_bytes(printed.pdf)


@pytest.mark.browser
def test_header_names_network_session_moment_and_exporter(printed):  # noqa: ANN001
    first = _pages_text(printed.pdf)[0]
    assert "Netwerk Amsterdam-Oost (NW-A)" in first
    assert "Dialooggesprek voorjaar" in first
    assert "Datum bijeenkomst 1 februari 2024" in first
    assert "Cijfers zoals bekend op 1 februari 2024 (eind van de dag)" in first
    assert "Geëxporteerd 1 december 2026, 13:00" in first  # 12:00 UTC in Amsterdam
    assert "Door viewer_a" in first
    assert "Periode van scorekaart" in first and "1e halfjaar 2023" in first


def test_senders_are_named_as_the_pages_name_them(printed):  # noqa: ANN001
    text = " ".join(" ".join(_pages_text(printed.pdf)).split()).replace("- ", "-")
    # NW-A sent its own figures (tests.factories): by name, as the overview says it
    assert "door Netwerk Amsterdam-Oost, ontvangen" in text
    assert "door NW-A" not in text and "aangeleverd door NW-A" not in text


@pytest.mark.browser
def test_every_chart_is_an_image_drawn_into_the_pdf(printed):  # noqa: ANN001
    svgs = _svgs(printed.html)
    assert len(svgs) == 4 == printed.html.count("<img ")
    assert all('class="main-svg"' in svg for svg in svgs)
    trend, rates, care, pathway = svgs
    for line_chart in (trend, rates, care):
        assert line_chart.count('class="js-line"') >= 2  # lines drawn, not an empty frame
    assert 'class="sankey-node' in pathway and "Signaal" in pathway
    assert "Verwachting zonder verandering" in trend  # the baseline before the first event
    assert "Andere netwerken" in trend  # a comparison group
    whole = "\n".join(_pages_text(printed.pdf))
    for title in CHART_TITLES_NL:  # a chart's title lives only in its image
        assert title in whole
    assert "zonder verblijf" in whole and "Eigen organisatie" in whole


@pytest.mark.browser
def test_then_now_shows_the_correction_and_the_notes(printed):  # noqa: ANN001
    whole = "\n".join(_pages_text(printed.pdf))
    before, after = f"{REACH_BEFORE:,}".replace(",", "."), f"{REACH_AFTER:,}".replace(",", ".")
    corrected_on = f"{CORRECTED_AT.day} maart {CORRECTED_AT.year}"
    # the corrections table names organisation, indicator and sender (not their codes)
    assert re.search(rf"Netwerk\s+Amsterdam-\s*Oost\s+Kinderen\s+in\s+bereik\s+netwerk\s+2e\s+"
                     rf"halfjaar\s+2023\s+Totaal\s+{before}\s+{after}\s+{corrected_on}",
                     whole)  # fmt: skip
    assert "NW_CHILDREN" not in whole
    then_now = re.search(rf"Kinderen in bereik netwerk\s*geregistreerd\s*2e halfjaar 2023\s*"
                         rf"{before}\s*{after}\s*ja", whole)  # fmt: skip
    assert then_now, "the then/now row of the corrected reach"
    assert "Verwijzingen huisarts dalen." in whole
    assert f"{SESSION_DAY.day} februari {SESSION_DAY.year}" in whole


@pytest.mark.browser
def test_no_count_under_the_threshold_appears(printed):  # noqa: ANN001
    pages = _pages_text(printed.pdf)
    whole = "\n".join(pages)
    signals = re.search(r"Signalen zorg\s*geregistreerd\s*2e halfjaar 2023\s*(\S+ ?\S*)", whole)
    assert signals and signals.group(1).startswith("< 10")
    assert "&lt; 10" in printed.html
    shown = set()
    for number, text in enumerate(pages, start=1):
        text = text.replace(f"pagina {number} van {len(pages)}", "")
        shown |= _numbers(re.sub(r"\b\d{1,2} (januari|februari|maart|december) \d{4}", "", text))
    for where, count in SMALL_COUNTS.items():
        assert str(count) not in shown, f"{where}: {count} is in the PDF"
    for svg in _svgs(printed.html):
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert not {str(c) for c in SMALL_COUNTS.values()} & set(texts)
    assert t("suppressed_note", "nl", t=10)[:40] in whole.replace("\n", " ")


def test_the_html_escapes_what_people_typed_and_holds_four_charts(catalogue, world):  # noqa: ANN001
    from dashboards.report.content import gather
    from dashboards.report.html import render_html
    from monitor import views

    viewer = principal_for(catalogue, _user(catalogue, "viewer_a"))
    views.add_reflection_note(
        catalogue, viewer, session_id=world.reflection_session_id, kind="action",
        text='<script>alert(1)</script> & "ja"', owner_organisation_code="NW-A",
    )  # fmt: skip
    with in_language("nl"):
        content = gather(catalogue, viewer, session_id=world.reflection_session_id)
        for chart in content.charts:
            chart.svg = f"<svg><text>{chart.key}</text></svg>"
        html = render_html(content)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert [svg for svg in _svgs(html)] == [f"<svg><text>{k}</text></svg>" for k in
                                            ("trend", "referrals", "care", "pathway")]  # fmt: skip
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html  # nothing to fetch: the page is printed offline
    assert content.known_on == views.end_of_day(content.held_on)
    assert content.period_code == "2024-H1"  # the newest referral rate known on the day


def test_the_charts_are_the_pages_own_figures(dashboard_db, exact_figures):  # noqa: ANN001
    """For a session held today the report's charts are, trace for trace, what the trend
    and referrals pages draw for the same organisation and period."""
    import sys
    from datetime import date

    from dashboards.app import create_dash_app
    from dashboards.report.content import TREND_GROUPS, gather
    from monitor import views

    app = create_dash_app()
    with Session(get_engine()) as session:
        viewer = principal_for(session, _user(session, "viewer_a"))
        today = views.create_reflection_session(
            session, viewer, organisation_code="NW-A", held_on=date.today(), title="Vandaag"
        )
        session.commit()
        with app.server.test_request_context("/"):
            flask.session[auth.SESSION_KEY] = sessions.start_session(
                session, _user(session, "viewer_a")
            )
            flask.session["lang"] = "nl"
            session.commit()
            content = gather(session, viewer, session_id=today.id, period_code=PATHWAY_PERIOD)
            trend, _table, _notes = sys.modules["pages.trend"].show_trend(
                "NW-A", PATHWAY_PERIOD, "NW_REF_RATE", "", list(TREND_GROUPS), "2023-01-01"
            )
            rates, _, care, _, sankey, _ = sys.modules["pages.referrals"].show_referrals(
                "NW-A", PATHWAY_PERIOD
            )
    drawn = {c.key: c.figure.to_plotly_json() for c in content.charts}
    for key, page_figure in [("trend", trend), ("referrals", rates), ("care", care),
                             ("pathway", sankey)]:  # fmt: skip
        assert drawn[key]["data"] == page_figure.to_plotly_json()["data"], key
        assert drawn[key]["layout"]["title"] == page_figure.to_plotly_json()["layout"]["title"]


# ------------------------------------------------------------ the CLI, in English
@pytest.mark.browser
def test_cli_writes_the_pdf_and_a_png_per_page_in_english(  # noqa: ANN001
    cli, dashboard_db, exact_figures, tmp_path, monkeypatch
):
    monkeypatch.setenv("MONITOR_PASSWORD", PASSWORD)
    with Session(get_engine()) as session:
        session_id = _session_id(session)
    out, pngs = tmp_path / "out" / "rapport.pdf", tmp_path / "png"
    code, stdout, stderr = cli(
        "report", str(session_id), "--out", str(out), "--png-dir", str(pngs),
        "--lang", "en", "--user", "viewer_a", "--period", PATHWAY_PERIOD,
    )  # fmt: skip
    assert code == 0, stderr
    pages = _pages_text(out.read_bytes())
    images = sorted(pngs.glob("*.png"))
    assert len(images) == len(pages) and f"({len(pages)}" in stdout
    assert images[0].name == "reflection-NW-A-2024-02-01-page-1.png"
    assert f"page 1 of {len(pages)}" in pages[0]
    assert "Reflection session report: Netwerk Amsterdam-Oost" in pages[0]
    assert "Figures as known on 1 February 2024 (end of the day)" in pages[0]
    whole = "\n".join(pages)
    assert "Referrals to youth care per 1,000 children, by referrer" in whole
    assert "Corrections since 1 February 2024" in whole and "1,100" in whole
    assert "Verslag" not in whole and "pagina" not in whole


# ------------------------------------------------------------ who may export what
def test_another_networks_session_is_refused_before_anything_is_drawn(  # noqa: ANN001
    catalogue, world, monkeypatch
):
    def no_browser(**_kwargs):  # noqa: ANN003, ANN202
        raise AssertionError("the browser was asked for before the access check")

    monkeypatch.setattr("dashboards.report.browser_path", no_browser)
    session_id = world.reflection_session_id
    for outsider in ("viewer_b", "officer_rdam", "school_b"):
        principal = principal_for(catalogue, _user(catalogue, outsider))
        with in_language("nl"), pytest.raises(AccessDeniedError):
            make_report(catalogue, principal, session_id=session_id)


def test_cli_refuses_an_outsider_and_writes_nothing(cli, world, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("MONITOR_PASSWORD", PASSWORD)
    out = tmp_path / "rapport.pdf"
    code, _stdout, stderr = cli(
        "report", str(world.reflection_session_id), "--out", str(out), "--user", "viewer_b"
    )
    assert code == AccessDeniedError.exit_code and "may not view" in stderr
    assert not out.exists()


@pytest.fixture
def page(dashboard_db):  # noqa: ANN001, ANN201
    """The app and a browser-like client on the world (Dash's real callback endpoint)."""
    from dashboards.app import create_dash_app

    app = create_dash_app()
    client = app.server.test_client()
    client.get("/")
    return app, client


def _export(page, username: str, session_id: object, button: str = ids.REFLECTION_EXPORT_PDF):  # noqa: ANN001, ANN202
    app, client = page
    _log_in(client, app, username)
    values = {f"{button}.n_clicks": 1, f"{ids.REFLECTION_SESSION}.value": session_id}
    return _post(client, app, "export", values, [f"{button}.n_clicks"])


@pytest.mark.parametrize("forged", ["own", "as text", "in a list", None, 10**12])
def test_the_page_download_refuses_sessions_the_user_may_not_see(page, monkeypatch, forged):  # noqa: ANN001
    monkeypatch.setattr("dashboards.report.browser_path", lambda **_: pytest.fail("drawn"))
    with Session(get_engine()) as session:
        session_id = _session_id(session)  # NW-A's session
    asked = {"own": session_id, "as text": str(session_id), "in a list": [session_id]}
    answer = _export(page, "viewer_b", asked.get(forged, forged))
    assert answer.status_code == 204, answer.text[:300]  # no update, nothing sent


def test_without_chromium_the_download_and_the_cli_say_how_to_install_it(  # noqa: ANN001
    page, cli, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium anywhere
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("MONITOR_PASSWORD", PASSWORD)
    with Session(get_engine()) as session:
        session_id = _session_id(session)
    answer = _export(page, "viewer_a", session_id)
    assert answer.status_code == 200, answer.text[:300]
    shown = json.dumps(answer.json["response"], ensure_ascii=False)
    assert (
        "Chromium" in shown and "Vraag de beheerder het pakket ‘chromium’ te installeren" in shown
    )
    assert ids.REFLECTION_DOWNLOAD not in answer.json["response"]  # no file
    out = tmp_path / "rapport.pdf"
    code, _stdout, stderr = cli("report", str(session_id), "--out", str(out), "--user", "viewer_a")
    assert code == printing.ReportUnavailableError.exit_code
    assert "Chromium ontbreekt" in stderr and "apt-get install chromium" in stderr
    assert "Traceback" not in stderr and not out.exists()


@pytest.mark.browser
def test_the_page_download_gives_the_viewer_her_sessions_pages(page):  # noqa: ANN001
    import zipfile

    with Session(get_engine()) as session:
        session_id = _session_id(session)
    answer = _export(page, "viewer_a", session_id, ids.REFLECTION_EXPORT_PNG)
    assert answer.status_code == 200, answer.text[:300]
    sent = answer.json["response"][ids.REFLECTION_DOWNLOAD]["data"]
    assert sent["filename"] == "dialooggesprek-NW-A-2024-02-01-png.zip" and sent["base64"]
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(sent["content"]))) as archive:
        names = archive.namelist()
        first = archive.read(names[0])
    assert len(names) >= 5 and first[:4] == b"\x89PNG"


@pytest.mark.browser
def test_png_pages_travel_as_one_zip(printed):  # noqa: ANN001
    import zipfile

    with zipfile.ZipFile(io.BytesIO(pngs_as_zip(printed))) as archive:
        names = archive.namelist()
    assert names[0] == "dialooggesprek-NW-A-2024-02-01-pagina-1.png"
    assert len(names) == len(printed.pngs)
