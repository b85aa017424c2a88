"""Texts of the child-outcomes page."""

from __future__ import annotations

OUTCOMES: dict[str, tuple[str, str]] = {
    "outcomes_lead": (
        "Hoe gaat het met de kinderen? Altijd per groep, nooit per kind, en niet per professional.",
        "How are the children doing? Always per group, never per child, and never per "
        "professional.",
    ),
    "outcome_distribution_title": (
        "{name}: spreiding in {period}, binnen en buiten het programma",
        "{name}: distribution in {period}, in and outside the programme",
    ),
    "outcome_trend_title": (
        "{name}: gemiddelde per periode, binnen en buiten het programma",
        "{name}: mean per period, in and outside the programme",
    ),
    "outcome_help": (
        "Elke doos toont de middelste helft van de kinderen (25e tot 75e percentiel), met "
        "de mediaan als streep. Groepen van minder dan 10 kinderen tonen we niet (“< 10”). "
        "‘Binnen het programma’ zijn kinderen die op de meetdatum deelnamen aan het "
        "programma van het netwerk.",
        "Each box shows the middle half of the children (25th to 75th percentile) with the "
        "median as a line. Groups of fewer than 10 children are not shown (“< 10”). ‘In the "
        "programme’ are children who took part in the network's programme on the date.",
    ),
    "outcome_trend_help": (
        "Het gemiddelde per periode voor kinderen binnen en buiten het programma. Een "
        "verschil is geen bewijs van effect: de groepen kunnen al vooraf verschillen.",
        "The mean per period for children in and outside the programme. A difference is no "
        "proof of effect: the groups may have differed beforehand.",
    ),
    "breakdown": ("Uitsplitsen naar", "Break down by"),
    "age_group": ("leeftijdsgroep", "age group"),
    "reporting_org_code": ("school", "school"),
    "in": ("binnen programma", "in programme"),
    "out": ("buiten programma", "outside programme"),
    "n_children": ("aantal kinderen", "number of children"),
}
