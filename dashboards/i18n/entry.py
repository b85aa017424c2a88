"""Texts of the data-entry and quality page: uploads, the entry form and the check report."""

from __future__ import annotations

ENTRY: dict[str, tuple[str, str]] = {
    "entry_lead": (
        "Lever cijfers aan als bestand of typ één cijfer in. Alles gaat door dezelfde "
        "controles: fouten per rij en kolom, waarschuwingen blokkeren niets.",
        "Submit figures as a file or type in one figure. Everything passes the same checks: "
        "errors per row and column; warnings block nothing.",
    ),
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
    "report_checked": (
        "Status: {status}. Gelezen {read}, goedgekeurd {accepted}, afgewezen {rejected}; "
        "niets opgeslagen.",
        "Status: {status}. Read {read}, passed {accepted}, rejected {rejected}; nothing stored.",
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
}
