"""Texts shared by every page: the frame, logging in, the menu, common words and errors."""

from __future__ import annotations

COMMON: dict[str, tuple[str, str]] = {
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
}
