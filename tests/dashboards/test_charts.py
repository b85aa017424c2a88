"""Charts a meeting can read (issue #13): colour-blind-safe colours that never stand for two
things in one chart, withheld cells marked apart from real zeros, the value-axis rule,
counts on the Sankey blocks, empty states that say why and what to choose, names instead
of codes, KPI tiles with sparklines, and the trend table with the comparison groups and
the baseline exactly as the chart draws it.

Expected values come from the dashboard world's hand-set figures (tests/dashboards/world.py)
or from hand calculation (the baseline: an ordinary least-squares line by numpy)."""

from __future__ import annotations

import base64
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import flask
import numpy as np
import plotly
import plotly.graph_objects as go
import polars as pl
import pytest
from sqlmodel import Session, select

from dashboards import auth
from dashboards.app import create_dash_app
from dashboards.components import charts, figures
from monitor import sessions
from monitor.db import get_engine
from schema import User
from tests.dashboards.world import HALF_YEARS, PATHWAY

pytestmark = pytest.mark.usefixtures("exact_figures")


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    return create_dash_app()


@contextmanager
def _as(app, username: str, lang: str = "nl") -> Iterator[None]:  # noqa: ANN001
    with app.server.test_request_context("/"):
        with Session(get_engine()) as session:
            user = session.exec(select(User).where(User.username == username)).one()
            flask.session[auth.SESSION_KEY] = sessions.start_session(session, user)
            session.commit()
        flask.session["lang"] = lang
        yield


@contextmanager
def _request(lang: str = "nl") -> Iterator[None]:
    server = flask.Flask("charts-test")
    server.secret_key = "charts-test-secret"
    with server.test_request_context("/"):
        flask.session["lang"] = lang
        yield


def _page(name: str):  # noqa: ANN202
    return sys.modules[f"pages.{name}"]


def _text(component) -> str:  # noqa: ANN001
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _meanings(figure: go.Figure) -> dict[str, set[str]]:
    """Colour -> the legend entries drawn in it (legend groups count once)."""
    seen: dict[str, set[str]] = {}
    for trace, colour in zip(figure.data, charts.trace_colours(figure), strict=True):
        if colour is None or trace.type == "sankey":
            continue
        seen.setdefault(colour.upper(), set()).add(trace.legendgroup or trace.name)
    return seen


def _assert_distinct_colours(figure: go.Figure) -> None:
    for colour, names in _meanings(figure).items():
        assert len(names) == 1, f"{colour} stands for {sorted(names)}"


def _rates(rows: list[tuple]) -> pl.DataFrame:
    """A referral-rate frame: (category, period_code, value, suppressed)."""
    starts = {"2023-H1": date(2023, 1, 1), "2023-H2": date(2023, 7, 1), "2024-H1": date(2024, 1, 1)}
    return pl.DataFrame(
        [(c, p, starts[p], "registered", v, s) for c, p, v, s in rows],
        schema={"category": pl.String, "period_code": pl.String, "period_start": pl.Date,
                "source_kind": pl.String, "value": pl.Float64, "suppressed": pl.Boolean},
        orient="row",
    )  # fmt: skip


# -- the value-axis rule -------------------------------------------------------------------


def test_value_axis_starts_at_zero_so_one_point_looks_like_one_point():
    # 40 and 41: from 0 to 41 x 1.1 = 45.1; the difference is 1/45.1 of the height
    assert charts.value_range([40.0, 41.0], floor=0) == pytest.approx([0.0, 45.1])
    low, high = charts.value_range([40.0, 41.0])  # nothing negative: from 0 as well
    assert low == 0 and 1 / (high - low) < 0.025
    # a quantity that can be negative (a difference): at least half of |largest| tall
    low, high = charts.value_range([-40.0, -41.0])
    assert high - low >= 0.5 * 41 and low <= -41 and high >= -40
    assert charts.value_range([None, float("nan")]) is None


def test_page_figures_follow_the_value_axis_rule():
    with _request():
        frame = _rates([("", "2023-H1", 40.0, False), ("", "2023-H2", 41.0, False)])
        figure = figures.rate_figure(frame, {}, (None, None), "per 1.000")
    low, high = figure.layout.yaxis.range
    assert low == 0 and high == pytest.approx(41 * 1.1)


def test_a_line_breaks_where_periods_are_missing_instead_of_bridging_them():
    """2024-H2 and then 2026-H1: 2025's two half-years were never sent."""
    points = pl.DataFrame(
        {
            "period_code": ["2024-H1", "2024-H2", "2026-H1", "2026-H2"],
            "period_start": [date(2024, 1, 1), date(2024, 7, 1), date(2026, 1, 1),
                             date(2026, 7, 1)],
            "value": [10.0, 12.0, 15.0, 16.0],
        }
    )  # fmt: skip
    x, y = figures.with_gaps(points)
    assert y == [10.0, 12.0, None, 15.0, 16.0]
    assert x[2] == date(2025, 1, 1)  # the first missing half-year
    yearly = pl.DataFrame(
        {"period_code": ["2021", "2022"], "period_start": [date(2021, 1, 1), date(2022, 1, 1)],
         "value": [1.0, 2.0]}
    )  # fmt: skip
    assert figures.with_gaps(yearly)[1] == [1.0, 2.0]  # consecutive years: no break


# -- withheld cells ------------------------------------------------------------------------


def test_withheld_cell_is_marked_apart_from_a_real_zero():
    """Jeugdarts is withheld in 2023-H2; the huisarts really had 0 referrals then."""
    labels = {"huisarts": "Huisarts", "jeugdarts": "Jeugdarts"}
    frame = _rates([
        ("", "2023-H1", 30.0, False), ("", "2023-H2", 20.0, False),
        ("huisarts", "2023-H1", 12.0, False), ("huisarts", "2023-H2", 0.0, False),
        ("jeugdarts", "2023-H1", 11.0, False), ("jeugdarts", "2023-H2", None, True),
    ])  # fmt: skip
    with _request():
        figure = figures.rate_figure(frame, labels, (None, None), "per 1.000")
    by_name = {t.name: t for t in figure.data}
    huisarts, jeugdarts = by_name["Huisarts"], by_name["Jeugdarts"]
    assert list(huisarts.y) == [12.0, 0.0]  # the real zero is drawn, at 0
    assert list(jeugdarts.y) == [11.0, None]  # the withheld cell is not drawn at all
    marker = next(t for t in figure.data if t.meta == "withheld")
    assert marker.name == "< 10: te weinig kinderen, niet getoond"
    assert list(marker.x) == [date(2023, 7, 1)] and "Jeugdarts" in marker.hovertext[0]
    # the mark is on an axis of its own, in a strip below the plot area of the values
    strip = figure.layout[marker.yaxis.replace("y", "yaxis")]
    assert marker.yaxis != "y" and strip.visible is False
    assert strip.domain[1] < figure.layout.yaxis.domain[0]
    assert all(t.yaxis in (None, "y") for t in figure.data if t.meta != "withheld")


def test_trend_marks_the_organisations_withheld_values(app):  # noqa: ANN001
    """NW_SIGNAL of NW-A: 7 children in 2023-H2 is withheld (world)."""
    with _as(app, "viewer_a"):
        figure, table, _ = _page("trend").show_trend("NW-A", "2024-H1", "NW_SIGNAL", "", [], "")
    own = next(t for t in figure.data if t.name == "Eigen organisatie")
    assert own.y[list(own.x).index(date(2023, 7, 1))] is None
    marker = next(t for t in figure.data if t.meta == "withheld")
    assert list(marker.x) == [date(2023, 7, 1)] and marker.hovertext == ("2e halfjaar 2023",)
    assert "< 10" in _text(table) and "25" in _text(table)


# -- colours -------------------------------------------------------------------------------


def test_palettes_are_colour_blind_safe_and_never_repeat():
    assert charts.OKABE_ITO["vermillion"] == "#D55E00" and len(set(charts.TOL_MUTED)) == 9
    assert len(set(charts.GROUP_COLOURS.values())) == len(charts.GROUP_COLOURS)
    with pytest.raises(ValueError, match="distinct colours"):
        charts.category_colours(10)


def test_every_figure_the_pages_build_has_distinct_colours(app):  # noqa: ANN001
    groups = ["other_networks", "municipality", "similar_size", "all"]
    with _as(app, "officer_ams"):
        trend, *_ = _page("trend").show_trend(
            "NW-A", "2024-H1", "NW_REF_RATE", "", groups, "2023-01-01"
        )
        rates, _, care, _, sankey, _ = _page("referrals").show_referrals("NW-A", "2023-H1")
        built = [trend, rates, care, sankey]
        for breakdown in ("age_group", "reporting_org_code"):
            built += _page("outcomes").show_outcomes("NW-A", "2023-H1", "CH_SEM", breakdown)[:2]
    for figure in built:
        _assert_distinct_colours(figure)
    names = {t.name for t in rates.data}
    assert {"Totaal", "Huisarts", "Jeugdarts"} <= names  # the chart really has several lines
    assert len(_meanings(trend)) >= 4  # own, comparison groups, baseline and band


# -- Sankey, empty states, names -----------------------------------------------------------


def test_sankey_blocks_show_their_children(app):  # noqa: ANN001
    """The world's pathway of 2023-H1 (PATHWAY): 70 signalled children; the link of 4
    children (jeugdarts, no care) is withheld and not counted."""
    with _as(app, "viewer_a"):
        *_, sankey, _ = _page("referrals").show_referrals("NW-A", "2023-H1")
    labels = list(sankey.data[0].node.label)
    assert f"Signaal: {sum(n for *_, n in PATHWAY)}" in labels  # 70
    huisarts = sum(n for r, *_, n in PATHWAY if r == "huisarts")
    assert f"Huisarts: {huisarts}" in labels  # 25
    assert "Jeugdarts: 15" in labels  # 11 + 4: the block holds every child referred
    wijkteam = sum(n for _, c, _, n in PATHWAY if c == "wijkteam")
    assert f"Jeugdhulp door wijkteam: {wijkteam}" in labels  # 30


def test_empty_charts_say_why_and_what_to_choose(app):  # noqa: ANN001
    with _request():
        figure = figures.rate_figure(_rates([]), {}, (None, None), "", "Netwerk X")
    text = figure.layout.annotations[0].text
    assert "Netwerk X heeft geen verwijscijfers aangeleverd" in text and "Kies" in text
    assert figure.layout.xaxis.visible is False and figure.layout.yaxis.visible is False
    assert not figure.data
    with _as(app, "viewer_a", lang="en"):  # a period with no pathway yet
        *_, sankey, _ = _page("referrals").show_referrals("NW-A", "2021-H1")
    text = sankey.layout.annotations[0].text
    assert "No care pathway to show for Netwerk Amsterdam-Oost in H1 2021" in text
    assert "Choose an earlier period" in text and sankey.layout.xaxis.visible is False


def test_schools_and_indicators_by_name(app):  # noqa: ANN001
    with _as(app, "officer_ams"):
        distribution, _, table = _page("outcomes").show_outcomes(
            "NW-A", "2023-H1", "CH_SEM", "reporting_org_code"
        )
        completeness = _page("overview").show_completeness("NW-A", "2024-H1")
        entry_completeness, _ = _page("data_entry").show_quality("NW-A", "2024-H1", None)
        _, notes = _page("referrals").show_referrals("NW-A", "2023-H1")[:2]
    assert {x for t in distribution.data for x in t.x} == {"School A1"}
    assert "School A1" in _text(table) and '"11AA"' not in _text(table)
    shown = _text(completeness)
    assert "Kinderen in bereik netwerk" in shown and '"NW_CHILDREN"' not in shown
    # the data-entry page's completeness names them too: partners, indicators, periods
    shown = _text(entry_completeness)
    assert "Kinderen in bereik netwerk" in shown and '"NW_CHILDREN"' not in shown
    assert '"School A1"' in shown and '"11AA"' not in shown
    assert '"2e halfjaar 2023, 1e halfjaar 2024"' in shown
    assert "aangeleverd door Netwerk Amsterdam-Oost" in _text(notes)


# -- KPI tiles -----------------------------------------------------------------------------


def _spark_points(tile_text: str, indicator: str) -> list[list[tuple[float, float]]]:
    block = tile_text.split(f'"data-indicator": "{indicator}"')[0]  # the tile's image is last
    svg = base64.b64decode(re.findall(r"base64,([A-Za-z0-9+/=]+)", block)[-1]).decode()
    return [
        [tuple(map(float, p.split(","))) for p in run.split()]
        for run in re.findall(r'polyline[^>]*points="([^"]+)"', svg)
    ]


def test_overview_tiles_carry_a_sparkline_of_the_scorecards_figures(app):  # noqa: ANN001
    with _as(app, "viewer_a"):
        shown = _text(_page("overview").show_scorecard("NW-A", "2024-H1"))
        trend, *_ = _page("trend").show_trend("NW-A", "2024-H1", "NW_REF_RATE", "", [], "")
    assert shown.count('"kpi-tile"') >= 5 and "scorecard-table" in shown
    # NW_REF_RATE over the world's seven half-years: one unbroken line of seven points
    (line,) = _spark_points(shown, "NW_REF_RATE")
    assert len(line) == len(HALF_YEARS)
    # drawn from the same figures as the trend chart: an axis from 0, so the height of
    # each point is proportional to the trend's value (SVG y grows downwards)
    own = next(t for t in trend.data if t.name == "Eigen organisatie")
    heights = [32 - 2 - y for _, y in line]
    ratios = [h / v for h, v in zip(heights, own.y, strict=True)]
    assert max(ratios) == pytest.approx(min(ratios), rel=0.02)
    # NW_SIGNAL: 25, then 7 withheld: no line drawn through the withheld half-year
    assert _spark_points(shown, "NW_SIGNAL") == []


# -- the trend table -----------------------------------------------------------------------


def test_trend_table_has_the_comparison_and_the_baseline_the_chart_draws(app):  # noqa: ANN001
    with _as(app, "viewer_a"):
        figure, table, _ = _page("trend").show_trend(
            "NW-A", "2024-H1", "NW_REF_RATE", "", ["other_networks"], "2023-01-01"
        )
    text = _text(table)
    for header in ("Eigen organisatie", "Andere netwerken", "Verwachting", "Interval (95%)"):
        assert header in text
    baseline = next(t for t in figure.data if t.name == "Verwachting zonder verandering")
    # the same line by hand: OLS on the four half-years before 2023 (years since 2021-01-01)
    own = next(t for t in figure.data if t.name == "Eigen organisatie")
    before = [(x, y) for x, y in zip(own.x, own.y, strict=True) if x < date(2023, 1, 1)]
    years = np.array([(x - before[0][0]).days / 365.25 for x, _ in before])
    slope, intercept = np.polyfit(years, [y for _, y in before], 1)
    for x, y in zip(baseline.x, baseline.y, strict=True):
        by_hand = intercept + slope * (x - before[0][0]).days / 365.25
        assert y == pytest.approx(by_hand, abs=0.05)
        assert f'"{y:.1f}"'.replace(".", ",") in text  # and the table shows that value
    band = next(t for t in figure.data if t.name == "95%-voorspellingsinterval")
    highs = list(band.y)[: len(band.y) // 2]
    assert all(f"{h:.1f}".replace(".", ",") in text for h in highs)
    assert "1e halfjaar 2025" in text  # the projection past the last measurement


def test_the_warm_up_at_serve_builds_every_kind_of_chart_without_a_database(monkeypatch):  # noqa: ANN001
    """``monitor serve`` calls it before answering: it must not need a database or a user."""
    from dashboards import warmup

    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/dir/never.db")
    assert warmup.warm_up() > 0
