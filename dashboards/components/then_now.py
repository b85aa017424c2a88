"""The reflection page's tables of figures as known then and now: per indicator the value
on the session date, the value now, the difference and the corrections in between; and
the corrections sent after the session date."""

from __future__ import annotations

from datetime import date

import polars as pl
from dash import html

from dashboards import i18n
from dashboards.components.tables import message, suppression_note, table


def _decimals(row: dict) -> int:
    return 0 if row["value_type"] == "count" else 1


def compare_table(frame: pl.DataFrame, held_on: date, names: dict | None = None) -> html.Div:
    """Indicator | source | period | then | now | difference | corrections in between
    (senders, indicators and categories by name, given ``names`` by code)."""
    title = html.H2(i18n.t("then_now_title", date=i18n.long_date(held_on)), className="h5 mt-3")
    if frame.is_empty():
        return html.Div([title, message(i18n.t("no_data"))])
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    rows = []
    for r in frame.to_dicts():
        decimals = _decimals(r)
        difference = r.get("difference")
        shown = "" if difference is None or abs(difference) < 1e-9 else (
            ("+" if difference > 0 else "") + i18n.number(difference, decimals=decimals)
        )  # fmt: skip
        changed = html.Strong(shown or i18n.t("yes")) if r["changed"] else ""
        rows.append(
            [
                r[name],
                i18n.t(r["source_kind"]),
                i18n.period_label(r["period_code"]),
                i18n.number(r["value_then"], suppressed=r["suppressed_then"], decimals=decimals),
                i18n.number(
                    r["value_now"], suppressed=bool(r["suppressed_now"]), decimals=decimals
                ),
                changed,
                _correction_lines(
                    r.get("corrections") or [], decimals, names or {}, r["indicator_code"]
                ),
            ]
        )
    headers = [
        i18n.t("indicator"), i18n.t("source"), i18n.t("period"),
        i18n.t("then", date=i18n.long_date(held_on)), i18n.t("now"), i18n.t("difference"),
        i18n.t("corrections_between"),
    ]  # fmt: skip
    return html.Div([title, table(headers, rows, table_id="then-now"), suppression_note()])


def _correction_lines(fixes: list[dict], decimals: int, names: dict, shown: str) -> html.Div | str:
    """Each correction behind a then/now row of indicator ``shown``: (indicator,) (category)
    old → new, who, when. A correction of another indicator (a rate's denominator) names
    it, so that "1.010 → 1.100" is not read as the rate's own values."""
    if not fixes:
        return ""
    lines = []
    for f in fixes:
        whole = all(v is None or float(v).is_integer() for v in (f["old_value"], f["new_value"]))
        d = 0 if whole else decimals
        code = f["indicator_code"]
        label = names.get((code, f["category"]), f["category"])
        category = f"{label}: " if f["category"] else ""
        if code != shown or len({f["indicator_code"] for f in fixes}) > 1:
            indicator = names.get(code, code)
            category = f"{indicator}, {category}" if category else f"{indicator}: "
        lines.append(
            html.Div(
                i18n.t(
                    "correction_line", category=category,
                    old=i18n.number(f["old_value"], suppressed=f["old_suppressed"], decimals=d),
                    new=i18n.number(f["new_value"], suppressed=f["new_suppressed"], decimals=d),
                    who=names.get(f["corrected_by"], f["corrected_by"]) or "–",
                    when=i18n.long_date(f["corrected_at"]),
                ),
                className="small",
            )
        )  # fmt: skip
    return html.Div(lines)


def corrections_table(frame: pl.DataFrame, held_on: date) -> html.Div:
    """What was corrected after the session date (see :func:`named_corrections`)."""
    title = html.H2(i18n.t("corrections_title", date=i18n.long_date(held_on)), className="h5")
    if frame.is_empty():
        return html.Div([title, message(i18n.t("no_corrections"))])
    rows = [
        [
            r["organisation_code"], r["indicator_code"], i18n.period_label(r["period_code"]),
            r["category"],
            i18n.number(r["old_value"], suppressed=r["old_suppressed"], decimals=_decimals(r)),
            i18n.number(r["new_value"], suppressed=r["new_suppressed"], decimals=_decimals(r)),
            i18n.long_date(r["corrected_at"]), r["corrected_by"] or "–",
        ]
        for r in frame.to_dicts()
    ]  # fmt: skip
    headers = [
        i18n.t("organisation"), i18n.t("indicator"), i18n.t("period"), i18n.t("category"),
        i18n.t("old_value"), i18n.t("new_value"), i18n.t("corrected_on"),
        i18n.t("corrected_by_header"),
    ]  # fmt: skip
    return html.Div([title, table(headers, rows, table_id="corrections")])
