"""Texts of the trend page: an indicator over time against its comparison groups."""

from __future__ import annotations

TREND: dict[str, tuple[str, str]] = {
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
}
