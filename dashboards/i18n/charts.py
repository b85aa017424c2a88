"""Texts of the charts a meeting can read (issue #13): markers, empty states, tables, tiles."""

from __future__ import annotations

CHARTS: dict[str, tuple[str, str]] = {
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
