"""Message texts for figures and pages: the query layer, the catalogue and the forecast."""

from __future__ import annotations

from monitor.message_texts.codes import WHERE_ORGS_EN, WHERE_ORGS_NL

FIGURES: tuple[tuple[str, str, str | None], ...] = (
    # figures and pages (query layer, catalogue, forecast)
    (
        "organisation {code} does not exist (see: monitor org list)",
        "organisatie {code} bestaat niet; " + WHERE_ORGS_NL,
        "organisation {code} does not exist; " + WHERE_ORGS_EN,
    ),
    ("organisation(s) {codes} do not exist", "organisatie(s) {codes} bestaan niet", None),
    (
        "indicator {code} is not in the catalogue",
        "indicator {code} staat niet in de catalogus",
        None,
    ),  # fmt: skip
    (
        "indicator {code} has no version valid on {date}",
        "indicator {code} heeft geen versie die geldt op {date}",
        None,
    ),
    (
        "{text} is not a period; use 2024, 2024-H1, 2024-Q2, 2024-03 or CBS codes 2024JJ00, "
        "2024HJ01, 2024KW02, 2024MM03",
        "{text} is geen periode; gebruik 2024, 2024-H1, 2024-Q2, 2024-03 of de CBS-codes "
        "2024JJ00, 2024HJ01, 2024KW02, 2024MM03",
        None,
    ),
    (
        "a baseline needs at least {n} periods with a value before {date}; there are {found}",
        "een basislijn vraagt minstens {n} perioden met een waarde vóór {date}; er zijn er {found}",
        None,
    ),
    ("session ended; log in again", "sessie beëindigd; log opnieuw in", None),
    (
        "unknown comparison group {group}; use one of {allowed}",
        "onbekende vergelijkingsgroep {group}; kies uit {allowed}",
        None,
    ),
    ("the request is not valid: {detail}", "het verzoek is niet geldig: {detail}", None),
    (
        "internal error; the administrator can find it in the log as {error_id}",
        "interne fout; de beheerder vindt die in het logboek onder {error_id}",
        None,
    ),
    (
        "a value in the request cannot be stored: it is too long, out of range or contains a "
        "NUL character",
        "een waarde in het verzoek kan niet worden opgeslagen: te lang, buiten bereik of met "
        "een NUL-teken",
        None,
    ),
    ("no API route {path}", "geen API-route {path}", None),
)
