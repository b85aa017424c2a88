"""libxml2's schema and syntax messages (English) in Dutch, for the people who fix the
messages: what is wrong, with the offending value where the message quotes one."""

from __future__ import annotations

import re

from lxml import etree


def _names(text: str) -> str:
    """``{ns}Name`` -> ``Name`` throughout a libxml2 message."""
    return re.sub(r"\{https?://[^}]*\}", "", text)


_VALUE = r"The value '(?P<v>.*)'"
#: libxml2's schema messages (English) and their Dutch wording; the first match wins.
_TRANSLATIONS: list[tuple[str, str]] = [
    (
        rf"\[facet 'pattern'\] {_VALUE} is not accepted by the pattern '(?P<p>.*)'",
        "waarde '{v}' heeft niet de vorm die de standaard voorschrijft (patroon {p})",
    ),
    (
        rf"\[facet 'enumeration'\] {_VALUE} is not an element of the set \{{(?P<s>.*)\}}",
        "waarde '{v}' staat niet in de codelijst (toegestaan: {s})",
    ),
    (
        r"\[facet 'maxLength'\] The value has a length of '(?P<n>\d+)'; this exceeds the "
        r"allowed maximum length of '(?P<m>\d+)'",
        "waarde is {n} tekens lang; hoogstens {m} toegestaan",
    ),
    (
        r"\[facet 'minLength'\] The value has a length of '(?P<n>\d+)'; this underruns the "
        r"allowed minimum length of '(?P<m>\d+)'",
        "waarde is {n} tekens lang; minstens {m} nodig",
    ),
    (
        rf"\[facet 'maxInclusive'\] {_VALUE} is greater than the maximum value allowed "
        r"\('(?P<m>.*)'\)",
        "waarde '{v}' is groter dan de toegestane {m}",
    ),
    (
        rf"\[facet 'minInclusive'\] {_VALUE} is less than the minimum value allowed "
        r"\('(?P<m>.*)'\)",
        "waarde '{v}' is kleiner dan de toegestane {m}",
    ),
    (
        r"'(?P<v>.*)' is not a valid value of the atomic type "
        r"'(?P<t>LDT_(Datum|Geboortedatum)\w*)'",
        "'{v}' is geen bestaande datum (verwacht JJJJ-MM-DD, een dag die in die maand bestaat)",
    ),
    (
        r"'(?P<v>.*)' is not a valid value of the (atomic|local atomic|list) type '?(?P<t>[^']*)'?",
        "'{v}' is geen geldige waarde voor {t}",
    ),
    (
        r"This element is not expected\. Expected is one of \( (?P<e>.*) \)",
        "dit element hoort hier niet; verwacht één van: {e}",
    ),
    (
        r"This element is not expected\. Expected is \( (?P<e>.*) \)",
        "dit element hoort hier niet; verwacht: {e}",
    ),
    (r"This element is not expected", "dit element hoort hier niet"),
    (
        r"Missing child element\(s\)\. Expected is one of \( (?P<e>.*) \)",
        "verplicht onderdeel ontbreekt; verwacht één van: {e}",
    ),
    (
        r"Missing child element\(s\)\. Expected is \( (?P<e>.*) \)",
        "verplicht onderdeel ontbreekt: {e}",
    ),
    (
        r"Character content other than whitespace is not allowed",
        "tekst is hier niet toegestaan (alleen onderliggende elementen)",
    ),
    (
        r"No matching global declaration available for the validation root",
        "het hoofdelement is geen Bericht van dit berichttype",
    ),
]
_COMPILED = [(re.compile(pattern), dutch) for pattern, dutch in _TRANSLATIONS]


def dutch(message: str) -> tuple[str, str | None]:
    """The reason in Dutch and the offending value (when the message quotes one)."""
    text = _names(message)
    text = re.sub(r"^Element '[^']*'(?:, attribute '[^']*')?: ", "", text).rstrip(".")
    for pattern, template in _COMPILED:
        found = pattern.search(text)
        if found:
            return template.format(**found.groupdict()), found.groupdict().get("v")
    return f"voldoet niet aan het iJw 3.2-schema ({text})", None


def dutch_syntax(exc: etree.XMLSyntaxError) -> str:
    text = str(exc.msg or exc).split(", line")[0]
    known = {
        "Premature end of data": "het bestand houdt midden in een element op",
        "Opening and ending tag mismatch": "begin- en eindtag passen niet bij elkaar",
        "Start tag expected": "geen XML-element gevonden",
        "Document is empty": "het bestand is leeg",
        "Extra content at the end of the document": "tekst na het einde van het bericht",
    }
    for english, dutch in known.items():
        if english in text:
            return dutch
    return text
