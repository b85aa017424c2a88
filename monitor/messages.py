"""Messages of the core in the user's language: ingest reasons, severities and errors.

The core writes its messages in English (the CLI, logs and the API's default). For a web
user (dashboards, the API with ``Accept-Language: nl`` or ``?lang=nl``) :func:`translate`
turns a message into Dutch, or into English without CLI commands, by matching it against
the templates in :data:`TEMPLATES` (``{name}`` marks a part taken over from the message;
known words in it, such as a value type or an organisation kind, are translated too).
A message no template knows is returned unchanged.
"""

from __future__ import annotations

import re
from functools import cache

from monitor.message_texts import SEVERITIES, TEMPLATES, WORDS

LANGUAGES = ("nl", "en")

__all__ = [
    "SEVERITIES",
    "TEMPLATES",
    "WORDS",
    "counted",
    "known",
    "language_of",
    "severity",
    "translate",
]

#: A count and the word it counts, written for one or many: "3 rij(en)", "1 problem(s)",
#: "2 eerdere periode(s)" (one word may stand between).
_COUNTED = re.compile(r"(?<![\w.,])(\d[\d.,]*)( (?:[^\W\d]+ )?[^\W\d]+)\(([^\W\d]+)\)")


#: A count and a word written as "one/many" where the plural is no suffix: "2
#: probleem/problemen", "1 stroom/stromen" (both share their first three letters, so "2023
#: t/m 2024" is no count).
_COUNTED_PAIR = re.compile(r"(?<![\w.,])(\d[\d.,]*) ([^\W\d]{3,})/([^\W\d]{3,})(?![\w/])")


def _pair(match: re.Match[str]) -> str:
    number, one, many = match[1], match[2], match[3]
    if one[:3].lower() != many[:3].lower():
        return match[0]
    return f"{number} {one if number == '1' else many}"


def counted(text: str) -> str:
    """``text`` with every "N word(suffix)" or "N one/many" in the form that N asks for: "1
    rij", "3 rijen", "1 problem", "12 problems", "2 problemen" (a message written once for
    one and for many)."""
    text = _COUNTED.sub(lambda m: m[1] + m[2] + ("" if m[1] == "1" else m[3]), text)
    return _COUNTED_PAIR.sub(_pair, text) if "/" in text else text


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    compiled = []
    for english, dutch, web_english in TEMPLATES:
        parts = re.split(r"(\{[a-z_0-9]+\})", english)
        pattern = "".join(
            f"(?P<{p[1:-1]}>.+?)" if re.fullmatch(r"\{[a-z_0-9]+\}", p) else re.escape(p)
            for p in parts
        )
        compiled.append((re.compile(pattern + r"\Z", re.S), dutch, web_english or english))
    return tuple(compiled)


def _fill(value: str, lang: str) -> str:
    if value in WORDS:
        return WORDS[value][0 if lang == "nl" else 1]
    # a part may itself be a message ("X: nothing stored; <reason>")
    return translate(value, lang) if " " in value else value


#: Parts of a message that are numbers to write in the reader's notation ("1.000.000",
#: "102,5" in Dutch); other numbers (ids, years, rows, counts) stay as written.
NUMBER_PARTS = frozenset({"low", "high", "median"})


def _number(text: str, lang: str) -> str:
    """``text`` (a number the core wrote: "1000000", "102.5") in ``lang``'s notation."""
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    whole, _, decimals = text.partition(".")
    grouped = f"{int(whole):,}"
    if lang == "nl":
        return grouped.replace(",", ".") + ("," + decimals if decimals else "")
    return grouped + ("." + decimals if decimals else "")


def translate(message: str, lang: str) -> str:
    """``message`` (English, from the core) for a web user in ``lang`` (nl/en)."""
    if not message:
        return message
    for pattern, dutch, web_english in _compiled():
        match = pattern.match(message)
        if match is None:
            continue
        values = {
            k: _number(v, lang) if k in NUMBER_PARTS else _fill(v, lang)
            for k, v in match.groupdict().items()
        }
        return counted((dutch if lang == "nl" else web_english).format(**values))
    return counted(message)


def known(message: str) -> bool:
    """True when a template covers ``message``."""
    return any(p.match(message) for p, _, _ in _compiled())


def severity(code: str, lang: str) -> str:
    """``error``/``warning`` in ``lang``."""
    nl, en = SEVERITIES.get(code, (code, code))
    return nl if lang == "nl" else en


def language_of(accept_language: str | None, asked: str | None = None) -> str:
    """The language a caller asked for: ``lang`` if given, else the first of nl/en in an
    ``Accept-Language`` header (``nl-NL,nl;q=0.9,en;q=0.8``), else English."""
    if asked in LANGUAGES:
        return asked
    ranked = []
    for index, item in enumerate((accept_language or "").split(",")):
        tag, _, weight = item.strip().partition(";q=")
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            q = 0.0
        ranked.append((-q, index, tag.split("-")[0].lower()))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return "en"
