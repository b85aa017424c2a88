"""What the report of one reflection session holds, gathered from the read models
(:mod:`monitor.views`) and drawn with the dashboards' own chart builders.

Nothing here computes a figure: the scorecard, the series, the comparison groups, the
care groups, the pathway, then/now and the corrections come from ``monitor.views`` with
their access checks and disclosure rules; each chart is the figure the dashboard page draws
(``pages.trend.trend_figure``, ``pages.referrals.rate_figure`` / ``care_figure`` /
``sankey_figure``). The report shows the figures as known at the end of the session day
(or now, for a session still to come); the then/now table adds the figures as known now.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import plotly.graph_objects as go
import polars as pl
from sqlmodel import Session

from analysis.forecast import baseline_forecast
from dashboards import i18n
from dashboards.components import figures
from dashboards.components.tables import named_corrections, named_senders, named_source
from dashboards.report.texts import t
from monitor import views
from monitor.catalogue import get_indicator, possible_range
from monitor.errors import ModelFitError
from monitor.organisations import get_organisation
from monitor.policy import Principal
from monitor.query import events as query_events
from schema import User

#: The comparison groups the trend page ticks by default.
TREND_GROUPS = ("other_networks", "municipality")


@dataclass
class Chart:
    """One chart of the report: the page's figure, its reading guide and notes."""

    key: str
    figure: go.Figure
    how_to_read: str
    notes: list[str] = field(default_factory=list)
    svg: str = ""


@dataclass
class ReportContent:
    """Everything one report shows, in the language it was gathered in."""

    language: str
    session_id: int
    title: str
    held_on: date
    organisation_code: str
    organisation_name: str
    known_on: datetime
    exported_at: datetime
    exported_by: str
    period_code: str
    scorecard: pl.DataFrame
    charts: list[Chart]
    view: views.ReflectionView
    sources: list[tuple[str, str]]


def exporter_name(session: Session, principal: Principal) -> str:
    """Who exports: the account's full name and username, or the username."""
    user = session.get(User, principal.user_id) if principal.user_id else None
    if user is not None and user.full_name:
        return f"{user.full_name} ({principal.username})"
    return principal.username


def gather(
    session: Session,
    principal: Principal,
    *,
    session_id: int,
    period_code: str | None = None,
    indicator_code: str | None = None,
    now: datetime | None = None,
) -> ReportContent:
    """The report of one reflection session; refused (AccessDeniedError / NotFoundError)
    exactly when the session's own view is: only sessions of organisations the principal
    may view."""
    view = views.reflection_view(session, principal, session_id=session_id)
    view = replace(view, corrections=named_corrections(session, view.corrections, i18n.language()))
    now = now or datetime.now(UTC)
    known_on = min(views.end_of_day(view.held_on), now)
    code = view.organisation_code
    organisation = get_organisation(session, code)
    level = views.level_of(organisation) or "network"
    card = views.scorecard(
        session, principal, organisation_code=code, period_code=period_code, as_of=known_on
    )
    card = named_senders(session, card)
    trend_code = indicator_code or figures.DEFAULT_INDICATOR.get(level, "NW_REF_RATE")
    period = period_code or _report_period(session, principal, code, card, trend_code)
    charts = [
        _trend_chart(session, principal, code, trend_code, period, known_on),
        *_referral_charts(session, principal, code, level, period, known_on),
    ]
    sources = [(i18n.t("scorecard_title"), t("report_source_scorecard"))]
    sources += [(chart_title(c), " ".join(n for n in c.notes if n)) for c in charts]
    return ReportContent(
        language=i18n.language(),
        session_id=view.session_id,
        title=view.title,
        held_on=view.held_on,
        organisation_code=code,
        organisation_name=view.organisation_name,
        known_on=known_on,
        exported_at=now,
        exported_by=exporter_name(session, principal),
        period_code=period,
        scorecard=card,
        charts=charts,
        view=view,
        sources=sources,
    )


def chart_title(chart: Chart) -> str:
    """The title the chart's figure carries."""
    title = chart.figure.layout.title
    return (title.text if title is not None else "") or chart.key


def _report_period(
    session: Session, principal: Principal, code: str, card: pl.DataFrame, trend_code: str
) -> str:
    """The period the report is about: the newest period of the trend indicator known on
    the session date (else the newest of the scorecard, else the newest stored)."""
    own = card.filter(pl.col("indicator_code") == trend_code)
    if own.height:
        return own["period_code"].max()
    if card.height:
        return card.sort("period_code")["period_code"][-1]
    return views.available_periods(session, principal, organisation_code=code)[0]


def _trend_chart(
    session: Session,
    principal: Principal,
    code: str,
    indicator_code: str,
    period_code: str,
    known_on: datetime,
) -> Chart:
    """The trend page's chart: own series, default comparison groups, events known by
    then, the baseline before the organisation's first event."""
    indicator = get_indicator(session, indicator_code)
    series = views.comparison_series(
        session, principal, organisation_code=code, indicator_code=indicator_code,
        groups=["own", *TREND_GROUPS], as_of=known_on,
    )  # fmt: skip
    found = [
        e
        for e in query_events(session, principal, organisation_codes=[code]).to_dicts()
        if e["event_date"] <= known_on.date()
    ]
    source = named_source(session, views.figure_source(
        session, principal, organisation_code=code, indicator_codes=[indicator_code],
        as_of=known_on,
    ))  # fmt: skip
    own = series.filter(pl.col("group") == "own")
    forecast, notes = None, []
    if found:
        try:
            forecast = baseline_forecast(
                own.filter(pl.col("source_kind") == own["source_kind"][0]) if own.height else own,
                event_date=found[0]["event_date"],
                bounds=possible_range(indicator),
            )
        except (ModelFitError, ValueError) as exc:
            notes.append(i18n.t("baseline_missing", reason=str(exc)))
    name = indicator.name_nl if i18n.language() == "nl" else indicator.name_en
    figure = figures.trend_figure(
        series, found, forecast, period_code, name, i18n.unit(indicator.unit),
        possible_range(indicator)[0], get_organisation(session, code).name,
    )  # fmt: skip
    withheld = series.filter(pl.col("withheld").is_not_null() & (pl.col("group") != "own"))
    if withheld.height:
        names = ", ".join(i18n.t(g) for g in withheld["group"].unique(maintain_order=True))
        notes.append(i18n.t("group_withheld", groups=names))
    if forecast is not None:
        notes.append(t("report_baseline_event", event=found[0]["title"],
                            date=i18n.long_date(found[0]["event_date"])))  # fmt: skip
    notes.append(i18n.source_line(source))
    return Chart("trend", figure, i18n.t("trend_help"), notes)


def _referral_charts(
    session: Session,
    principal: Principal,
    code: str,
    level: str,
    period_code: str,
    known_on: datetime,
) -> list[Chart]:
    """The referrals page's three charts, with the notes the page puts under them."""
    organisation = get_organisation(session, code).name
    lang = i18n.language()
    rate_code = "MU_REF_RATE" if level == "municipality" else "NW_REF_RATE"
    care_code = "MU_CARE_RATE" if level == "municipality" else "NW_CARE_RATE"
    indicator = get_indicator(session, rate_code)
    rates = views.indicator_figures(
        session, principal, indicator_code=rate_code, organisation_codes=[code], as_of=known_on
    )
    care = views.care_by_residence(session, principal, organisation_code=code, as_of=known_on)
    source = named_source(session, views.figure_source(
        session, principal, organisation_code=code, indicator_codes=[rate_code, care_code],
        as_of=known_on,
    ))  # fmt: skip
    flows = views.care_pathway_flows(
        session, principal, organisation_code=code, period_code=period_code, as_of=known_on
    )
    referrers = views.category_labels(session, "referrer", lang)
    labels = {
        "signaal": i18n.t("signal"),
        **{f"ref:{c}": v for c, v in referrers.items()},
        **{f"care:{c}": v for c, v in views.category_labels(session, "care_type", lang).items()},
        **{f"end:{c}": v for c, v in views.category_labels(session, "end_reason", lang).items()},
        f"ref:{views.NO_REFERRAL}": i18n.t(views.NO_REFERRAL),
        f"care:{views.NO_CARE}": i18n.t(views.NO_CARE),
        f"end:{views.RUNNING}": i18n.t(views.RUNNING),
    }
    named = i18n.source_line(source)
    residence = {g: i18n.t(g) for g in ("met_verblijf", "zonder_verblijf")}
    n_withheld = flows.filter(pl.col("suppressed")).height
    band = (indicator.alert_low, indicator.alert_high)
    return [
        Chart(
            "referrals",
            figures.rate_figure(rates, referrers, band, i18n.unit(indicator.unit), organisation),
            i18n.t("referral_rate_help"),
            [figures.withheld_note(rates, referrers), named],
        ),
        Chart(
            "care",
            figures.care_figure(care, organisation),
            i18n.t("care_help"),
            [figures.withheld_note(care, residence), named],
        ),
        Chart(
            "pathway",
            figures.sankey_figure(flows, labels, period_code, organisation),
            i18n.t("sankey_help"),
            [
                i18n.t("sankey_withheld", n=n_withheld, t=i18n.threshold()) if n_withheld else "",
                i18n.source_line({"as_of": known_on}),
            ],
        ),
    ]
