"""Message texts for reading an uploaded file: the file itself, its header and its rows."""

from __future__ import annotations

FILE: tuple[tuple[str, str, str | None], ...] = (
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
)
