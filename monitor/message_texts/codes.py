"""Message texts for the codes a row names: indicators and organisations."""

from __future__ import annotations

#: Where a web user finds the codes the CLI would list.
WHERE_INDICATORS_NL = (
    "de indicatoren staan op het tabblad 'indicatoren' van het sjabloon (pagina Invoer en "
    "kwaliteit, 'Sjabloon downloaden')"
)
WHERE_INDICATORS_EN = (
    "the indicators are on the 'indicators' sheet of the template (Data entry and quality "
    "page, 'Download template')"
)
WHERE_ORGS_NL = "kies de organisatie in de keuzelijst 'Organisatie' bovenaan de pagina"
WHERE_ORGS_EN = "choose it in the 'Organisation' list at the top of the page"


CODES: tuple[tuple[str, str, str | None], ...] = (
    # indicators
    (
        "unknown indicator code (see: monitor catalogue list, or the template's indicators)",
        "onbekende indicatorcode; " + WHERE_INDICATORS_NL,
        "unknown indicator code; " + WHERE_INDICATORS_EN,
    ),
    (
        "no version of this indicator is valid on {date} (retired or not yet in force)",
        "geen versie van deze indicator geldt op {date} (vervallen of nog niet van kracht)",
        None,
    ),
    (
        "is a case-level indicator; send it in a case file (one row per child)",
        "is een indicator per kind; lever die aan in een bestand per kind (één rij per kind)",
        None,
    ),
    (
        "is a {level}-level indicator; send it in an aggregate file",
        "is een indicator op {level}niveau; lever die aan in een bestand met periodecijfers",
        None,
    ),
    (
        "is a rate: rates are never submitted, they are computed from the numerator and "
        "denominator indicators; send {numerator} and {denominator} instead",
        "is een verhoudingscijfer: dat wordt niet aangeleverd maar berekend uit teller en "
        "noemer; lever {numerator} en {denominator} aan",
        None,
    ),
    # organisations
    (
        "unknown organisation (see: monitor org list)",
        "onbekende organisatie; " + WHERE_ORGS_NL,
        "unknown organisation; " + WHERE_ORGS_EN,
    ),
    (
        "unknown municipality; use its CBS code GMxxxx (see: monitor org list)",
        "onbekende gemeente; gebruik de CBS-code GMxxxx (de gemeenten staan in de keuzelijst "
        "'Organisatie' bovenaan de pagina)",
        "unknown municipality; use its CBS code GMxxxx (the municipalities are in the "
        "'Organisation' list at the top of the page)",
    ),
    (
        "is a {kind}; a network-level indicator is about a network",
        "is een {kind}; een indicator op netwerkniveau gaat over een netwerk",
        None,
    ),
    (
        "is a {kind}; a municipality-level indicator is about a municipality",
        "is een {kind}; een indicator op gemeenteniveau gaat over een gemeente",
        None,
    ),
    ("is a {kind}, not a network", "is een {kind}, geen netwerk", None),
    (
        "{reporter} ({kind}) may not report {level}-level figures about {about}: a network's "
        "figure is reported by the network itself or by its municipality on its behalf, a "
        "municipality's by the municipality; member partners give their figures to the "
        "network",
        "{reporter} ({kind}) mag geen cijfers op {level}niveau over {about} aanleveren: het "
        "cijfer van een netwerk levert het netwerk zelf of zijn gemeente namens het netwerk, "
        "dat van een gemeente de gemeente; partners geven hun cijfers aan het netwerk",
        None,
    ),
    (
        "{org} is een {kind_nl}: gegevens per kind levert de partner die het kind bedient "
        "(school, kinderopvang, jeugdhulp, JGZ), nooit een netwerk of gemeente; lever aan "
        "namens die partner. / {org2} is a {kind}: case-level rows are sent by the partner "
        "that serves the child, never by a network or municipality (use --org with the "
        "partner's code, or choose the partner as reporter)",
        "{org} is een {kind_nl}: gegevens per kind levert de partner die het kind bedient "
        "(school, kinderopvang, jeugdhulp, JGZ), nooit een netwerk of gemeente; kies bij "
        "'Namens' de partner",
        "{org2} is a {kind}: case-level rows are sent by the partner that serves the child, "
        "never by a network or municipality; choose the partner under 'On behalf of'",
    ),
    (
        "{child} is not a member of this network on {date}",
        "{child} is op {date} geen lid van dit netwerk",
        None,
    ),
    (
        "the network code is required for CH_PART (programme participation)",
        "de netwerkcode is verplicht bij CH_PART (deelname aan een programma)",
        None,
    ),
    (
        "programme is only used for CH_PART rows; ignored here",
        "programma geldt alleen voor CH_PART-rijen; hier genegeerd",
        None,
    ),
)
