"""The texts of :mod:`monitor.messages`: each message template of the core with its Dutch
form and, where the English names a CLI command or a setting, its English form for the web.

``{name}`` marks a part taken over from the message; ``{{``/``}}`` a literal brace in the
Dutch or web-English form.

The templates are kept by subsystem, one module each; :data:`TEMPLATES` joins them in a
fixed order (the first template that matches a message wins).
"""

from __future__ import annotations

from monitor.message_texts.codes import CODES
from monitor.message_texts.figures import FIGURES
from monitor.message_texts.file import FILE
from monitor.message_texts.ijw import IJW
from monitor.message_texts.storing import STORING
from monitor.message_texts.values import VALUES

#: (English template, Dutch, English for the web or None when the English is fine).
TEMPLATES: tuple[tuple[str, str, str | None], ...] = FILE + CODES + VALUES + STORING + FIGURES + IJW

#: Words that may fill a ``{name}`` part: (Dutch, English).
WORDS: dict[str, tuple[str, str]] = {
    "network": ("netwerk", "network"),
    "municipality": ("gemeente", "municipality"),
    "samenwerkingsverband": ("samenwerkingsverband", "samenwerkingsverband"),
    "school": ("school", "school"),
    "childcare": ("kinderopvang", "childcare"),
    "youth_care": ("jeugdhulpaanbieder", "youth-care provider"),
    "jgz": ("JGZ-organisatie", "youth health care organisation"),
    "case": ("kind", "case"),
    "count": ("aantal", "count"),
    "number": ("getal", "number"),
    "percentage": ("percentage", "percentage"),
    "proportion": ("aandeel", "proportion"),
    "scale": ("schaalscore", "scale"),
    "boolean": ("ja/nee", "yes/no"),
    "category": ("categorie", "category"),
    "episode": ("episode", "episode"),
    "year": ("jaar", "year"),
    "half_year": ("halfjaar", "half-year"),
    "quarter": ("kwartaal", "quarter"),
    "month": ("maand", "month"),
    "submit": ("aanleveren", "submit"),
    "view": ("bekijken", "view"),
    "aggregate": ("periodecijfers", "aggregate"),
    "registered": ("geregistreerd", "registered"),
    "survey": ("enquête", "survey"),
    "observed": ("observatie", "observed"),
}

#: Severities of a row problem.
SEVERITIES = {"error": ("fout", "error"), "warning": ("waarschuwing", "warning")}
