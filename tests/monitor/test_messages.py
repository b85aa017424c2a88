"""Every message template the ingest core can produce has a Dutch form and a web-English
form without CLI commands. The templates are found by reading the ingest source (every
reason handed to ``Problems.add``, ``RowProblem`` or ``_unreadable``), not by listing them
by hand, so a new English reason without a translation fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from monitor import messages

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "monitor" / "ingest").glob("*.py")) + [ROOT / "monitor/views/entry.py"]

#: Words that mark a text as English (none of them is Dutch).
ENGLISH = {
    "the", "not", "required", "use", "must", "file", "row", "rows", "value", "values",
    "number", "whole", "unknown", "missing", "allowed", "indicator's", "only", "more", "than",
    "send", "sent", "stored", "nothing", "should", "which", "with", "without", "from", "there",
    "this", "that", "and", "or", "lies", "future", "column", "empty", "give",
    "either", "both", "needs", "larger", "range", "outside", "duplicate", "same",
}  # fmt: skip
#: Words that mark a text as Dutch (none of them is English).
DUTCH = {
    "de", "het", "een", "niet", "geen", "verplicht", "gebruik", "moet", "bestand", "rij",
    "waarde", "getal", "onbekende", "ontbreekt", "niets", "opgeslagen", "van", "voor",
    "zijn", "lever", "deze", "dit", "bij", "ligt", "kolom", "dubbel", "zelfde",
}  # fmt: skip
#: Words that are the same in both languages or are codes (column names, file formats).
CODES = re.compile(r"\b(bsn|child_ref|birth_month|sex|municipality|CH_PART|source_kind|"
                   r"category_option_combos|categoryOptionCombo|dataElement|period|orgUnit|"
                   r"indicator|date|value|organisation)\b")  # fmt: skip
CLI = re.compile(r"\bmonitor (catalogue|org|user|template|ingest)\b|--\w+|MAX_\w+")


def _render(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
    if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("lit", "format"):
        text = _render(node.args[0]) if node.args else None
        return None if text is None else text.replace("{}", "X")
    return None


def _templates() -> list[str]:
    """Every literal reason of the ingest code, with ``X`` for each filled-in part."""
    found: dict[str, None] = {}
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", "")
            given = []
            if name == "add" and len(node.args) >= 4:
                given.append(node.args[3])
            if name == "RowProblem" and len(node.args) >= 5:
                given.append(node.args[4])
            if name == "_unreadable" and len(node.args) >= 2:
                given.append(node.args[1])
            given += [k.value for k in node.keywords if k.arg == "reason"]
            for argument in given:
                text = _render(argument)
                parts = [text] if text is not None else [_render(n) for n in ast.walk(argument)]
                for part in parts:
                    if part and part.strip("X ") and " " in part:
                        found[part] = None
    return list(found)


TEMPLATES = _templates()


def _words(text: str) -> set[str]:
    text = re.sub(r"'[^']*'|\([^)]*\)", " ", CODES.sub(" ", text))  # quoted names, examples
    return {w.lower() for w in re.findall(r"[A-Za-z']+", text)}


def test_the_source_walk_finds_the_templates() -> None:
    assert len(TEMPLATES) > 70
    assert "numerator is larger than the denominator" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_ingest_reason_has_a_dutch_and_a_web_english_form(template: str) -> None:
    assert messages.known(template), f"no translation for: {template!r}"
    dutch = messages.translate(template, "nl")
    english = messages.translate(template, "en")
    leftover = _words(dutch) & ENGLISH
    assert not leftover, f"English words {leftover} in Dutch: {dutch!r}"
    if _words(template) & ENGLISH:  # an English template gets an English web form
        assert not _words(english) & DUTCH, english
    for text in (dutch, english):
        assert not CLI.search(text), f"CLI command or setting in a web message: {text!r}"


def test_words_inside_a_message_are_translated() -> None:
    assert messages.translate("a value is required for a count indicator", "nl") == (
        "een waarde is verplicht bij een indicator van het type aantal"
    )
    assert messages.translate("is a school; a network-level indicator is about a network",
                              "nl").startswith("is een school;")  # fmt: skip
    nested = "x.csv: nothing stored; the database refused the batch: too long"
    assert messages.translate(nested, "nl") == (
        "x.csv: niets opgeslagen; de database weigerde de aanlevering: too long"
    )


def test_thousands_hint_in_both_languages() -> None:
    english = (
        "not a whole number: did you mean 2405? write numbers without a point as thousands "
        "separator"
    )
    assert messages.translate(english, "nl") == (
        "geen heel getal: bedoelde u 2405? Schrijf getallen zonder punt als duizendtalscheiding"
    )


def test_unknown_messages_pass_through() -> None:
    assert messages.translate("something new", "nl") == "something new"


@pytest.mark.parametrize(
    ("header", "asked", "expected"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.8", None, "nl"),
        ("en-GB,en;q=0.9,nl;q=0.8", None, "en"),
        ("de-DE,de;q=0.9,nl;q=0.5", None, "nl"),
        ("en;q=0.2,nl;q=0.8", None, "nl"),
        (None, None, "en"),
        ("nl", "en", "en"),
    ],
)
def test_language_from_header_or_parameter(header, asked, expected) -> None:  # noqa: ANN001
    assert messages.language_of(header, asked) == expected


def test_severities() -> None:
    assert messages.severity("error", "nl") == "fout"
    assert messages.severity("warning", "nl") == "waarschuwing"
    assert messages.severity("warning", "en") == "warning"


def _raised(action) -> str:  # noqa: ANN001
    from monitor.errors import MonitorError

    try:
        action()
    except (MonitorError, ValueError) as exc:
        return str(exc)
    raise AssertionError("no error raised")


def test_errors_the_pages_show_are_translated(catalogue) -> None:  # noqa: ANN001
    """Errors raised by the code the pages call (not hand-written samples)."""
    from datetime import date

    import polars as pl

    from analysis.forecast import baseline_forecast
    from monitor.catalogue import get_indicator
    from monitor.organisations import get_organisation
    from monitor.periods import parse_period

    raised = [
        _raised(lambda: get_organisation(catalogue, "NOPE")),
        _raised(lambda: get_indicator(catalogue, "NOPE")),
        _raised(lambda: parse_period("2024-H7")),
        _raised(
            lambda: baseline_forecast(
                pl.DataFrame({"period_start": [date(2024, 1, 1)], "value": [1.0]}),
                event_date=date(2023, 1, 1),
            )
        ),  # fmt: skip
    ]
    for text in raised:
        assert messages.known(text), text
        dutch = messages.translate(text, "nl")
        assert not _words(dutch) & ENGLISH, dutch
        assert not CLI.search(messages.translate(text, "en")), text


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("niets opgeslagen: 1 fout(en) in 1 rij(en)", "niets opgeslagen: 1 fout in 1 rij"),
        ("niets opgeslagen: 3 fout(en) in 2 rij(en)", "niets opgeslagen: 3 fouten in 2 rijen"),
        ("afgeleid voor 1 kind(eren)", "afgeleid voor 1 kind"),
        ("afgeleid voor 12 kind(eren)", "afgeleid voor 12 kinderen"),
        ("1.234 cel(len) bevatten", "1.234 cellen bevatten"),
        ("die 2 eerdere periode(s) stuurde", "die 2 eerdere periodes stuurde"),
        ("nothing stored: 1 problem(s) in 10 row(s)", "nothing stored: 1 problem in 10 rows"),
        ("organisatie(s) GM0363 bestaan niet", "organisatie(s) GM0363 bestaan niet"),  # no count
        ("code H1(s) and x1 rij(en)", "code H1(s) and x1 rij(en)"),  # not counts
        (
            "niets opgeslagen: 1 probleem/problemen in 1 bestand(en)",
            "niets opgeslagen: 1 probleem in 1 bestand",
        ),
        ("3 probleem/problemen:", "3 problemen:"),
        ("1 stroom/stromen niet getekend", "1 stroom niet getekend"),
        ("12 stroom/stromen niet getekend", "12 stromen niet getekend"),
        ("2023 t/m 2024 (2 jaar)", "2023 t/m 2024 (2 jaar)"),  # not a count
        ("2 met/zonder verblijf", "2 met/zonder verblijf"),  # not one word twice
    ],
)
def test_a_count_takes_the_form_it_asks_for(written, shown):  # noqa: ANN001
    assert messages.counted(written) == shown


def test_web_messages_say_one_row_not_rows():
    assert messages.translate("nothing stored: 1 problem(s) in 1 row(s)", "nl") == (
        "niets opgeslagen: 1 fout in 1 rij"
    )
    assert messages.translate("nothing stored: 2 problem(s) in 1 row(s)", "en") == (
        "nothing stored: 2 problems in 1 row"
    )


@pytest.mark.parametrize(
    ("core", "lang", "shown"),
    [
        (
            "outside the allowed range 0 to 1000000",
            "nl",
            "buiten het toegestane bereik 0 tot 1.000.000",
        ),
        (
            "outside the allowed range 0 to 1000000",
            "en",
            "outside the allowed range 0 to 1,000,000",
        ),
        (
            "outside the allowed range 0.5 to 2.25",
            "nl",
            "buiten het toegestane bereik 0,5 tot 2,25",
        ),
        ("median 102.5 over 7", "nl", "mediaan 102,5 over 7 eerdere perioden"),
        ("median 1500 over 12", "en", "median 1,500 over 12 earlier periods"),
    ],
)
def test_numbers_in_a_message_are_written_as_the_reader_writes_them(core, lang, shown):  # noqa: ANN001
    assert messages.translate(core, lang) == shown


def test_ids_and_years_in_a_message_stay_as_written():
    text = messages.translate(
        "identical to submission 12345 of 2024-03-01 10:00; nothing to do", "nl"
    )
    assert "12345" in text and "2024-03-01" in text
