"""The municipality against the Netherlands and its CBS size class, from CBS StatLine's own
published figures (never a mean of municipalities' percentages): a card on the trend page.

For a network, the figures of its municipality are shown. CBS's status is visible: a
voorlopig / nader voorlopig figure is an open marker and named in the hover and table.
"""

from __future__ import annotations

import re

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, dcc, html

from dashboards import auth, i18n, ids
from dashboards.components.charts import (
    chart_card,
    empty_figure,
    period_ticks,
    style,
    value_range,
)
from monitor.catalogue import possible_range
from monitor.errors import MonitorError
from monitor.organisations import get_organisation
from monitor.policy import Action
from monitor.views.published import comparison, published_indicator, published_indicators
from schema import Organisation

GRAPH, PICKER, NOTE = "trend-cbs-graph", "trend-cbs-indicator", "trend-cbs-note"
HEADING = "trend-cbs-heading"
#: The first CBS indicator shown, when there are figures for it.
DEFAULTS = ("CBS_JH_PCT", "CBS_KWB_JZ_PCT", "CBS_JH_PCT_HY")
LINES = {"municipality": "#1b5e85", "country": "#555555", "size_class": "#6a3d9a"}
TEXTS = {
    "title": ("Vergelijking met CBS-cijfers", "Comparison with CBS figures"),
    "pick": ("CBS-indicator", "CBS indicator"),
    "help": (
        "De lijnen zijn de cijfers zoals het CBS ze publiceert (StatLine): de gemeente, "
        "Nederland en gemeenten van dezelfde grootte (het totaal dat het CBS zelf voor die "
        "grootteklasse geeft). Een open punt is een voorlopig cijfer; het definitieve cijfer "
        "vervangt het later, het eerdere blijft te zien met 'zoals bekend op'.",
        "The lines are the figures as CBS publishes them (StatLine): the municipality, the "
        "Netherlands and municipalities of the same size (CBS's own total for that size "
        "class). An open marker is a provisional figure; the definitive figure replaces it "
        "later, the earlier one stays visible with 'as known on'.",
    ),
    "none": (
        "Nog geen CBS-cijfers voor deze gemeente (monitor cbs import).",
        "No CBS figures for this municipality yet (monitor cbs import).",
    ),
    "no_size": (
        "Grootteklasse onbekend: er is geen CBS-inwonertal van de gemeente "
        "(Kerncijfers wijken en buurten).",
        "Size class unknown: CBS gives no inhabitants figure for the municipality "
        "(Kerncijfers wijken en buurten).",
    ),
    "counts": (
        "Dit is een aantal: Nederland en gemeenten van een andere grootte zijn daarmee niet te "
        "vergelijken, dus alleen de gemeente staat erin. Vergelijk met een percentage.",
        "This is a number: the Netherlands and municipalities of another size cannot be "
        "compared with it, so only the municipality is drawn. Compare with a percentage.",
    ),
    "municipality": ("gemeente", "municipality"),
    "country": ("Nederland", "Netherlands"),
    "size_class": ("gemeenten van dezelfde grootte", "municipalities of the same size"),
    "voorlopig": ("voorlopig", "provisional"),
    "nader_voorlopig": ("nader voorlopig", "revised provisional"),
    "definitief": ("definitief", "definitive"),
    "source": (
        "Bron: {source}; de status van elk cijfer staat bij de muisaanwijzer.",
        "Source: {source}; each figure's status is in the hover.",
    ),
}


_SIZE_EN = (
    (re.compile(r"^minder dan (\d[\d ]*) inwoners$"), "fewer than {0} inhabitants"),
    (re.compile(r"^(\d[\d ]*) tot (\d[\d ]*) inwoners$"), "{0} to {1} inhabitants"),
    (re.compile(r"^(\d[\d ]*?) (?:inwoners of meer|of meer inwoners)$"), "{0} inhabitants or more"),
)


def size_class_title(title: str) -> str:
    """CBS's Dutch size-class title ("Gemeentegrootte: minder dan 20 000 inwoners") as
    the page writes it: "minder dan 20 000 inwoners", or "fewer than 20,000 inhabitants"."""
    text = title.split(":", 1)[-1].strip().lower()
    if i18n.language() == "nl":
        return text
    for pattern, english in _SIZE_EN:
        match = pattern.match(text)
        if match:
            return english.format(*(f"{int(g.replace(' ', '')):,}" for g in match.groups()))
    return text


def _t(key: str, **values: object) -> str:
    nl, en = TEXTS[key]
    text = nl if i18n.language() == "nl" else en
    return text.format(**values) if values else text


def block() -> html.Div:
    """The card: a CBS indicator picker above the chart."""
    return html.Div(
        [
            html.H2(_t("title"), id=HEADING, className="h5 mt-2"),
            html.Label(_t("pick"), htmlFor=PICKER, className="form-label"),
            dcc.Dropdown(id=PICKER, className="mb-2"),
            # until the callback answers: the title, no empty axes
            chart_card(GRAPH, empty_figure(_t("title"), ""), _t("help"), note_id=NOTE),
        ],
        id="trend-cbs",
    )


def _municipality(session, principal, organisation_code: object) -> str | None:  # noqa: ANN001
    """The municipality whose CBS figures go with the chosen organisation (None for an
    organisation the principal may not view, or none at all)."""
    if not isinstance(organisation_code, str):
        return None
    try:
        organisation = get_organisation(session, organisation_code)
    except MonitorError:
        return None
    if not principal.allows(Action.VIEW, organisation.id):
        return None
    if organisation.kind == "municipality":
        return organisation.code
    if organisation.municipality_id is None:
        return None
    parent = session.get(Organisation, organisation.municipality_id)
    return parent.code if parent else None


@callback(Output(PICKER, "options"), Output(PICKER, "value"), Input(ids.ORG, "value"))
def choose_cbs_indicator(organisation_code):  # noqa: ANN001, ANN201
    """The CBS indicators with figures for the organisation's municipality."""
    if not organisation_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        code = _municipality(session, principal, organisation_code)
        found = published_indicators(session, code or "")
    name = 1 if i18n.language() == "nl" else 2
    options = [{"label": row[name], "value": row[0]} for row in found]
    codes = [o["value"] for o in options]
    default = next((c for c in DEFAULTS if c in codes), codes[0] if codes else None)
    return options, default


@callback(
    Output(GRAPH, "figure"),
    Output(NOTE, "children"),
    Input(ids.ORG, "value"),
    Input(PICKER, "value"),
)
def show_cbs(organisation_code, indicator_code):  # noqa: ANN001, ANN201
    """The three lines, as CBS published them."""
    if not organisation_code:
        raise dash.exceptions.PreventUpdate
    if not isinstance(indicator_code, str) or not indicator_code.startswith("CBS_"):
        return empty_figure(_t("title"), _t("none")), ""
    with auth.logged_in() as (session, principal):
        code = _municipality(session, principal, organisation_code)
        indicator = published_indicator(session, indicator_code)
        if code is None or indicator is None:
            return empty_figure(_t("title"), _t("none")), ""
        lines = comparison(session, code, indicator_code)
    counts = indicator.value_type == "count"
    if counts:  # a number of young people: the Netherlands' would flatten the line
        lines = lines.filter(pl.col("line") == "municipality")
    if lines.filter(pl.col("line") == "municipality").is_empty():
        return empty_figure(_t("title"), _t("none")), ""
    name = indicator.name_nl if i18n.language() == "nl" else indicator.name_en
    unit = i18n.unit(indicator.unit)
    figure = go.Figure()
    for line, colour in LINES.items():
        part = lines.filter(pl.col("line") == line)
        if part.is_empty():
            continue
        region = part["organisation_name"][0].removesuffix(" (CBS)")
        label = {"municipality": region, "country": _t("country")}.get(
            line, f"{_t('size_class')} ({size_class_title(region)})"
        )
        statuses = [_t(s or "definitief") for s in part["status"]]
        figure.add_trace(
            go.Scatter(
                x=[d.isoformat() for d in part["period_start"]], y=part["value"].to_list(),
                name=label, mode="lines+markers", line={"color": colour, "width": 2.5},
                marker={"size": 9, "color": colour,
                        "symbol": ["circle-open" if s != "definitief" else "circle"
                                   for s in part["status"].fill_null("definitief")]},
                customdata=statuses,
                hovertemplate=f"%{{y}} {unit}<br>%{{customdata}}<extra>{label}</extra>",
            )
        )  # fmt: skip
    style(figure, title=name, x_title=i18n.t("time_axis"), y_title=unit)
    # the house rule for the value axis: from 0 for figures that cannot be negative
    floor = possible_range(indicator)[0]
    figure.update_yaxes(range=value_range(lines["value"].to_list(), floor=floor))
    period_ticks(figure, lines["period_start"].to_list(), lines["period_code"].to_list())
    notes = [html.P(_t("source", source=indicator.source_reference), className="chart-note")]
    if counts:
        notes.append(html.P(_t("counts"), className="chart-note"))
    elif lines.filter(pl.col("line") == "size_class").is_empty():
        notes.append(html.P(_t("no_size"), className="chart-note"))
    return figure, notes
