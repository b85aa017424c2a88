"""Plain tables and notes shared by the pages."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import polars as pl
from dash import html

from dashboards import i18n


def table(
    headers: Sequence[str], rows: Sequence[Sequence], *, table_id: str | None = None
) -> dbc.Table:
    """A compact striped table; cells may be strings or components."""
    head = html.Thead(html.Tr([html.Th(h) for h in headers]))
    body = html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])
    kwargs = {"id": table_id} if table_id else {}
    return dbc.Table(
        [head, body], striped=True, bordered=False, hover=True, size="sm", responsive=True,
        className="figure-table", **kwargs,
    )  # fmt: skip


def suppression_note() -> html.P:
    """The standard explanation of "< 10"."""
    return html.P(
        i18n.t("suppressed_note", t=i18n.threshold()), className="text-muted small suppression"
    )


def message(text: str, colour: str = "secondary") -> dbc.Alert:
    """A short message in place of a chart or table (a core message in the current
    language)."""
    return dbc.Alert(i18n.message(text), color=colour, className="py-2")


def completeness_table(frame: pl.DataFrame) -> html.Div:
    """Completeness per partner and indicator."""
    if frame.is_empty():
        return message(i18n.t("no_obligations"))
    rows = [
        [r["organisation"], r["indicator_code"], r.get("periods") or "", r["expected"],
         r["on_time"], r["late"], r["missing"], r["open"]]
        for r in frame.to_dicts()
    ]  # fmt: skip
    headers = [
        i18n.t("organisation"),
        i18n.t("indicator"),
        i18n.t("judged_periods"),
        i18n.t("expected"),
        i18n.t("on_time"),
        i18n.t("late"),
        i18n.t("missing"),
        i18n.t("open"),
    ]
    return table(headers, rows, table_id="completeness-table")
