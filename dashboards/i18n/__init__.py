"""Texts in Dutch (default) and English, and Dutch number and date formats.

The language lives in the signed Flask session (``/lang/en`` switches), so layouts and
callbacks read it with :func:`language` without passing it around. The texts live by page
(one module each: :mod:`~dashboards.i18n.trend`, ...) and are joined once, at import, into
:data:`TEXTS`, so that a look-up is one dict access.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import flask

from dashboards.i18n.charts import CHARTS
from dashboards.i18n.common import COMMON
from dashboards.i18n.entry import ENTRY
from dashboards.i18n.outcomes import OUTCOMES
from dashboards.i18n.overview import OVERVIEW
from dashboards.i18n.referrals import REFERRALS
from dashboards.i18n.reflection import REFLECTION
from dashboards.i18n.trend import TREND
from dashboards.i18n.units import UNITS_EN
from monitor import messages
from monitor.disclosure import display_value
from monitor.periods import parse_period
from monitor.settings import get_settings

LANGUAGES = ("nl", "en")

_MONTHS = {
    "nl": [
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip


#: Every text by key, one dict built once at import (each area's texts live in its module).
TEXTS: dict[str, tuple[str, str]] = {
    **COMMON,
    **OVERVIEW,
    **TREND,
    **REFERRALS,
    **OUTCOMES,
    **REFLECTION,
    **ENTRY,
    **CHARTS,
}


def unit(text: str | None) -> str:
    """An indicator's unit in the current language."""
    if not text or language() == "nl":
        return text or ""
    return UNITS_EN.get(text, text)


def language() -> str:
    """The current language: the session's choice, else the ``LANGUAGE`` setting."""
    chosen = flask.session.get("lang") if flask.has_request_context() else None
    return chosen if chosen in LANGUAGES else get_settings().language


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text for ``key`` in the current (or given) language, with ``values`` filled in."""
    nl, en = TEXTS[key]  # inline rather than through text_in: t runs thousands of times a page
    text = nl if (lang or language()) == "nl" else en
    return messages.counted(text.format(**values)) if values else text


def text_in(pair: tuple[str, str], lang: str | None = None, **values: object) -> str:
    """The Dutch or English of a ``(nl, en)`` pair in the current (or given) language, with
    ``values`` filled in."""
    nl, en = pair
    text = nl if (lang or language()) == "nl" else en
    return messages.counted(text.format(**values)) if values else text


#: The scorecard's columns, as text keys (the overview page and the report show the same).
SCORECARD_COLUMNS = ("indicator", "source", "period", "value", "previous", "change", "judgement")


def scorecard_headers() -> list[str]:
    """The scorecard's column headings in the current language."""
    return [t(key) for key in SCORECARD_COLUMNS]


def message(text: str) -> str:
    """A message of the core (an error's text) in the current language."""
    return messages.translate(text, language())


def source_line(source: dict) -> str:
    """One sentence naming a figure's source kinds, senders, latest receipt and moment."""
    now = datetime.now(UTC)
    known = long_date(source.get("as_of") or now)
    if not source.get("reported_by"):
        return t("source_cases", known=known)
    kinds = ", ".join(t(k) for k in source["source_kinds"])
    when = long_date(source["recorded_at"]) if source.get("recorded_at") else "–"
    return t("source_line", kinds=kinds, who=", ".join(source["reported_by"]), when=when,
             known=known)  # fmt: skip


def number(value: float | None, *, suppressed: bool = False, decimals: int = 1) -> str:
    """``1.234,5`` (nl) or ``1,234.5`` (en); withheld cells as ``< 10``."""
    return display_value(value, suppressed, decimals=decimals, language=language())


def long_date(day: date | datetime) -> str:
    """``1 maart 2024`` (nl) or ``1 March 2024`` (en)."""
    return f"{day.day} {_MONTHS[language()][day.month - 1]} {day.year}"


def period_label(code: str) -> str:
    """``1e halfjaar 2024`` / ``H1 2024`` for a period code."""
    period = parse_period(code)
    return period.label_nl if language() == "nl" else period.label_en


def separators() -> str:
    """Plotly's ``separators`` (decimal, thousands) for the current language."""
    return ",." if language() == "nl" else ".,"


def threshold() -> int:
    """The disclosure threshold, for texts like "< 10"."""
    return get_settings().disclosure_threshold


__all__ = [
    "LANGUAGES",
    "SCORECARD_COLUMNS",
    "TEXTS",
    "UNITS_EN",
    "language",
    "long_date",
    "message",
    "number",
    "period_label",
    "scorecard_headers",
    "separators",
    "source_line",
    "t",
    "text_in",
    "threshold",
    "unit",
]
