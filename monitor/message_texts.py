"""The texts of :mod:`monitor.messages`: each message template of the core with its Dutch
form and, where the English names a CLI command or a setting, its English form for the web.

``{name}`` marks a part taken over from the message; ``{{``/``}}`` a literal brace in the
Dutch or web-English form."""

from __future__ import annotations

#: Where a web user finds the codes the CLI would list.
_WHERE_INDICATORS_NL = (
    "de indicatoren staan op het tabblad 'indicatoren' van het sjabloon (pagina Invoer en "
    "kwaliteit, 'Sjabloon downloaden')"
)
_WHERE_INDICATORS_EN = (
    "the indicators are on the 'indicators' sheet of the template (Data entry and quality "
    "page, 'Download template')"
)
_WHERE_ORGS_NL = "kies de organisatie in de keuzelijst 'Organisatie' bovenaan de pagina"
_WHERE_ORGS_EN = "choose it in the 'Organisation' list at the top of the page"

#: (English template, Dutch, English for the web or None when the English is fine).
TEMPLATES: tuple[tuple[str, str, str | None], ...] = (
    # reading the file
    ("the file is empty (0 bytes)", "het bestand is leeg (0 bytes)", None),
    (
        "the file holds no data: no header and no data rows",
        "het bestand bevat geen gegevens: geen kopregel en geen rijen",
        None,
    ),
    (
        "the file has a header but no data rows; put one measurement per row under the header",
        "het bestand heeft een kopregel maar geen rijen; zet één meting per rij onder de kopregel",
        None,
    ),
    (
        "the file is {encoding} encoded; save it as {save_as}",
        "het bestand is in {encoding} opgeslagen; sla het op als {save_as}",
        None,
    ),
    (
        "the file contains NUL bytes, so it is not a text file; save it as {save_as}",
        "het bestand bevat NUL-tekens en is dus geen tekstbestand; sla het op als {save_as}",
        None,
    ),
    (
        "a UTF-8 CSV (Excel: Save As > CSV UTF-8)",
        "CSV UTF-8 (Excel: Opslaan als > CSV UTF-8)",
        None,
    ),
    (
        "not UTF-8 or Windows-1252 text: {detail}",
        "geen UTF-8- of Windows-1252-tekst: {detail}",
        None,
    ),
    ("not a readable CSV file: {detail}", "geen leesbaar CSV-bestand: {detail}", None),
    (
        "not a readable XLSX workbook: its part {part} is damaged or does not match its "
        "declared size",
        "geen leesbaar Excel-bestand (XLSX): het onderdeel {part} is beschadigd of wijkt af van "
        "de opgegeven grootte",
        None,
    ),
    (
        "not a readable XLSX workbook: {detail}",
        "geen leesbaar Excel-bestand (XLSX): {detail}",
        None,
    ),
    ("not a readable Parquet file: {detail}", "geen leesbaar Parquet-bestand: {detail}", None),
    ("not valid JSON: {detail}", "geen geldige JSON: {detail}", None),
    ("not valid YAML: {detail}", "geen geldige YAML: {detail}", None),
    (
        "not usable JSON: it is nested too deeply; send a flat list of rows",
        "onbruikbare JSON: te diep genest; stuur een platte lijst rijen",
        None,
    ),
    (
        "every row in the JSON must be an object",
        "elke rij in de JSON moet een object zijn",
        None,
    ),
    (
        "holds a list or an object; give one plain value",
        "bevat een lijst of object; geef één enkele waarde",
        None,
    ),
    (
        'JSON must be {"dataValues": [...]} or a list of rows',
        'de JSON moet {{"dataValues": [...]}} of een lijst rijen zijn',
        'JSON must be {{"dataValues": [...]}} or a list of rows',
    ),
    (
        "column(s) {columns} hold lists or records, not single values; write one plain value "
        "(text, number or date) per cell",
        "kolom(men) {columns} bevatten lijsten of records, geen enkele waarden; zet één waarde "
        "(tekst, getal of datum) per cel",
        None,
    ),
    (
        "a column cannot be read as text: {detail}",
        "een kolom is niet als tekst te lezen: {detail}",
        None,
    ),
    (
        "unsupported file type {suffix}; use {allowed}",
        "bestandstype {suffix} wordt niet ondersteund; gebruik {allowed}",
        None,
    ),
    (
        "the file is {size} MB, larger than the maximum of {maximum} MB (setting MAX_UPLOAD_MB); "
        "split it into smaller submissions",
        "het bestand is {size} MB, groter dan het maximum van {maximum} MB; splits het in "
        "kleinere aanleveringen",
        "the file is {size} MB, larger than the maximum of {maximum} MB; split it into "
        "smaller submissions",
    ),
    (
        "the workbook unpacks to {size} MB, more than the maximum of {maximum} MB (setting "
        "MAX_UNZIPPED_MB); a normal workbook of this size unpacks to far less, so it is "
        "refused unread",
        "het Excel-bestand pakt uit tot {size} MB, meer dan het maximum van {maximum} MB; een "
        "gewoon bestand van deze omvang is veel kleiner, dus het is ongelezen geweigerd",
        "the workbook unpacks to {size} MB, more than the maximum of {maximum} MB; a normal "
        "workbook of this size unpacks to far less, so it is refused unread",
    ),
    (
        "the file's data unpacks to {size} MB, more than the maximum of {maximum} MB "
        "(setting MAX_UNZIPPED_MB)",
        "de gegevens in het bestand pakken uit tot {size} MB, meer dan het maximum van "
        "{maximum} MB",
        "the file's data unpacks to {size} MB, more than the maximum of {maximum} MB",
    ),
    (
        "the first sheet's used range is {rows} rows by {columns} columns, more than the "
        "maximum of {maximum} cells (setting MAX_UPLOAD_CELLS); delete the empty rows and "
        "columns below and beside the data, or split it",
        "het eerste werkblad beslaat {rows} rijen bij {columns} kolommen, meer dan het maximum "
        "van {maximum} cellen; verwijder de lege rijen en kolommen onder en naast de gegevens, "
        "of splits het bestand",
        "the first sheet's used range is {rows} rows by {columns} columns, more than the "
        "maximum of {maximum} cells; delete the empty rows and columns below and beside the "
        "data, or split it",
    ),
    (
        "{what} {cells} cells, more than the maximum of {maximum} (setting MAX_UPLOAD_CELLS); "
        "split it into smaller submissions",
        "het bestand bevat {cells} cellen, meer dan het maximum van {maximum}; splits het in "
        "kleinere aanleveringen",
        "{what} {cells} cells, more than the maximum of {maximum}; split it into smaller "
        "submissions",
    ),
    (
        "{cell} holds a formula ({formula}); submit values, not formulas (Excel: Paste "
        "Special > Values)",
        "{cell} bevat een formule ({formula}); lever waarden aan, geen formules (Excel: "
        "Plakken speciaal > Waarden)",
        None,
    ),
    (
        "... and {n} more formula cell(s); submit values, not formulas",
        "... en nog {n} cel(len) met een formule; lever waarden aan, geen formules",
        None,
    ),
    ("cell {cell} (column {column})", "cel {cell} (kolom {column})", None),
    ("cell {cell}", "cel {cell}", None),
    # the header
    ("column has values but no name", "kolom heeft waarden maar geen naam", None),
    ("column names may not start with '_'", "kolomnamen mogen niet met '_' beginnen", None),
    ("column name appears more than once", "kolomnaam komt meer dan eens voor", None),
    ("empty column name", "lege kolomnaam", None),
    ("same column as {other}", "zelfde kolom als {other}", None),
    ("the rows have no columns", "de rijen hebben geen kolommen", None),
    (
        "cannot tell the file's shape from its header: a case file has bsn or child_ref, "
        "indicator, date, value; an aggregate file has organisation, indicator, period, "
        "value; a DHIS2 file has dataElement, period, orgUnit, value (or pass --shape)",
        "aan de kopregel is niet te zien wat voor bestand dit is: een bestand per kind heeft "
        "bsn of child_ref, indicator, date, value; een bestand met periodecijfers heeft "
        "organisatie, indicator, periode, waarde; een DHIS2-bestand heeft dataElement, "
        "period, orgUnit, value (gebruik het sjabloon van deze pagina)",
        "cannot tell the file's shape from its header: a case file has bsn or child_ref, "
        "indicator, date, value; an aggregate file has organisation, indicator, period, "
        "value; a DHIS2 file has dataElement, period, orgUnit, value (use this page's "
        "template)",
    ),
    ("required column is missing ({what})", "verplichte kolom ontbreekt ({what})", None),
    (
        "a case file needs a bsn or child_ref column",
        "een bestand per kind heeft een kolom bsn of child_ref nodig",
        None,
    ),
    (
        "an aggregate file needs value or numerator/denominator",
        "een bestand met periodecijfers heeft een kolom waarde of teller/noemer nodig",
        None,
    ),
    (
        "unknown column; the {shape} format has: {columns}",
        "onbekende kolom; het formaat {shape} heeft: {columns}",
        None,
    ),
    # rows: required fields and formats
    ("period is required", "periode is verplicht", None),
    ("organisation is required", "organisatie is verplicht", None),
    ("indicator is required", "indicator is verplicht", None),
    ("date is required (YYYY-MM-DD)", "datum is verplicht (JJJJ-MM-DD)", None),
    ("not a date; use YYYY-MM-DD", "geen datum; gebruik JJJJ-MM-DD", None),
    ("not a month; use YYYY-MM", "geen maand; gebruik JJJJ-MM", None),
    ("date lies in the future", "datum ligt in de toekomst", None),
    ("period lies in the future", "periode ligt in de toekomst", None),
    ("lies in the future", "ligt in de toekomst", None),
    (
        "an end date is only for episode indicators",
        "een einddatum hoort alleen bij episode-indicatoren (iets met een begin en eind)",
        None,
    ),
    ("end date is before the start date", "einddatum ligt vóór de begindatum", None),
    (
        "not a period; use 2024, 2024-H1, 2024-Q2, 2024-03 or CBS 2024JJ00, 2024HJ01, "
        "2024KW02, 2024MM03",
        "geen periode; gebruik 2024, 2024-H1, 2024-Q2, 2024-03 of CBS 2024JJ00, 2024HJ01, "
        "2024KW02, 2024MM03",
        None,
    ),
    (
        "this indicator is reported per {period_type}, not per {given_type}",
        "deze indicator wordt per {period_type} aangeleverd, niet per {given_type}",
        None,
    ),
    ("use m, f or x", "gebruik m, f of x (meisje: f, jongen: m)", None),
    ("use one of {allowed}", "gebruik een van {allowed}", None),
    ("give either bsn or child_ref, not both", "geef bsn of child_ref, niet allebei", None),
    ("bsn or child_ref is required", "bsn of child_ref is verplicht", None),
    (
        "not a valid BSN: it must be 9 digits and pass the elfproef",
        "geen geldig BSN: het moet 9 cijfers hebben en de elfproef doorstaan",
        None,
    ),
    (
        "required on each child's first row in a file (birth_month, sex, municipality)",
        "verplicht op de eerste rij van elk kind in een bestand (birth_month, sex, municipality)",
        None,
    ),
    # indicators
    (
        "unknown indicator code (see: monitor catalogue list, or the template's indicators)",
        "onbekende indicatorcode; " + _WHERE_INDICATORS_NL,
        "unknown indicator code; " + _WHERE_INDICATORS_EN,
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
        "onbekende organisatie; " + _WHERE_ORGS_NL,
        "unknown organisation; " + _WHERE_ORGS_EN,
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
    # storing
    (
        "the database refused the batch: {detail}",
        "de database weigerde de aanlevering: {detail}",
        None,
    ),
    (
        "a concurrent submission stored the same rows first ({attempts} attempts); send the "
        "file again in a moment ({detail})",
        "een gelijktijdige aanlevering sloeg dezelfde rijen eerder op ({attempts} pogingen); "
        "stuur het bestand zo nog eens ({detail})",
        None,
    ),
    (
        "{file}: nothing stored; {reason}",
        "{file}: niets opgeslagen; {reason}",
        None,
    ),
    (
        "nothing stored: {n} problem(s) in {rows} row(s)",
        "niets opgeslagen: {n} fout(en) in {rows} rij(en)",
        None,
    ),
    (
        "{file}: nothing stored; {n} cell(s) hold formulas, not values",
        "{file}: niets opgeslagen; {n} cel(len) bevatten formules in plaats van waarden",
        None,
    ),
    ("{file} could not be read", "{file} kon niet gelezen worden", None),
    ("{file} is too large", "{file} is te groot", None),
    ("{file}: the header row is not usable", "{file}: de kopregel is niet bruikbaar", None),
    ("{file}: unknown file shape", "{file}: onbekend soort bestand", None),
    (
        "identical to submission {id} of {when}; nothing to do",
        "gelijk aan aanlevering {id} van {when}; er is niets veranderd",
        None,
    ),
    (
        "validated only; {n} row(s) would be stored",
        "alleen gecontroleerd; {n} rij(en) zouden worden opgeslagen",
        None,
    ),  # fmt: skip
    (
        "stored at attempt {n}: a concurrent batch held the same keys",
        "opgeslagen bij poging {n}: een gelijktijdige aanlevering had dezelfde sleutels",
        None,
    ),
    # access (monitor.policy)
    ("{user} may not submit for {org}", "{user} mag niet aanleveren voor {org}", None),
    (
        "{user} may not submit data for {org}",
        "{user} mag geen gegevens aanleveren voor {org}",
        None,
    ),  # fmt: skip
    (
        "{user} may not submit figures of {org}",
        "{user} mag geen cijfers van {org} aanleveren",
        None,
    ),  # fmt: skip
    (
        "{user} may not view figures of {org}",
        "{user} mag de cijfers van {org} niet bekijken",
        None,
    ),  # fmt: skip
    # figures and pages (query layer, catalogue, forecast)
    (
        "organisation {code} does not exist (see: monitor org list)",
        "organisatie {code} bestaat niet; " + _WHERE_ORGS_NL,
        "organisation {code} does not exist; " + _WHERE_ORGS_EN,
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
    # iJw messages through the API
    (
        "iJw messages are imported for a municipality; {code} is not one",
        "iJw-berichten worden ingelezen voor een gemeente; {code} is dat niet",
        None,
    ),
    (
        "send one iJw message (.xml) or a zip of messages (.zip)",
        "stuur één iJw-bericht (.xml) of een zip met berichten (.zip)",
        None,
    ),
)

#: Words that may fill a ``{name}`` part: (Dutch, English).
WORDS: dict[str, tuple[str, str]] = {
    "network": ("netwerk", "network"),
    "municipality": ("gemeente", "municipality"),
    "samenwerkingsverband": ("samenwerkingsverband", "samenwerkingsverband"),
    "school": ("school", "school"),
    "childcare": ("kinderopvang", "childcare"),
    "youth_care": ("jeugdhulpaanbieder", "youth-care provider"),
    "jgz": ("JGZ-organisatie", "youth health care organisation"),
    "case": ("kind", "case"),
    "count": ("aantal", "count"),
    "number": ("getal", "number"),
    "percentage": ("percentage", "percentage"),
    "proportion": ("aandeel", "proportion"),
    "scale": ("schaalscore", "scale"),
    "boolean": ("ja/nee", "yes/no"),
    "category": ("categorie", "category"),
    "episode": ("episode", "episode"),
    "year": ("jaar", "year"),
    "half_year": ("halfjaar", "half-year"),
    "quarter": ("kwartaal", "quarter"),
    "month": ("maand", "month"),
    "submit": ("aanleveren", "submit"),
    "view": ("bekijken", "view"),
    "aggregate": ("periodecijfers", "aggregate"),
    "registered": ("geregistreerd", "registered"),
    "survey": ("enquête", "survey"),
    "observed": ("observatie", "observed"),
}

#: Severities of a row problem.
SEVERITIES = {"error": ("fout", "error"), "warning": ("waarschuwing", "warning")}
