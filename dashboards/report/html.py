"""The report as one HTML document for print: the rows of the tables in the words and
number formats of the dashboards, the charts as embedded SVG images, page furniture in
CSS (``@page`` margin boxes number the pages)."""

from __future__ import annotations

import base64
from pathlib import Path

import jinja2
import polars as pl

from dashboards import i18n
from dashboards.report.content import ReportContent, chart_title
from dashboards.report.texts import moment, t

TEMPLATE = Path(__file__).with_name("report.html.j2")


def _decimals(row: dict) -> int:
    return 0 if row["value_type"] == "count" else 1


def _name_column() -> str:
    return "name_nl" if i18n.language() == "nl" else "name_en"


def _band(row: dict) -> str:
    if row["alert_low"] is None:
        return ""
    low = i18n.number(row["alert_low"], decimals=0)
    high = i18n.number(row["alert_high"], decimals=0)
    return f" [{low}–{high}]"


def scorecard_rows(frame: pl.DataFrame) -> list[dict]:
    """The scorecard as the overview page shows it: value, previous, change, judgement."""
    rows = []
    for r in frame.to_dicts():
        decimals = _decimals(r)
        change = "–"
        if r["change"] is not None:
            arrow = "▲" if r["change"] > 0 else "▼" if r["change"] < 0 else "="
            change = f"{arrow} {i18n.number(abs(r['change']), decimals=decimals)}"
        source = i18n.t(r["source_kind"])
        if r.get("reported_by"):
            when = i18n.long_date(r["recorded_at"]) if r.get("recorded_at") else "–"
            source += ", " + i18n.t("sent_by", who=r["reported_by"], when=when)
        rows.append(
            {
                "name": r[_name_column()],
                "unit": r["unit"],
                "source": source,
                "period": i18n.period_label(r["period_code"]),
                "value": i18n.number(r["value"], suppressed=r["suppressed"], decimals=decimals),
                "suppressed": r["suppressed"],
                "previous": i18n.number(
                    r["previous_value"], suppressed=r["previous_suppressed"], decimals=decimals
                )
                if r["previous_period_code"]
                else "–",
                "previous_suppressed": r["previous_suppressed"],
                "change": change,
                "judgement_key": r["judgement"],
                "judgement": i18n.t(r["judgement"])
                + (_band(r) if "band" in r["judgement"] else ""),
            }
        )
    return rows


def then_now_rows(frame: pl.DataFrame) -> list[dict]:
    """Indicator, source, period, then, now, changed (the reflection page's table)."""
    return [
        {
            "name": r[_name_column()],
            "source": i18n.t(r["source_kind"]),
            "period": i18n.period_label(r["period_code"]),
            "then": i18n.number(r["value_then"], suppressed=r["suppressed_then"],
                                decimals=_decimals(r)),
            "suppressed_then": r["suppressed_then"],
            "now": i18n.number(r["value_now"], suppressed=bool(r["suppressed_now"]),
                               decimals=_decimals(r)),
            "suppressed_now": bool(r["suppressed_now"]),
            "changed": i18n.t("yes") if r["changed"] else "",
        }
        for r in frame.to_dicts()
    ]  # fmt: skip


def correction_rows(frame: pl.DataFrame) -> list[list[str]]:
    """Organisation, indicator, period, category, old → new, when, by whom."""
    return [
        [
            r["organisation_code"], r["indicator_code"], i18n.period_label(r["period_code"]),
            r["category"] or i18n.t("total"),
            i18n.number(r["old_value"], suppressed=r["old_suppressed"], decimals=_decimals(r)),
            i18n.number(r["new_value"], suppressed=r["new_suppressed"], decimals=_decimals(r)),
            i18n.long_date(r["corrected_at"]), r["corrected_by"] or "–",
        ]
        for r in frame.to_dicts()
    ]  # fmt: skip


def note_rows(frame: pl.DataFrame) -> list[dict]:
    """Notes, then actions with the organisation taking them up and the due date."""
    rows = []
    for r in frame.to_dicts():
        extra = ""
        if r["kind"] == "action":
            extra = r["owner_name"] or ""
            if r["due_on"]:
                extra += f", {i18n.t('due').lower()} {i18n.long_date(r['due_on'])}"
        rows.append({"kind": i18n.t(r["kind"]), "text": r["text"], "extra": extra})
    return rows


def _css_text(text: str) -> str:
    """Text safe inside a CSS string of the template."""
    return text.replace("\\", "").replace('"', "'").replace("\n", " ")[:90]


def _known_on(report: ReportContent) -> str:
    """The session day ("end of the day") or, for a session still to come, the export."""
    if report.known_on < report.exported_at:
        return f"{i18n.long_date(report.held_on)} ({t('report_end_of_day')})"
    return moment(report.exported_at)


def render_html(report: ReportContent) -> str:
    """The whole report as one self-contained HTML document (no external resources)."""
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    held_on = i18n.long_date(report.held_on)
    view = report.view
    charts = [
        {
            "key": c.key,
            "title": chart_title(c),
            "image": base64.b64encode(c.svg.encode("utf-8")).decode("ascii"),
            "how_to_read": c.how_to_read,
            "notes": [n for n in c.notes if n],
        }
        for c in report.charts
    ]
    sources = [
        *report.sources,
        (
            i18n.t("then_now_title", date=held_on),
            t("report_source_then_now", then=held_on, now=moment(report.exported_at)),
        ),
    ]
    return template.render(
        lang=report.language,
        t=t,
        r=report,
        held_on=held_on,
        known_on=_known_on(report),
        exported_at=moment(report.exported_at),
        period=i18n.period_label(report.period_code),
        running_head=_css_text(f"{report.organisation_name} · {held_on}"),
        running_foot=_css_text(f"{t('report_kind')} · {report.title}"),
        scorecard_headers=i18n.scorecard_headers(),
        scorecard=scorecard_rows(report.scorecard),
        charts=charts,
        then_now_headers=[
            i18n.t("indicator"),
            i18n.t("source"),
            i18n.t("period"),
            i18n.t("then", date=held_on),
            i18n.t("now"),
            i18n.t("changed"),
        ],  # fmt: skip
        then_now=then_now_rows(view.then_now),
        corrections_headers=[
            i18n.t("organisation"),
            i18n.t("indicator"),
            i18n.t("period"),
            i18n.t("category"),
            i18n.t("old_value"),
            i18n.t("new_value"),
            i18n.t("corrected_on"),
            i18n.t("corrected_by_header"),
        ],  # fmt: skip
        corrections=correction_rows(view.corrections),
        notes=note_rows(view.notes),
        disclosure=i18n.t("suppressed_note", t=i18n.threshold()),
        sources=sources,
    )
