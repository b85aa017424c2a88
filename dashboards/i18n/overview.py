"""Texts of the overview page: the scorecard and the completeness of submissions."""

from __future__ import annotations

OVERVIEW: dict[str, tuple[str, str]] = {
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
    "period_span": ("{first} t/m {last} ({n})", "{first} to {last} ({n})"),
    "expected": ("verwacht", "expected"),
    "on_time": ("op tijd", "on time"),
    "late": ("te laat", "late"),
    "missing": ("ontbreekt", "missing"),
    "open": ("nog niet verschuldigd", "not yet due"),
    "no_obligations": ("Geen afspraken over aanleveren vastgelegd.", "No reporting agreements."),
}
