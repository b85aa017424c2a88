"""Texts of the reflection-session page: sessions, then/now, corrections, notes and actions,
and the session view: goals, turn the curve (issue #13)."""

from __future__ import annotations

REFLECTION: dict[str, tuple[str, str]] = {
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
    "note_unknown": ("Deze notitie bestaat niet.", "This note does not exist."),
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
