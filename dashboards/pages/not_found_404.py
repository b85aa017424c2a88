"""The page for an address the app does not know, in the user's language."""

from __future__ import annotations

import dash
from dash import html

from dashboards import i18n

dash.register_page(__name__, path="/404", title="Common Monitor – 404")


def layout(**_query: str) -> html.Div:
    """Say the page does not exist and where to go instead."""
    return html.Div(
        [
            html.H1(i18n.t("not_found_title"), className="page-title"),
            html.P(i18n.t("not_found_lead"), className="page-lead"),
            html.A(i18n.t("not_found_home"), href=dash.get_relative_path("/")),
        ],
        id="not-found",
    )
