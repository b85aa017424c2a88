"""Texts in Dutch (default) and English, and Dutch number and date formats.

The language lives in the signed Flask session (``/lang/en`` switches), so layouts and
callbacks read it with :func:`language` without passing it around.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import flask

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

TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("Common Monitor", "Common Monitor"),
    "organisation": ("Organisatie", "Organisation"),
    "period": ("Periode", "Period"),
    "logout": ("Uitloggen", "Log out"),
    "login_title": ("Inloggen", "Log in"),
    "username": ("Gebruikersnaam", "Username"),
    "password": ("Wachtwoord", "Password"),
    "login_button": ("Inloggen", "Log in"),
    "login_failed": (
        "Onbekende gebruiker of onjuist wachtwoord.",
        "Unknown user or wrong password.",
    ),
    "login_intro": (
        "Log in om de cijfers van uw netwerk of gemeente te bekijken.",
        "Log in to see the figures of your network or municipality.",
    ),
    "nav_overview": ("Overzicht", "Overview"),
    "nav_trend": ("Trend", "Trend"),
    "nav_referrals": ("Verwijzingen en jeugdhulp", "Referrals and care use"),
    "nav_outcomes": ("Uitkomsten kinderen", "Child outcomes"),
    "nav_reflection": ("Dialooggesprek", "Reflection session"),
    "nav_entry": ("Invoer en kwaliteit", "Data entry and quality"),
    "how_to_read": ("Zo leest u deze grafiek", "How to read this chart"),
    "suppressed_note": (
        "“< {t}”: minder dan {t} kinderen. Zulke kleine aantallen (en wat ervan is afgeleid) "
        "tonen we niet, zodat niemand herkenbaar is. Andere aantallen kinderen kunnen tot 3 "
        "afwijken van de echte telling (steeds dezelfde afwijking voor dezelfde cel), zodat "
        "een verborgen cel niet uit totalen terug te rekenen is; delen tellen daardoor niet "
        "altijd precies op tot het totaal.",
        "“< {t}”: fewer than {t} children. Such small numbers (and what is derived from "
        "them) are withheld so that nobody can be recognised. Other counts of children may "
        "differ by up to 3 from the true count (always the same for the same cell), so that "
        "a withheld cell cannot be recovered from totals; parts therefore do not always add "
        "up exactly to the total.",
    ),
    "suppressed_short": ("onderdrukt", "withheld"),
    "no_data": ("Geen gegevens voor deze keuze.", "No data for this choice."),
    "no_access": ("U heeft geen toegang tot deze gegevens.", "You have no access to these data."),
    "indicator": ("Indicator", "Indicator"),
    "source": ("Bron", "Source"),
    "value": ("Waarde", "Value"),
    "previous": ("Vorige periode", "Previous period"),
    "change": ("Verandering", "Change"),
    "judgement": ("Beoordeling", "Assessment"),
    "registered": ("geregistreerd", "registered"),
    "survey": ("enquête (ervaren)", "survey (perceived)"),
    "observed": ("observatie", "observed"),
    "better": ("beter", "better"),
    "worse": ("slechter", "worse"),
    "same": ("gelijk", "unchanged"),
    "in_band": ("binnen de bandbreedte", "within the band"),
    "above_band": ("boven de bandbreedte", "above the band"),
    "below_band": ("onder de bandbreedte", "below the band"),
    "no_band": ("tweezijdig, geen bandbreedte", "two-sided, no band"),
    "descriptive": ("beschrijvend", "descriptive"),
    "unknown": ("–", "–"),
    "scorecard_title": ("Scorekaart", "Scorecard"),
    "scorecard_help": (
        "Per indicator de laatste waarde tot en met de gekozen periode en de verandering "
        "sinds de periode daarvoor. ‘Beter’ en ‘slechter’ volgen de richting van de "
        "indicator. Bij tweezijdige indicatoren (verwijzingen, jeugdhulp) is minder niet "
        "vanzelf beter: daar staat of de waarde binnen de afgesproken bandbreedte valt.",
        "For each indicator the latest value up to the chosen period and the change since "
        "the period before. ‘Better’ and ‘worse’ follow the indicator's direction. For "
        "two-sided indicators (referrals, care use) less is not automatically better: they "
        "show whether the value lies within the agreed band.",
    ),
    "completeness_title": ("Volledigheid aanleveringen per partner", "Completeness per partner"),
    "completeness_help": (
        "Per partner en afgesproken indicator: hoeveel cijfers verwacht werden in de gekozen "
        "en vorige periode, en hoeveel op tijd (uiterlijk op de afgesproken termijn na het "
        "einde van de periode), te laat of nog niet binnen zijn. Elke indicator telt in zijn "
        "eigen perioden: een jaarcijfer over het jaar waarin het gekozen halfjaar valt, een "
        "halfjaarcijfer in een gekozen jaar over beide halfjaren.",
        "Per partner and agreed indicator: how many figures were expected in the chosen and "
        "previous period, and how many arrived on time (by the agreed term after the period "
        "ended), late or not yet. Each indicator counts in its own periods: a yearly figure "
        "over the year containing the chosen half-year, a half-yearly figure in a chosen year "
        "over both halves.",
    ),
    "judged_periods": ("beoordeelde perioden", "periods judged"),
    "expected": ("verwacht", "expected"),
    "on_time": ("op tijd", "on time"),
    "late": ("te laat", "late"),
    "missing": ("ontbreekt", "missing"),
    "open": ("nog niet verschuldigd", "not yet due"),
    "no_obligations": ("Geen afspraken over aanleveren vastgelegd.", "No reporting agreements."),
    "trend_lead": (
        "Kies een indicator en waarmee u wilt vergelijken. De gekozen periode is gemarkeerd.",
        "Choose an indicator and what to compare it with. The chosen period is highlighted.",
    ),
    "trend_title": ("{name}: verloop en vergelijking", "{name}: trend and comparison"),
    "trend_help": (
        "De dikke lijn is uw eigen organisatie; de dunnere lijnen zijn vergelijkingsgroepen "
        "(samengenomen cijfers van meerdere organisaties). Verticale stippellijnen zijn "
        "gebeurtenissen, zoals de start van de samenwerking. De grijze stippellijn met band "
        "is de trend van vóór de gekozen gebeurtenis, doorgetrokken: valt de lijn later "
        "buiten de band, dan is de curve meer gekeerd dan toeval verklaart. Geregistreerde "
        "en ervaren (enquête) cijfers staan altijd in aparte panelen.",
        "The thick line is your own organisation; thinner lines are comparison groups "
        "(pooled figures of several organisations). Vertical dotted lines are events, such "
        "as the start of the collaboration. The grey dashed line with its band is the trend "
        "before the chosen event, projected forward: if the line later falls outside the "
        "band, the curve has turned more than chance explains. Registered and perceived "
        "(survey) figures are always in separate panels.",
    ),
    "category": ("Categorie", "Category"),
    "total": ("Totaal", "Total"),
    "groups": ("Vergelijken met", "Compare with"),
    "own": ("Eigen organisatie", "Own organisation"),
    "other_networks": ("Andere netwerken", "Other networks"),
    "municipality": ("Gemeente", "Municipality"),
    "similar_size": ("Gemeenten van vergelijkbare omvang", "Municipalities of similar size"),
    "all": ("Alle", "All"),
    "event_for_baseline": ("Gebeurtenis voor de basislijn", "Event for the baseline"),
    "no_event": ("geen basislijn", "no baseline"),
    "baseline": ("Verwachting zonder verandering", "Expected without change"),
    "interval": ("95%-voorspellingsinterval", "95% prediction interval"),
    "baseline_missing": ("Geen basislijn: {reason}.", "No baseline: {reason}."),
    "group_withheld": (
        "Niet getoond: {groups} (te weinig organisaties om elke organisatie onherkenbaar "
        "te houden).",
        "Not shown: {groups} (too few organisations to keep each one unrecognisable).",
    ),
    "withheld_points": ("Onderdrukt (< {t}): {cells}.", "Withheld (< {t}): {cells}."),
    "n_periods": ("{n} perioden", "{n} periods"),
    "time_axis": ("Periode", "Period"),
    "referrals_lead": (
        "Verwijzingen en jeugdhulpgebruik zijn tweezijdig: minder is niet vanzelf beter. "
        "Kijk samen of kinderen op tijd de juiste hulp krijgen.",
        "Referrals and care use are two-sided: less is not automatically better. Look "
        "together at whether children get the right help in time.",
    ),
    "referral_rate_title": (
        "Verwijzingen naar jeugdhulp per 1.000 kinderen, naar verwijzer",
        "Referrals to youth care per 1,000 children, by referrer",
    ),
    "referral_rate_help": (
        "Elke lijn is één soort verwijzer (huisarts, wijkteam, jeugdarts…), uitgedrukt per "
        "1.000 kinderen in het bereik. Minder verwijzingen is niet vanzelf beter: de grijze "
        "band is de afgesproken bandbreedte voor het totaal. Punten met “< 10” zijn "
        "onderdrukt.",
        "Each line is one kind of referrer (GP, neighbourhood team, youth physician…), per "
        "1,000 children in reach. Fewer referrals is not automatically better: the grey "
        "band is the agreed band for the total. Points marked “< 10” are withheld.",
    ),
    "per_1000": ("per 1.000 kinderen", "per 1,000 children"),
    "care_title": (
        "Jeugdhulp met en zonder verblijf per 1.000 kinderen",
        "Youth care with and without residence per 1,000 children",
    ),
    "care_help": (
        "Twee lijnen: jeugdhulp zonder verblijf (wijkteam, ambulant, daghulp) en met "
        "verblijf (pleegzorg, gezinshuis, residentieel), elk per 1.000 kinderen. Een "
        "verschuiving van ‘met’ naar ‘zonder’ verblijf is vaak een doel van de samenwerking.",
        "Two lines: youth care without residence (neighbourhood team, outpatient, day care) "
        "and with residence (foster care, family homes, residential), each per 1,000 "
        "children. A shift from ‘with’ to ‘without’ residence is often a goal.",
    ),
    "zonder_verblijf": ("zonder verblijf", "without residence"),
    "met_verblijf": ("met verblijf", "with residence"),
    "sankey_title": (
        "Van signaal naar hulp: kinderen met een signaal in {period}",
        "From signal to care: children with a concern signalled in {period}",
    ),
    "sankey_help": (
        "Lees van links naar rechts: kinderen over wie een zorg is gesignaleerd, door wie zij "
        "daarna zijn verwezen, welke jeugdhulp volgde en hoe die eindigde. De dikte van een "
        "stroom is het aantal kinderen. Stromen van minder dan 10 kinderen zijn weggelaten.",
        "Read from left to right: children about whom a concern was signalled, who referred "
        "them next, which youth care followed and how it ended. The width of a flow is the "
        "number of children. Flows of fewer than 10 children are left out.",
    ),
    "sankey_withheld": (
        "{n} stroom/stromen niet getekend: minder dan {t} kinderen.",
        "{n} flow(s) not drawn: fewer than {t} children.",
    ),
    "signal": ("Signaal", "Signal"),
    "stage_signaal": ("Signaal (kinderen)", "Signal (children)"),
    "stage_ref": ("Verwezen door", "Referred by"),
    "stage_care": ("Soort jeugdhulp", "Form of youth care"),
    "stage_end": ("Afloop", "Outcome"),
    "geen_verwijzing": ("Geen verwijzing", "No referral"),
    "geen_jeugdhulp": ("(Nog) geen jeugdhulp", "No youth care (yet)"),
    "loopt_nog": ("Loopt nog", "Still running"),
    "children": ("kinderen", "children"),
    "outcomes_lead": (
        "Hoe gaat het met de kinderen? Altijd per groep, nooit per kind, en niet per professional.",
        "How are the children doing? Always per group, never per child, and never per "
        "professional.",
    ),
    "outcome_distribution_title": (
        "{name}: spreiding in {period}, binnen en buiten het programma",
        "{name}: distribution in {period}, in and outside the programme",
    ),
    "outcome_trend_title": (
        "{name}: gemiddelde per periode, binnen en buiten het programma",
        "{name}: mean per period, in and outside the programme",
    ),
    "outcome_help": (
        "Elke doos toont de middelste helft van de kinderen (25e tot 75e percentiel), met "
        "de mediaan als streep. Groepen van minder dan 10 kinderen tonen we niet (“< 10”). "
        "‘Binnen het programma’ zijn kinderen die op de meetdatum deelnamen aan het "
        "programma van het netwerk.",
        "Each box shows the middle half of the children (25th to 75th percentile) with the "
        "median as a line. Groups of fewer than 10 children are not shown (“< 10”). ‘In the "
        "programme’ are children who took part in the network's programme on the date.",
    ),
    "outcome_trend_help": (
        "Het gemiddelde per periode voor kinderen binnen en buiten het programma. Een "
        "verschil is geen bewijs van effect: de groepen kunnen al vooraf verschillen.",
        "The mean per period for children in and outside the programme. A difference is no "
        "proof of effect: the groups may have differed beforehand.",
    ),
    "breakdown": ("Uitsplitsen naar", "Break down by"),
    "age_group": ("leeftijdsgroep", "age group"),
    "reporting_org_code": ("school", "school"),
    "in": ("binnen programma", "in programme"),
    "out": ("buiten programma", "outside programme"),
    "n_children": ("aantal kinderen", "number of children"),
    "reflection_title": ("Dialooggesprek", "Reflection session"),
    "reflection_lead": (
        "Kies de bijeenkomst: links de cijfers zoals ze op die dag bekend waren, rechts zoals "
        "ze nu bekend zijn, met de correcties daartussen.",
        "Choose the session: the figures as known on that day next to the figures as known "
        "now, with the corrections in between.",
    ),
    "session": ("Bijeenkomst", "Session"),
    "new_session": ("Nieuwe bijeenkomst", "New session"),
    "title": ("Titel", "Title"),
    "add": ("Toevoegen", "Add"),
    "delete_note": ("Verwijderen", "Delete"),
    "delete_note_confirm": (
        "Deze notitie of actie verwijderen? Dat komt in het auditlogboek.",
        "Delete this note or action? This is recorded in the audit trail.",
    ),
    "then_now_title": (
        "Cijfers zoals bekend op {date} en nu",
        "Figures as known on {date} and now",
    ),
    "then": ("Toen ({date})", "Then ({date})"),
    "now": ("Nu", "Now"),
    "changed": ("Gewijzigd", "Changed"),
    "yes": ("ja", "yes"),
    "corrections_title": ("Correcties sinds {date}", "Corrections since {date}"),
    "no_corrections": ("Geen correcties sinds deze datum.", "No corrections since this date."),
    "old_value": ("Oude waarde", "Old value"),
    "new_value": ("Nieuwe waarde", "New value"),
    "corrected_on": ("Gecorrigeerd op", "Corrected on"),
    "notes_title": ("Notities en afgesproken acties", "Notes and agreed actions"),
    "note": ("notitie", "note"),
    "action": ("actie", "action"),
    "owner": ("Uitvoerende organisatie", "Organisation taking it up"),
    "owner_help": (
        "Een actie noemt altijd een organisatie, nooit een persoon.",
        "An action always names an organisation, never a person.",
    ),
    "due": ("Uiterlijk", "Due"),
    "text": ("Tekst", "Text"),
    "export_pdf": ("Exporteer PDF voor verslag", "Export PDF for the minutes"),
    "export_png": ("Exporteer PNG", "Export PNG"),
    "no_sessions": ("Nog geen bijeenkomsten.", "No sessions yet."),
    "entry_lead": (
        "Lever cijfers aan als bestand of typ één cijfer in. Alles gaat door dezelfde "
        "controles: fouten per rij en kolom, waarschuwingen blokkeren niets.",
        "Submit figures as a file or type in one figure. Everything passes the same checks: "
        "errors per row and column; warnings block nothing.",
    ),
    "choose": ("Kies…", "Select…"),
    "bad_request": (
        "Ongeldig verzoek: de invoer past niet bij dit scherm.",
        "Invalid request: the input does not fit this screen.",
    ),
    "not_found_title": ("Pagina niet gevonden", "Page not found"),
    "not_found_lead": (
        "Deze pagina bestaat niet (meer). Kies een pagina in het menu bovenaan.",
        "This page does not exist (any more). Choose a page in the menu at the top.",
    ),
    "not_found_home": ("Naar het overzicht", "Go to the overview"),
    "upload_title": ("Bestand aanleveren", "Upload a file"),
    "template_download": ("Sjabloon downloaden", "Download template"),
    "template_help": (
        "Excel-bestand met uw organisatie en de cijfers die u moet aanleveren, met "
        "keuzelijsten; vul de waarden in en lever het hier weer aan.",
        "Excel file with your organisation and the figures you are expected to send, with "
        "dropdowns; fill in the values and upload it here.",
    ),
    "template_file": ("sjabloon", "template"),
    "stored_what": (
        "Opgeslagen: {n} cijfer(s) van {orgs} voor {indicators}, periode {periods}.",
        "Stored: {n} figure(s) of {orgs} for {indicators}, period {periods}.",
    ),
    "stored_where": ("Bekijk ze op de pagina Trend.", "See them on the Trend page."),
    "upload_hint": (
        "Sleep een CSV- of Excel-bestand hierheen of klik om te kiezen (een gemeente kan "
        "hier ook iJw-berichten kwijt: één .xml of een .zip)",
        "Drag a CSV or Excel file here or click to choose (a municipality can also drop iJw "
        "messages here: one .xml or a .zip)",
    ),
    "accept_valid": (
        "Geldige rijen opslaan, fouten apart melden",
        "Store valid rows, report errors",
    ),
    "dry_run": ("Alleen controleren (niets opslaan)", "Check only (store nothing)"),
    "on_behalf": ("Namens", "On behalf of"),
    "form_title": ("Periodiek cijfer invoeren", "Enter a periodic figure"),
    "numerator": ("Teller", "Numerator"),
    "denominator": ("Noemer", "Denominator"),
    "submit": ("Opslaan", "Save"),
    "report": (
        "Status: {status}. Gelezen {read}, opgeslagen {accepted}, afgewezen {rejected}, "
        "gecorrigeerd {superseded}.",
        "Status: {status}. Read {read}, stored {accepted}, rejected {rejected}, corrected "
        "{superseded}.",
    ),
    "status_accepted": ("geaccepteerd", "accepted"),
    "status_partial": ("deels geaccepteerd", "partly accepted"),
    "status_rejected": ("afgewezen", "rejected"),
    "status_duplicate": ("al eerder ontvangen", "already received"),
    "status_dry_run": ("alleen gecontroleerd", "checked only"),
    "no_problems": ("Geen fouten of waarschuwingen.", "No errors or warnings."),
    "programme": ("Programma", "Programme"),
    "warnings_title": ("Uitschieters en controleregels", "Outliers and validation rules"),
    "warnings_help": (
        "Waarschuwingen blokkeren niets: een opvallend cijfer kan kloppen. Kijk ze na.",
        "Warnings block nothing: a surprising figure may be right. Please check them.",
    ),
    "no_warnings": ("Geen waarschuwingen.", "No warnings."),
    "source_line": (
        "Bron ({kinds}): aangeleverd door {who}, laatst ontvangen {when}; cijfers zoals "
        "bekend op {known}.",
        "Source ({kinds}): sent by {who}, last received {when}; figures as known on {known}.",
    ),
    "source_cases": (
        "Bron: gegevens per kind (gepseudonimiseerd) van de partners; cijfers zoals bekend op "
        "{known}.",
        "Source: per-child (pseudonymised) records of the partners; figures as known on {known}.",
    ),
    "corrected_by": ("gecorrigeerd door", "corrected by"),
    "corrected_by_header": ("Gecorrigeerd door", "Corrected by"),
    "sent_by": ("door {who}, ontvangen {when}", "sent by {who}, received {when}"),
    "known_on": (
        "Cijfers zoals bekend op {date}; de bron staat bij elk cijfer.",
        "Figures as known on {date}; each figure names its source.",
    ),
    "rule": ("controleregel", "rule"),
    "outlier": ("uitschieter", "outlier"),
    "row": ("Rij", "Row"),
    "column": ("Kolom", "Column"),
    "reason": ("Reden", "Reason"),
    "severity": ("Ernst", "Severity"),
    "file": ("Bestand", "File"),
    "warning": ("Waarschuwing", "Warning"),
    "detail": ("Toelichting", "Detail"),
    # charts a meeting can read (issue #13)
    "withheld_marker": (
        "< {t}: te weinig kinderen, niet getoond",
        "< {t}: too few children, not shown",
    ),
    "empty_hint": (
        "Kies een andere periode of organisatie bovenaan de pagina.",
        "Choose another period or organisation at the top of the page.",
    ),
    "empty_referrals": (
        "{org} heeft geen verwijscijfers aangeleverd.",
        "{org} has not submitted referral figures.",
    ),
    "empty_care": (
        "{org} heeft geen cijfers over jeugdhulp aangeleverd.",
        "{org} has not submitted youth-care figures.",
    ),
    "empty_pathway": (
        "Geen zorgpad te tonen voor {org} in {period}: geen signalen, of alleen stromen van "
        "minder dan {t} kinderen.",
        "No care pathway to show for {org} in {period}: no signals, or only flows of fewer "
        "than {t} children.",
    ),
    "empty_pathway_hint": (
        "Kies een eerdere periode; de gegevens per kind komen vaak later binnen.",
        "Choose an earlier period; the per-child records often arrive later.",
    ),
    "empty_outcome": (
        "Geen {name} te tonen voor {org} in {period}: niet aangeleverd of alleen groepen van "
        "minder dan {t} kinderen.",
        "No {name} to show for {org} in {period}: not submitted, or only groups of fewer "
        "than {t} children.",
    ),
    "empty_outcome_hint": (
        "Kies een andere periode, of verdeling naar leeftijdsgroep in plaats van school.",
        "Choose another period, or the breakdown by age group instead of by school.",
    ),
    "empty_trend": (
        "{org} heeft geen cijfers voor {name}.",
        "{org} has no figures for {name}.",
    ),
    "empty_trend_hint": (
        "Kies een andere indicator of categorie boven de grafiek.",
        "Choose another indicator or category above the chart.",
    ),
    "sankey_node_help": (
        "Het getal bij elk blok is het aantal kinderen in de getoonde stromen.",
        "The number on each block is the number of children in the flows shown.",
    ),
    "trend_table_title": ("Waarden in de grafiek", "Values in the chart"),
    "expected_value": ("Verwachting", "Expected"),
    "interval_range": ("Interval (95%)", "Interval (95%)"),
    "tiles_title": ("Kerncijfers", "Key figures"),
    "tile_trend": ("verloop", "trend"),
}


#: English forms of the catalogue's units (monitor/data/indicators.yaml writes them in Dutch).
UNITS_EN: dict[str, str] = {
    "% van jongeren < 18 jaar": "% of young people under 18",
    "% van jongeren < 23 jaar": "% of young people under 23",
    "% van jongeren 12-22 jaar": "% of young people aged 12-22",
    "% van jongeren met jeugdhulp": "% of young people in youth care",
    "jongeren < 23 jaar": "young people under 23",
    "inwoners": "inhabitants",
    "% doelen": "% goals",
    "% leerlingen": "% pupils",
    "% per jaar": "% per year",
    "% schooldagen": "% school days",
    "1-5": "1-5",
    "EUR": "EUR",
    "bijeenkomsten": "meetings",
    "contacturen per maand": "contact hours per month",
    "dagen": "days",
    "jeugdigen": "young people",
    "kinderen": "children",
    "leerlingen": "pupils",
    "organisaties": "organisations",
    "overleggen": "consultations",
    "per 1.000 jeugdigen": "per 1,000 young people",
    "per 1.000 kinderen": "per 1,000 children",
    "schaalscore 0-100": "scale score 0-100",
    "standaardscore": "standard score",
    "trajecten": "care trajectories",
    "uren": "hours",
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
    nl, en = TEXTS[key]
    text = nl if (lang or language()) == "nl" else en
    return text.format(**values) if values else text


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


#: The session view: goals, turn the curve, then/now differences (issue #13).
SESSION_TEXTS: dict[str, tuple[str, str]] = {
    "goal": ("Doel", "Goal"),
    "goal_label": ("Doel {value} uiterlijk {date}", "Goal {value} by {date}"),
    "goals_title": ("Doelen van het netwerk", "The network's goals"),
    "goal_value": ("Streefwaarde", "Target value"),
    "goal_date": ("Te halen op", "To be met by"),
    "goal_save": ("Doel opslaan", "Save goal"),
    "goal_saved": (
        "Doel opgeslagen: {name} {value} uiterlijk {date}.",
        "Goal saved: {name} {value} by {date}.",
    ),
    "no_goals": ("Nog geen doelen voor deze indicator.", "No goals for this indicator yet."),
    "goal_incomplete": (
        "Vul een streefwaarde en een datum in.",
        "Enter a target value and a date.",
    ),
    "goal_outside": (
        "De streefwaarde ligt buiten wat deze indicator kan aannemen.",
        "The target value lies outside what this indicator can take.",
    ),
    "curve_title": ("De curve keren", "Turn the curve"),
    "curve_help": (
        "De lijn van het netwerk met de doelen (sterren) en de datum van de bijeenkomst. "
        "Beantwoord naast de grafiek de vier vragen; de antwoorden horen bij de gekozen "
        "bijeenkomst.",
        "The network's line with its goals (stars) and the session date. Answer the four "
        "questions beside the chart; the answers belong to the chosen session.",
    ),
    "question_story": (
        "Wat is het verhaal achter de curve?",
        "What is the story behind the curve?",
    ),
    "question_partners": (
        "Wie zijn partners die een rol kunnen spelen?",
        "Who are partners with a role to play?",
    ),
    "question_what_works": ("Wat werkt?", "What works?"),
    "question_plan": ("Wat gaan we doen?", "What will we do?"),
    "answers_save": ("Antwoorden opslaan", "Save answers"),
    "answers_saved": (
        "Antwoorden opgeslagen bij deze bijeenkomst ({count} van de 4 vragen beantwoord).",
        "Answers saved with this session ({count} of the 4 questions answered).",
    ),
    "choose_session_first": (
        "Kies eerst een bijeenkomst of maak een nieuwe aan.",
        "Choose a session first, or create a new one.",
    ),
    "session_needs_date": (
        "Vul de datum van de bijeenkomst in.",
        "Enter the date of the session.",
    ),
    "session_needs_title": (
        "Geef de bijeenkomst een titel (1 tot 200 tekens).",
        "Give the session a title (1 to 200 characters).",
    ),
    "note_needs_text": ("Schrijf eerst de tekst van de notitie of actie.", "Write the text first."),
    "action_needs_owner": (
        "Een actie noemt de organisatie die haar oppakt; kies die organisatie.",
        "An action names the organisation taking it up; choose that organisation.",
    ),
    "session_created": ("Bijeenkomst aangemaakt en gekozen.", "Session created and chosen."),
    "note_saved": ("Opgeslagen.", "Saved."),
    "difference": ("Verschil", "Difference"),
    "corrections_between": ("Correcties tussendoor", "Corrections in between"),
    "correction_line": (
        "{category}{old} → {new}, {who}, {when}",
        "{category}{old} → {new}, {who}, {when}",
    ),
    "session_day": ("bijeenkomst", "session"),
    "goal_set_on": ("Vastgesteld op", "Set on"),
}
TEXTS.update(SESSION_TEXTS)
