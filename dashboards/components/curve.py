"""The reflection page's "turn the curve" section: one indicator's trend with the network's
goals and the session date, the four turn-the-curve questions beside it (answers saved
with the chosen session), and the goals with a form to add one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from plotly.subplots import make_subplots

from dashboards import auth, i18n, ids
from dashboards.components import figures
from dashboards.components.charts import (
    OWN_COLOUR,
    blank_figure,
    chart_card,
    event_markers,
    goal_lines,
    period_ticks,
    style,
    value_range,
)
from dashboards.components.tables import message, table
from monitor import views
from monitor.catalogue import get_indicator, possible_range
from monitor.errors import MonitorError, ValidationFailed
from monitor.organisations import get_organisation
from monitor.policy import Action
from monitor.query import events as query_events

QUESTIONS = tuple(ids.REFLECTION_ANSWERS)


def curve_section() -> html.Div:
    """Indicator picker, chart with goals beside the four questions, goals and goal form."""
    questions = [
        html.Div(
            [
                dbc.Label(i18n.t(f"question_{q}"), html_for=ids.REFLECTION_ANSWERS[q]),
                dbc.Textarea(id=ids.REFLECTION_ANSWERS[q], rows=2, maxLength=4000),
            ],
            className="mb-2",
        )
        for q in QUESTIONS
    ]
    questions.append(
        dbc.Button(i18n.t("answers_save"), id=ids.REFLECTION_ANSWERS_BUTTON, disabled=True)
    )
    goal_form = dbc.Row(
        [
            dbc.Col(
                [dbc.Label(i18n.t("goal_value")),
                 dbc.Input(id=ids.REFLECTION_GOAL_VALUE, type="number", step="any")], md=3,
            ),
            dbc.Col(
                [dbc.Label(i18n.t("goal_date")),
                 dbc.Input(id=ids.REFLECTION_GOAL_DATE, type="date")], md=3,
            ),
            dbc.Col(dbc.Button(i18n.t("goal_save"), id=ids.REFLECTION_GOAL_BUTTON), md=3,
                    className="d-flex align-items-end"),
        ],
        className="g-2 mb-3",
    )  # fmt: skip
    return html.Div(
        [
            html.H2(i18n.t("curve_title"), className="h5 mt-4"),
            dbc.Label(i18n.t("indicator")),
            dcc.Dropdown(id=ids.REFLECTION_CURVE_INDICATOR, clearable=False, className="mb-2"),
            dbc.Row(
                [
                    dbc.Col(
                        chart_card(
                            ids.REFLECTION_CURVE_GRAPH, blank_figure(), i18n.t("curve_help")
                        ),
                        md=8,
                    ),
                    dbc.Col(questions, md=4, id="reflection-questions"),
                ]
            ),
            html.Div(id=ids.REFLECTION_CURVE_MESSAGE),
            html.H3(i18n.t("goals_title"), className="h6 mt-2"),
            html.Div(id=ids.REFLECTION_GOALS),
            goal_form,
        ]
    )


def choose_curve_indicator(organisation_code):  # noqa: ANN001, ANN201
    """The indicators of the organisation's level; referrals per 1,000 children first."""
    if not isinstance(organisation_code, str) or not organisation_code:
        raise dash.exceptions.PreventUpdate
    with auth.logged_in() as (session, principal):
        organisation = get_organisation(session, organisation_code)
        try:
            principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
        except MonitorError:
            raise dash.exceptions.PreventUpdate from None
        level = views.level_of(organisation) or "network"
        indicators = views.aggregate_indicators(session, level)
    name = "name_nl" if i18n.language() == "nl" else "name_en"
    options = [{"label": getattr(i, name), "value": i.code} for i in indicators]
    codes = [o["value"] for o in options]
    default = figures.DEFAULT_INDICATOR.get(level)
    return options, default if default in codes else (codes or [None])[0]


def need_a_session(session_id):  # noqa: ANN001, ANN201
    """Without a session nothing can be saved with one: the buttons are disabled."""
    missing = not isinstance(session_id, int)
    return missing, missing


def show_curve(indicator_code, session_id, _refresh, organisation_code):  # noqa: ANN001, ANN201
    """The trend with goals and the session day; the session's answers; the goals."""
    if not isinstance(indicator_code, str) or not isinstance(organisation_code, str):
        raise dash.exceptions.PreventUpdate
    blank = [""] * len(QUESTIONS)
    with auth.logged_in() as (session, principal):
        try:
            indicator = get_indicator(session, indicator_code)
            held_on, answers, known = None, dict.fromkeys(QUESTIONS, ""), None
            if isinstance(session_id, int):
                held_on = views.reflection_session(session, principal, session_id).held_on
                answers = views.curve_answers(
                    session, principal, session_id=session_id, indicator_code=indicator_code
                )
                # a session's figures as they stood that day, as its report prints them
                # (the goals are the network's, each with the day it was set)
                known = min(views.end_of_day(held_on), datetime.now(UTC))
            series = views.comparison_series(
                session, principal, organisation_code=organisation_code,
                indicator_code=indicator_code, groups=["own"], as_of=known,
            ).filter(pl.col("group") == "own")  # fmt: skip
            goals = views.network_goals(
                session, principal, organisation_code=organisation_code,
                indicator_code=indicator_code,
            )  # fmt: skip
            found = query_events(session, principal, organisation_codes=[organisation_code])
        except MonitorError as exc:
            return blank_figure(), message(str(exc), "warning"), *blank
    name = indicator.name_nl if i18n.language() == "nl" else indicator.name_en
    events = found.to_dicts()
    if held_on is not None:
        events.append({"event_date": held_on, "title": i18n.t("session_day")})
    figure = curve_figure(series, events, name, i18n.unit(indicator.unit))
    decimals = 0 if indicator.value_type == "count" else 1
    goal_lines(figure, goals.to_dicts(), decimals)
    # the house rule for the value axis (from 0 for what cannot be negative), goals included
    shown = [*series["value"].to_list(), *goals["target_value"].to_list()]
    figure.update_yaxes(range=value_range(shown, floor=possible_range(indicator)[0]))
    return figure, goals_table(goals, decimals), *[answers[q] for q in QUESTIONS]


def curve_figure(series: pl.DataFrame, events: list[dict], name: str, unit: str) -> go.Figure:
    """The organisation's own line per source kind, its events and the session day."""
    figure = make_subplots(rows=1, cols=1)
    for kind in series["source_kind"].unique(maintain_order=True).to_list():
        points = series.filter(pl.col("source_kind") == kind).sort("period_start")
        figure.add_trace(
            go.Scatter(
                x=points["period_start"].to_list(), y=points["value"].to_list(),
                name=f"{i18n.t('own')} ({i18n.t(kind)})", mode="lines+markers",
                line={"color": OWN_COLOUR, "width": 4},
            ),
            row=1, col=1,
        )  # fmt: skip
    event_markers(figure, events)
    style(figure, title=i18n.t("trend_title", name=name), x_title=i18n.t("time_axis"), y_title=unit)
    if series.height:
        period_ticks(figure, series["period_start"].to_list(), series["period_code"].to_list())
    return figure


def goals_table(goals: pl.DataFrame, decimals: int) -> html.Div:
    """Target value, date and note of each goal of the indicator."""
    if goals.is_empty():
        return message(i18n.t("no_goals"))
    rows = [
        [i18n.number(g["target_value"], decimals=decimals), i18n.long_date(g["target_date"]),
         g["note"] or "", i18n.long_date(g["set_at"])]
        for g in goals.to_dicts()
    ]  # fmt: skip
    headers = [i18n.t("goal_value"), i18n.t("goal_date"), i18n.t("detail"), i18n.t("goal_set_on")]
    return table(headers, rows, table_id="reflection-goal-table")


def save_curve(_answers, _goal, org, session_id, indicator, value, due, *rest):  # noqa: ANN001, ANN201
    """Save the answers with the session, or the goal of the organisation."""
    *texts, refresh = rest if rest else [None]
    refresh = refresh if isinstance(refresh, int) else 0
    if not isinstance(org, str) or not isinstance(indicator, str):
        return no_update, message(i18n.t("no_data"), "warning"), no_update, no_update
    with auth.logged_in() as (session, principal):
        try:
            if ctx.triggered_id == ids.REFLECTION_GOAL_BUTTON:
                target = _number(value)
                day = _day(due)
                if target is None or day is None:
                    return (
                        no_update,
                        message(i18n.t("goal_incomplete"), "warning"),
                        *[no_update] * 2,
                    )
                goal = views.set_goal(
                    session, principal, organisation_code=org, indicator_code=indicator,
                    target_value=target, target_date=day,
                )  # fmt: skip
                name = get_indicator(session, indicator)
                text = i18n.t(
                    "goal_saved", name=name.name_nl if i18n.language() == "nl" else name.name_en,
                    value=i18n.number(goal.target_value), date=i18n.long_date(day),
                )  # fmt: skip
                return refresh + 1, message(text, "success"), None, None
            if not isinstance(session_id, int):
                return (
                    no_update,
                    message(i18n.t("choose_session_first"), "warning"),
                    *[no_update] * 2,
                )
            answers = {
                q: t if isinstance(t, str) else "" for q, t in zip(QUESTIONS, texts, strict=False)
            }
            count = views.save_curve_answers(
                session, principal, session_id=session_id, indicator_code=indicator,
                answers=answers,
            )  # fmt: skip
        except ValidationFailed as exc:
            session.rollback()
            outside = exc.problems and exc.problems[0].column == "target_value"
            text = i18n.t("goal_outside") if outside else str(exc)
            return no_update, message(text, "danger"), no_update, no_update
        except MonitorError as exc:
            session.rollback()
            return no_update, message(str(exc), "danger"), no_update, no_update
    return (
        refresh + 1,
        message(i18n.t("answers_saved", count=count), "success"),
        no_update,
        no_update,
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def register() -> None:
    """Register this section's callbacks on the app being built (called by the page
    module, which Dash runs once per app)."""
    callback(
        Output(ids.REFLECTION_CURVE_INDICATOR, "options"),
        Output(ids.REFLECTION_CURVE_INDICATOR, "value"),
        Input(ids.ORG, "value"),
    )(choose_curve_indicator)
    callback(
        Output(ids.REFLECTION_ANSWERS_BUTTON, "disabled"),
        Output(ids.REFLECTION_NOTE_BUTTON, "disabled"),
        Input(ids.REFLECTION_SESSION, "value"),
    )(need_a_session)
    callback(
        Output(ids.REFLECTION_CURVE_GRAPH, "figure"),
        Output(ids.REFLECTION_GOALS, "children"),
        *[Output(ids.REFLECTION_ANSWERS[q], "value") for q in QUESTIONS],
        Input(ids.REFLECTION_CURVE_INDICATOR, "value"),
        Input(ids.REFLECTION_SESSION, "value"),
        Input(ids.REFLECTION_REFRESH, "data"),
        State(ids.ORG, "value"),
    )(show_curve)
    callback(
        Output(ids.REFLECTION_REFRESH, "data", allow_duplicate=True),
        Output(ids.REFLECTION_CURVE_MESSAGE, "children"),
        Output(ids.REFLECTION_GOAL_VALUE, "value"),
        Output(ids.REFLECTION_GOAL_DATE, "value"),
        Input(ids.REFLECTION_ANSWERS_BUTTON, "n_clicks"),
        Input(ids.REFLECTION_GOAL_BUTTON, "n_clicks"),
        State(ids.ORG, "value"),
        State(ids.REFLECTION_SESSION, "value"),
        State(ids.REFLECTION_CURVE_INDICATOR, "value"),
        State(ids.REFLECTION_GOAL_VALUE, "value"),
        State(ids.REFLECTION_GOAL_DATE, "value"),
        *[State(ids.REFLECTION_ANSWERS[q], "value") for q in QUESTIONS],
        State(ids.REFLECTION_REFRESH, "data"),
        prevent_initial_call=True,
    )(save_curve)
