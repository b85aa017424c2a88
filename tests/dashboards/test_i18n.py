"""Every text of the dashboards exists in Dutch and English, with the same placeholders and
no words of the other language; every unit of the catalogue has an English form; the
page's ``<html lang>`` follows the chosen language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from dashboards import i18n

CATALOGUE = Path(__file__).resolve().parents[2] / "monitor" / "data" / "indicators.yaml"
ENGLISH = {
    "the",
    "and",
    "with",
    "without",
    "children",
    "figures",
    "period",
    "source",
    "received",
    "known",
    "withheld",
    "which",
    "choose",
    "every",
    "is",
    "are",
    "not",
}
DUTCH = {
    "de",
    "het",
    "een",
    "en",
    "kinderen",
    "cijfers",
    "periode",
    "bron",
    "ontvangen",
    "bekend",
    "onderdrukt",
    "kies",
    "elke",
    "niet",
    "zijn",
    "wordt",
    "van",
    "voor",
}


def _words(text: str) -> set[str]:
    text = re.sub(r"\{[a-z_]*\}", " ", text)  # placeholders are names, not words
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(i18n.TEXTS))
def test_every_text_in_both_languages(key: str) -> None:
    nl, en = i18n.TEXTS[key]
    assert nl.strip() and en.strip(), key
    assert _fields(nl) == _fields(en), key
    assert not _words(nl) & ENGLISH - {"is"}, f"{key}: English in {nl!r}"
    assert not _words(en) & DUTCH, f"{key}: Dutch in {en!r}"


def test_every_catalogue_unit_has_an_english_form() -> None:
    units = {
        i["unit"] for i in yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["indicators"]
        if i.get("unit")
    }  # fmt: skip
    assert units, "no units read"
    missing = units - set(i18n.UNITS_EN)
    assert not missing, f"units without an English form: {missing}"
    for unit in units:
        assert not _words(i18n.UNITS_EN[unit]) & DUTCH, unit


def test_html_lang_follows_the_language(dashboard_db) -> None:  # noqa: ANN001
    from dashboards.app import create_dash_app

    client = create_dash_app().server.test_client()
    assert '<html lang="nl">' in client.get("/login").get_data(as_text=True)
    client.get("/lang/en?next=/login")
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
