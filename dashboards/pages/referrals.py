"""Page 3 — Referrals and care use: referral rate per 1,000 by referrer over time, youth
care with and without residence, and the pathway signal → referral → care → ending."""

from __future__ import annotations

import dash
import polars as pl
from dash import Input, Output, callback, html

from dashboards import auth, i18n, ids
from dashboards.components.charts import (
    blank_figure,
    chart_card,
)
from dashboards.components.figures import care_figure, rate_figure, sankey_figure, withheld_note
from dashboards.components.frame import page
from dashboards.components.tables import message, named_source, suppression_note
from monitor import views
from monitor.catalogue import get_indicator
from monitor.errors import MonitorError
from monitor.organisations import get_organisation

dash.register_page(__name__, path="/verwijzingen", title="Common Monitor – verwijzingen", order=2)


def layout(**_query: str) -> html.Div:
    """Three charts, each with its reading guide."""
    return page(
        i18n.t("nav_referrals"),
        i18n.t("referrals_lead"),
        chart_card(
            ids.REFERRAL_RATE_GRAPH, blank_figure(), i18n.t("referral_rate_help"),
            note_id=ids.REFERRAL_RATE_NOTE,
        ),
        chart_card(
            ids.REFERRAL_CARE_GRAPH, blank_figure(), i18n.t("care_help"),
            note_id=ids.REFERRAL_CARE_NOTE,
        ),
        chart_card(
            ids.REFERRAL_SANKEY, blank_figure(),
            i18n.t("sankey_help") + " " + i18n.t("sankey_node_help"),
            note_id=ids.REFERRAL_SANKEY_NOTE,
        ),
        suppression_note(),
    )  # fmt: skip


@callback(
    Output(ids.REFERRAL_RATE_GRAPH, "figure"),
    Output(ids.REFERRAL_RATE_NOTE, "children"),
    Output(ids.REFERRAL_CARE_GRAPH, "figure"),
    Output(ids.REFERRAL_CARE_NOTE, "children"),
    Output(ids.REFERRAL_SANKEY, "figure"),
    Output(ids.REFERRAL_SANKEY_NOTE, "children"),
    Input(ids.ORG, "value"),
    Input(ids.PERIOD, "value"),
)
def show_referrals(organisation_code, period_code):  # noqa: ANN001, ANN201
    """The three charts for the chosen organisation; the pathway for the chosen period."""
    if not organisation_code or not period_code:
        raise dash.exceptions.PreventUpdate
    lang = i18n.language()
    with auth.logged_in() as (session, principal):
        try:
            organisation = get_organisation(session, organisation_code)
            code = (
                "MU_REF_RATE" if views.level_of(organisation) == "municipality" else "NW_REF_RATE"
            )
            indicator = get_indicator(session, code)
            rates = views.indicator_figures(
                session, principal, indicator_code=code, organisation_codes=[organisation_code]
            )
            care = views.care_by_residence(session, principal, organisation_code=organisation_code)
            source = views.figure_source(
                session, principal, organisation_code=organisation_code,
                indicator_codes=[code, "NW_CARE_RATE" if code == "NW_REF_RATE" else "MU_CARE_RATE"],
            )  # fmt: skip
            source = named_source(session, source)
            flows = views.care_pathway_flows(
                session, principal, organisation_code=organisation_code, period_code=period_code
            )
            referrers = views.category_labels(session, "referrer", lang)
            labels = {
                "signaal": i18n.t("signal"),
                **{f"ref:{c}": v for c, v in referrers.items()},
                **{
                    f"care:{c}": v
                    for c, v in views.category_labels(session, "care_type", lang).items()
                },
                **{
                    f"end:{c}": v
                    for c, v in views.category_labels(session, "end_reason", lang).items()
                },
                f"ref:{views.NO_REFERRAL}": i18n.t(views.NO_REFERRAL),
                f"care:{views.NO_CARE}": i18n.t(views.NO_CARE),
                f"end:{views.RUNNING}": i18n.t(views.RUNNING),
            }
        except MonitorError as exc:
            warning = message(str(exc), "warning")
            return blank_figure(), warning, blank_figure(), "", blank_figure(), ""
    n_withheld = flows.filter(pl.col("suppressed")).height
    sankey_note = i18n.t("sankey_withheld", n=n_withheld, t=i18n.threshold()) if n_withheld else ""
    named = html.P(i18n.source_line(source), className="chart-note figure-source")
    cases = html.P(i18n.source_line({}), className="chart-note figure-source")
    band = (indicator.alert_low, indicator.alert_high)
    return (
        rate_figure(rates, referrers, band, i18n.unit(indicator.unit), organisation.name),
        [withheld_note(rates, referrers), named],
        care_figure(care, organisation.name),
        [withheld_note(care, {g: i18n.t(g) for g in ("met_verblijf", "zonder_verblijf")}), named],
        sankey_figure(flows, labels, period_code, organisation.name),
        [sankey_note, cases],
    )
