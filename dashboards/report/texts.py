"""The report's own texts in Dutch and English; every other text is the dashboards'
(:mod:`dashboards.i18n`), so the report says what the pages say."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dashboards import i18n

#: Export times are shown in Dutch local time.
LOCAL = ZoneInfo("Europe/Amsterdam")

TEXTS: dict[str, tuple[str, str]] = {
    "report_kind": ("Verslag dialooggesprek", "Reflection session report"),
    "report_network": ("Netwerk of gemeente", "Network or municipality"),
    "report_held_on": ("Datum bijeenkomst", "Session date"),
    "report_known_on": ("Cijfers zoals bekend op", "Figures as known on"),
    "report_known_note": (
        "Scorekaart en grafieken tonen de cijfers zoals ze bekend waren aan het eind van "
        "{date}. De tabel ‘toen en nu’ zet ze naast de cijfers zoals bekend bij het "
        "exporteren, met de correcties daartussen.",
        "The scorecard and charts show the figures as known at the end of {date}. The "
        "‘then and now’ table sets them beside the figures as known at export, with the "
        "corrections in between.",
    ),
    "report_end_of_day": ("eind van de dag", "end of the day"),
    "report_period": ("Periode van scorekaart en zorgpad", "Period of scorecard and pathway"),
    "report_exported": ("Geëxporteerd", "Exported"),
    "report_exported_by": ("Door", "By"),
    "report_page": ("pagina", "page"),
    "report_of": ("van", "of"),
    "report_charts": ("Grafieken", "Charts"),
    "report_sources_title": ("Bronnen en geheimhouding", "Sources and disclosure control"),
    "report_source_scorecard": (
        "per cijfer in de kolom ‘Bron’: soort bron, wie het aanleverde en wanneer.",
        "per figure in the column ‘Source’: kind of source, who sent it and when.",
    ),
    "report_source_then_now": (
        "dezelfde cijfers als de scorekaart, zoals bekend op {then} en op {now}; "
        "correcties met wie ze aanleverde en wanneer.",
        "the same figures as the scorecard, as known on {then} and on {now}; corrections "
        "with who sent them and when.",
    ),
    "report_baseline_event": (
        "Basislijn: de trend vóór ‘{event}’ ({date}).",
        "Baseline: the trend before ‘{event}’ ({date}).",
    ),
    "report_no_notes": ("Geen notities of acties vastgelegd.", "No notes or actions recorded."),
    "report_none": ("geen", "none"),
    "report_export_png": ("Pagina's als PNG (zip)", "Pages as PNG (zip)"),
    "report_export_help": (
        "Het verslag van de gekozen bijeenkomst op A4: scorekaart, grafieken, toen en nu, "
        "notities en acties, met de cijfers zoals bekend op de dag van de bijeenkomst. Het "
        "maken duurt ongeveer een halve minuut.",
        "The report of the chosen session on A4: scorecard, charts, then and now, notes "
        "and actions, with the figures as known on the day of the session. Making it takes "
        "about half a minute.",
    ),
    "chromium_missing_web": (
        "Het rapport kan nu niet worden gemaakt: op de server ontbreekt de browser Chromium, "
        "die de pagina's opmaakt. Vraag de beheerder het pakket ‘chromium’ te installeren "
        "(Debian/Ubuntu).",
        "The report cannot be made now: the server lacks the Chromium browser that lays "
        "out the pages. Ask the administrator to install the package ‘chromium’ "
        "(Debian/Ubuntu).",
    ),
    "chromium_missing_cli": (
        "Het rapport kan niet worden gemaakt: Chromium ontbreekt. Installeer het met "
        "‘apt-get install chromium’ (Debian/Ubuntu) of wijs het aan met "
        "BROWSER_PATH=/pad/naar/chromium.",
        "The report cannot be made: Chromium is missing. Install it with "
        "‘apt-get install chromium’ (Debian/Ubuntu) or point to it with "
        "BROWSER_PATH=/path/to/chromium.",
    ),
    "chromium_failed": (
        "Het rapport kon niet worden opgemaakt: Chromium stopte met een fout ({detail}).",
        "The report could not be laid out: Chromium stopped with an error ({detail}).",
    ),
}


def t(key: str, lang: str | None = None, **values: object) -> str:
    """A report text (or, for any other key, the dashboards' text)."""
    if key not in TEXTS:
        return i18n.t(key, lang, **values)
    return i18n.text_in(TEXTS[key], lang, **values)


def moment(when: datetime) -> str:
    """``1 maart 2024, 14:05`` in Dutch local time."""
    local = when.astimezone(LOCAL)
    return f"{i18n.long_date(local)}, {local:%H:%M}"
