"""The data-entry template of one reporting organisation: an XLSX workbook whose first
sheet has one row per figure the organisation is expected to send (its reporting
obligations, for the latest period that has ended), headers in the user's language and
dropdowns (data validation) for indicator, period and category. Filled in, it goes through
the ingest path unchanged: Dutch headers are read as the aggregate columns
(:data:`monitor.ingest.formats.DUTCH_HEADERS`)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import xlsxwriter
from sqlmodel import Session, col, select

from monitor.catalogue import get_indicator
from monitor.errors import NotFoundError
from monitor.ingest.formats import AGGREGATE_COLUMNS, DUTCH_HEADERS
from monitor.organisations import get_organisation
from monitor.periods import Period, PeriodType, period_containing
from schema import Indicator, IndicatorCategory, ReportingObligation
from schema.organisations import Organisation

#: The template's columns: the aggregate format without a publisher's status (published
#: figures such as CBS's come through their own import, never through the form).
TEMPLATE_COLUMNS = tuple(c for c in AGGREGATE_COLUMNS if c.name != "status")

#: Sheet names and helper texts per language.
_TEXTS = {
    "nl": {
        "data": "cijfers",
        "lists": "keuzelijsten",
        "indicators": "indicatoren",
        "about": ["code", "naam (nl)", "eenheid", "per", "soort waarde", "categorielijst",
                  "definitie"],
        "choose": "Kies uit de lijst",
        "wrong": "Deze waarde staat niet in de lijst; kies uit de keuzelijst.",
        "title_wrong": "Ongeldige keuze",
    },
    "en": {
        "data": "figures",
        "lists": "lists",
        "indicators": "indicators",
        "about": ["code", "name (en)", "unit", "per", "value type", "category list",
                  "definition"],
        "choose": "Choose from the list",
        "wrong": "This value is not in the list; choose from the dropdown.",
        "title_wrong": "Invalid choice",
    },
}  # fmt: skip
#: Periods offered in the period dropdown, per period type (newest that have ended).
_PERIODS_OFFERED = 8


@dataclass(frozen=True)
class TemplateRow:
    """One prefilled row: whose figure, which indicator, period and category."""

    organisation: str
    indicator: str
    period: str
    category: str = ""


def latest_ended(day: date, period_type: PeriodType) -> Period:
    """The newest period of this type that ended before ``day`` (the one now due)."""
    current = period_containing(day, period_type)
    return period_containing(current.start - timedelta(days=1), period_type)


def recent_periods(day: date, period_type: PeriodType, count: int = _PERIODS_OFFERED) -> list[str]:
    """Codes of the ``count`` newest ended periods, newest first."""
    periods = [latest_ended(day, period_type)]
    while len(periods) < count:
        periods.append(latest_ended(periods[-1].start, period_type))
    return [p.code for p in periods]


def _obligations(session: Session, reporter: Organisation, day: date) -> list[ReportingObligation]:
    rows = session.exec(
        select(ReportingObligation)
        .where(col(ReportingObligation.organisation_id) == reporter.id)
        .where(col(ReportingObligation.valid_from) <= day)
        .order_by(col(ReportingObligation.indicator_code))
    ).all()
    return [r for r in rows if r.valid_to is None or r.valid_to > day]


def template_rows(session: Session, reporter_code: str, day: date) -> list[TemplateRow]:
    """The rows the reporter is expected to fill in: per obligation (an aggregate,
    submittable indicator) the latest ended period, one row per category when the
    indicator is split by category."""
    reporter = get_organisation(session, reporter_code)
    rows: list[TemplateRow] = []
    for obligation in _obligations(session, reporter, day):
        try:
            indicator = get_indicator(session, obligation.indicator_code, day)
        except NotFoundError:
            continue
        if indicator.level == "case" or indicator.value_type == "rate":
            continue
        about = reporter.code
        if obligation.about_organisation_id:
            about = session.get_one(Organisation, obligation.about_organisation_id).code
        period = latest_ended(day, PeriodType(indicator.period_type)).code
        categories = _codes(session, indicator.category_set) if indicator.category_set else [""]
        rows += [TemplateRow(about, indicator.code, period, c) for c in categories]
    return rows


def _codes(session: Session, category_set: str) -> list[str]:
    return list(
        session.exec(
            select(col(IndicatorCategory.code))
            .where(col(IndicatorCategory.category_set) == category_set)
            .order_by(col(IndicatorCategory.sort_order))
        ).all()
    )


def submittable_indicators(session: Session, day: date) -> list[Indicator]:
    """Network- and municipality-level indicators valid on ``day`` that are sent (not
    rates, which are computed), by code."""
    rows = session.exec(
        select(Indicator)
        .where(col(Indicator.level).in_(("network", "municipality")))
        .where(col(Indicator.value_type) != "rate")
        .where(col(Indicator.valid_from) <= day)
        .where(col(Indicator.publisher).is_(None))  # published figures come from their publisher
        .order_by(col(Indicator.code), col(Indicator.version).desc())
    ).all()
    newest: dict[str, Indicator] = {}
    for row in rows:
        if row.code not in newest and (row.retired_on is None or row.retired_on > day):
            newest[row.code] = row
    return list(newest.values())


def write_entry_template(
    session: Session,
    reporter_code: str,
    *,
    language: str = "nl",
    today: date | None = None,
    units_en: dict[str, str] | None = None,
) -> bytes:
    """The XLSX workbook (bytes) for ``reporter_code`` in ``language`` (nl/en);
    ``units_en`` gives the English form of the catalogue's (Dutch) units."""
    units_en = units_en or {}
    day = today or date.today()
    texts = _TEXTS["nl" if language == "nl" else "en"]
    rows = template_rows(session, reporter_code, day)
    indicators = submittable_indicators(session, day)
    header_of = {v: k for k, v in DUTCH_HEADERS.items()} if language == "nl" else {}
    headers = [header_of.get(c.name, c.name) for c in TEMPLATE_COLUMNS]
    period_types = sorted({i.period_type for i in indicators if i.period_type})
    periods = [c for t in period_types for c in recent_periods(day, PeriodType(t))]
    categories = sorted(
        {c for i in indicators if i.category_set for c in _codes(session, i.category_set)}
    )
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        data = book.add_worksheet(texts["data"])
        lists = book.add_worksheet(texts["lists"])
        about = book.add_worksheet(texts["indicators"])
        for column, header in enumerate(headers):
            data.write_string(0, column, header, bold)
            data.set_column(column, column, 16)
        data.freeze_panes(1, 0)
        position = {c.name: i for i, c in enumerate(TEMPLATE_COLUMNS)}
        for number, row in enumerate(rows, start=1):
            data.write_string(number, position["organisation"], row.organisation)
            data.write_string(number, position["indicator"], row.indicator)
            data.write_string(number, position["period"], row.period)
            if row.category:
                data.write_string(number, position["category"], row.category)
        for column, values in enumerate(
            (
                [i.code for i in indicators],
                periods,
                categories,
                ["registered", "survey", "observed"],
            )
        ):
            for number, value in enumerate(values):
                lists.write_string(number, column, value)
        last = max(len(rows) + 200, 500)
        dropdowns = [("indicator", len(indicators)), ("period", len(periods)),
                     ("category", len(categories)), ("source_kind", 3)]  # fmt: skip
        for column, (name, count) in enumerate(dropdowns):
            if count == 0:
                continue
            letter = "ABCD"[column]
            data.data_validation(
                1, position[name], last, position[name],
                {"validate": "list", "source": f"='{texts['lists']}'!${letter}$1:${letter}${count}",
                 "input_title": texts["choose"], "error_title": texts["title_wrong"],
                 "error_message": texts["wrong"], "ignore_blank": True},
            )  # fmt: skip
        lists.hide()
        for column, header in enumerate(texts["about"]):
            about.write_string(0, column, header, bold)
        for number, i in enumerate(indicators, start=1):
            name = i.name_nl if language == "nl" else i.name_en
            unit = i.unit if language == "nl" else units_en.get(i.unit, i.unit)
            for column, value in enumerate(
                (i.code, name, unit, i.period_type or "", i.value_type, i.category_set or "",
                 i.definition or "")
            ):  # fmt: skip
                about.write_string(number, column, str(value))
        about.set_column(0, 0, 14)
        about.set_column(1, 1, 50)
        about.set_column(6, 6, 80)
    return buffer.getvalue()
