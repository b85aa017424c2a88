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


def indicator_names(session, frame: pl.DataFrame, lang: str) -> dict[str, str]:  # noqa: ANN001
    """The catalogue name of every indicator code in ``frame`` (column indicator_code)."""
    from monitor.catalogue import get_indicator

    names = {}
    for code in frame["indicator_code"].unique().to_list() if frame.height else []:
        indicator = get_indicator(session, code)
        names[code] = indicator.name_nl if lang == "nl" else indicator.name_en
    return names


def organisation_names(session, codes) -> dict[str, str]:  # noqa: ANN001
    """Organisation names for codes (BRIN, CBS code, network code); an unknown code
    stays as it is."""
    from monitor.errors import MonitorError
    from monitor.organisations import get_organisation

    names = {}
    for code in codes:
        if code and code not in names:
            try:
                names[code] = get_organisation(session, code).name
            except MonitorError:
                names[code] = code
    return names


def named_senders(session, card: pl.DataFrame) -> pl.DataFrame:  # noqa: ANN001
    """A scorecard (``views.scorecard``) with each row's senders by name."""
    senders = sorted({c for r in card["reported_by"].drop_nulls() for c in r.split(", ")})
    names = organisation_names(session, senders)
    return card.with_columns(
        pl.col("reported_by").map_elements(
            lambda who: ", ".join(names.get(c, c) for c in who.split(", ")),
            return_dtype=pl.String,
        )
    )


def named_source(session, source: dict) -> dict:  # noqa: ANN001
    """A figure's source (``views.figure_source``) with its senders by name."""
    senders = source.get("reported_by") or []
    if not senders:
        return source
    names = organisation_names(session, senders)
    return {**source, "reported_by": [names[c] for c in senders]}


def completeness_table(
    frame: pl.DataFrame, names: dict[str, str] | None = None, partners: dict | None = None
) -> html.Div:
    """Completeness per partner and indicator (by name, given ``names`` for indicators
    and ``partners`` for organisations)."""
    if frame.is_empty():
        return message(i18n.t("no_obligations"))
    names, partners = names or {}, partners or {}
    rows = [
        [partners.get(r["organisation"], r["organisation"]),
         names.get(r["indicator_code"], r["indicator_code"]),
         judged_periods(r.get("periods") or ""), r["expected"],
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


def judged_periods(codes: str) -> str:
    """The periods a completeness row judged ("2023-07, ..., 2024-06") by their labels; more
    than three as their span ("juli 2023 t/m juni 2024 (12)": the periods of one type in
    the chosen and the previous period follow on from each other)."""
    periods = sorted(c for c in codes.split(", ") if c)
    if len(periods) <= 3:
        return ", ".join(i18n.period_label(c) for c in periods)
    first, last = i18n.period_label(periods[0]), i18n.period_label(periods[-1])
    return i18n.t("period_span", first=first, last=last, n=len(periods))


def category_names(session, pairs, lang: str) -> dict[tuple[str, str], str]:  # noqa: ANN001
    """(indicator code, category code) -> the category's label in its indicator's list;
    a category the list does not know stays as it is."""
    from monitor.catalogue import get_indicator
    from monitor.views import category_labels

    labels: dict[str, dict[str, str]] = {}
    names = {}
    for code, category in pairs:
        if not category:
            continue
        if code not in labels:
            category_set = get_indicator(session, code).category_set
            labels[code] = category_labels(session, category_set, lang) if category_set else {}
        names[(code, category)] = labels[code].get(category, category)
    return names


def named_corrections(session, frame: pl.DataFrame, lang: str) -> pl.DataFrame:  # noqa: ANN001
    """The corrections with organisations, senders, indicators and categories by name (in
    ``lang``) instead of by code, for a table people read."""
    if frame.is_empty():
        return frame
    codes = [*frame["organisation_code"].to_list(), *frame["corrected_by"].to_list()]
    names = {
        **organisation_names(session, [c for c in codes if c]),
        **indicator_names(session, frame, lang),
    }
    pairs = list(zip(frame["indicator_code"], frame["category"], strict=True))
    categories = category_names(session, pairs, lang)

    def named(column: str) -> pl.Expr:
        return pl.col(column).replace(names)

    return frame.with_columns(
        pl.Series("category", [categories.get(p, p[1]) for p in pairs], dtype=pl.String),
    ).with_columns(named("organisation_code"), named("indicator_code"), named("corrected_by"))


def correction_names(session, then_now: pl.DataFrame, lang: str) -> dict:  # noqa: ANN001
    """Names for the corrections listed in a then/now table: senders, indicators and
    (indicator, category) pairs, by code."""
    fixes = [f for row in then_now.to_dicts() for f in row.get("corrections") or []]
    senders = [f["corrected_by"] for f in fixes if f.get("corrected_by")]
    codes = pl.DataFrame({"indicator_code": [f["indicator_code"] for f in fixes]}, schema={
        "indicator_code": pl.String})  # fmt: skip
    return {
        **organisation_names(session, senders),
        **indicator_names(session, codes, lang),
        **category_names(session, [(f["indicator_code"], f["category"]) for f in fixes], lang),
    }
