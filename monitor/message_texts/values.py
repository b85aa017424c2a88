"""Message texts for the values of a row: value checks, DHIS2 exports and plausibility
warnings (the latter written in Dutch by :mod:`monitor.ingest.quality`)."""

from __future__ import annotations

VALUES: tuple[tuple[str, str, str | None], ...] = (
    # values
    (
        "a value is required for a {value_type} indicator",
        "een waarde is verplicht bij een indicator van het type {value_type}",
        None,
    ),
    (
        "a category indicator takes no value: put the category code in 'category'",
        "een categorie-indicator heeft geen waarde: zet de categoriecode in 'categorie'",
        None,
    ),
    (
        "not a yes/no value; use 0/1, true/false or ja/nee",
        "geen ja/nee-waarde; gebruik 0/1, ja/nee of true/false",
        None,
    ),
    ("not a number", "geen getal", None),
    (
        "a count must be a whole number of 0 or more",
        "een aantal moet een heel getal van 0 of meer zijn",
        None,
    ),
    (
        "not a whole number: did you mean {digits}? write numbers without a point as "
        "thousands separator",
        "geen heel getal: bedoelde u {digits}? Schrijf getallen zonder punt als "
        "duizendtalscheiding",
        None,
    ),
    (
        "unclear: did you mean {digits}? write a count without a comma (a comma is read as "
        "a decimal comma)",
        "onduidelijk: bedoelde u {digits}? Schrijf een aantal zonder komma (een komma leest "
        "als decimaalteken)",
        None,
    ),
    (
        "outside the allowed range {low} to {high}",
        "buiten het toegestane bereik {low} tot {high}",
        None,
    ),
    ("must be 0 or more", "moet 0 of meer zijn", None),
    ("a numerator needs a denominator", "bij een teller hoort een noemer", None),
    ("a denominator needs a numerator", "bij een noemer hoort een teller", None),
    ("numerator is larger than the denominator", "de teller is groter dan de noemer", None),
    ("denominator must be more than 0", "de noemer moet groter dan 0 zijn", None),
    (
        "this indicator has no categories; leave it empty",
        "deze indicator heeft geen categorieën; laat dit leeg",
        None,
    ),
    (
        "not in category list {category_set}; allowed: {allowed}",
        "staat niet in de categorielijst {category_set}; toegestaan: {allowed}",
        None,
    ),
    (
        "a category from list {category_set} is required",
        "een categorie uit de lijst {category_set} is verplicht",
        None,
    ),
    (
        "unknown status; use {allowed}",
        "onbekende status; gebruik {allowed}",
        None,
    ),
    (
        "a status belongs to a published figure (an indicator with a publisher, e.g. CBS)",
        "een status hoort bij een gepubliceerd cijfer (een indicator met een uitgever, zoals "
        "het CBS)",
        None,
    ),
    (
        "unknown source kind; use one of: {allowed}",
        "onbekende soort bron; gebruik een van: {allowed}",
        None,
    ),
    (
        "the catalogue registers {indicator} with source kind {kind}, not {given}; leave "
        "source_kind empty or use {kind2}",
        "de catalogus kent {indicator} met bron {kind}, niet {given}; laat de bron leeg of "
        "gebruik {kind2}",
        None,
    ),
    (
        "duplicate of row {row}: same organisation, indicator, category, period and source kind",
        "dubbel met rij {row}: zelfde organisatie, indicator, categorie, periode en bron",
        None,
    ),
    (
        "duplicate of row {row}: same child, indicator, category, date and source kind",
        "dubbel met rij {row}: zelfde kind, indicator, categorie, datum en bron",
        None,
    ),
    # DHIS2
    (
        "unsupported DHIS2 period; use yearly (2024), six-monthly (2024S1), quarterly (2024Q2) "
        "or monthly (202403)",
        "DHIS2-periode niet ondersteund; gebruik jaar (2024), halfjaar (2024S1), kwartaal "
        "(2024Q2) of maand (202403)",
        None,
    ),
    (
        "categoryOptionCombo is not in the DHIS2 mapping (category_option_combos)",
        "categoryOptionCombo staat niet in de DHIS2-koppeltabel (category_option_combos)",
        None,
    ),
    ("must be a mapping uid: code", "moet een koppeling uid: code zijn", None),
    (
        "{column} is not in the DHIS2 mapping ({section})",
        "{column} staat niet in de DHIS2-koppeltabel ({section})",
        None,
    ),  # fmt: skip
    # plausibility warnings (written in Dutch by monitor.ingest.quality)
    (
        "{part} is groter dan {whole} voor dezelfde organisatie en periode (deze batch samen "
        "met wat u eerder stuurde); controleer de cijfers",
        "{part} is groter dan {whole} voor dezelfde organisatie en periode (deze batch samen "
        "met wat u eerder stuurde); controleer de cijfers",
        "{part} is larger than {whole} for the same organisation and period (this batch "
        "together with what you sent before); please check the figures",
    ),
    (
        "ongebruikelijke waarde voor {indicator} vergeleken met wat u in {n} eerdere "
        "periode(s) stuurde; controleer de waarde",
        "ongebruikelijke waarde voor {indicator} vergeleken met wat u in {n} eerdere "
        "periode(s) stuurde; controleer de waarde",
        "unusual value for {indicator} compared with what you sent in {n} earlier "
        "period(s); please check the value",
    ),
    (
        "median {median} over {n}",
        "mediaan {median} over {n} eerdere perioden",
        "median {median} over {n} earlier periods",
    ),
)
