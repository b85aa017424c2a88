"""The trend page's CBS card, its callbacks called directly: the municipality (or the
network's municipality) against the Netherlands, values as in the CBS fixture file."""

from __future__ import annotations

from pathlib import Path

import flask
import pytest
from sqlmodel import Session, select

from dashboards import auth
from dashboards.app import create_dash_app
from dashboards.components import cbs_comparison
from monitor import sessions
from monitor.db import get_engine
from monitor.ingest.cbs import import_table
from schema import User

FIXTURE = Path(__file__).parents[1] / "monitor" / "ingest" / "cbs_fixtures"


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    with Session(get_engine(), expire_on_commit=False) as session:
        result = import_table(
            session, "82972NED", importer="GM0363", file=FIXTURE / "82972NED_2020-04.csv"
        )
        assert result.report.status in ("accepted", "partial"), result.report.problems
    return create_dash_app()


def _log_in(username: str) -> None:
    with Session(get_engine()) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        flask.session[auth.SESSION_KEY] = sessions.start_session(session, user)
        session.commit()
    flask.session["lang"] = "nl"


@pytest.mark.parametrize("organisation", ["GM0363", "NW-A"])
def test_card_draws_municipality_and_netherlands_as_published(app, organisation):  # noqa: ANN001
    with app.server.test_request_context("/"):
        _log_in("viewer_a" if organisation == "NW-A" else "officer_ams")
        options, default = cbs_comparison.choose_cbs_indicator(organisation)
        assert default == "CBS_JH_PCT"
        assert "CBS_JB_PCT_HY" in [o["value"] for o in options]
        figure, notes = cbs_comparison.show_cbs(organisation, "CBS_JH_PCT")
    lines = {trace.name: trace for trace in figure.data}
    assert set(lines) == {"Amsterdam", "Nederland"}
    # 82972NED_2020-04.csv: GM0363 13.1 (2018), 13.5 (2019*); NL01 11.9, 12.2*
    assert list(lines["Amsterdam"].y) == [13.1, 13.5]
    assert list(lines["Nederland"].y) == [11.9, 12.2]
    assert list(lines["Amsterdam"].marker.symbol) == ["circle", "circle-open"]
    assert list(lines["Amsterdam"].customdata) == ["definitief", "voorlopig"]
    text = " ".join(str(n.children) for n in notes)
    assert "82972NED" in text and "Grootteklasse onbekend" in text


@pytest.mark.parametrize(
    "organisation, indicator",
    [("GM0363", "MU_YOUTH"), ("GM0599", "CBS_JH_PCT"), ("nope", "CBS_JH_PCT"),
     ({"a": 1}, "CBS_JH_PCT")],
    ids=["partner indicator", "not viewable", "unknown", "forged"],
)  # fmt: skip
def test_card_shows_nothing_it_should_not(app, organisation, indicator):  # noqa: ANN001
    with app.server.test_request_context("/"):
        _log_in("officer_ams")  # may view GM0363 and its networks, not GM0599
        figure, notes = cbs_comparison.show_cbs(organisation, indicator)
        options, default = cbs_comparison.choose_cbs_indicator(organisation)
    assert notes == "" and "Nog geen CBS-cijfers" in str(figure.layout.annotations[0].text)
    if organisation != "GM0363":
        assert options == [] and default is None


def test_a_count_is_drawn_for_the_municipality_alone(app):  # noqa: ANN001
    """85099NED counts young people: a line for the Netherlands (391,785) would flatten the
    municipality's (20,880), so only the municipality is drawn and the note says why."""
    with Session(get_engine(), expire_on_commit=False) as session:
        result = import_table(session, "85099NED", importer="GM0363", file=FIXTURE / "85099NED.csv")
        assert result.report.status == "accepted", result.report.problems
    with app.server.test_request_context("/"):
        _log_in("officer_ams")
        options, _ = cbs_comparison.choose_cbs_indicator("GM0363")
        assert {"CBS_JH_NORES_N", "CBS_JH_RES_N"} <= {o["value"] for o in options}
        figure, notes = cbs_comparison.show_cbs("GM0363", "CBS_JH_NORES_N")
    assert [trace.name for trace in figure.data] == ["Amsterdam"]
    assert list(figure.data[0].y) == [20880.0]
    low, high = figure.layout.yaxis.range  # the house rule: a count's axis starts at 0
    assert low == 0 and high > 20880
    text = " ".join(str(n.children) for n in notes)
    assert "85099NED" in text and "alleen de gemeente" in text
    assert "Grootteklasse onbekend" not in text


@pytest.mark.parametrize(
    ("title", "nl", "en"),
    [
        # titles as CBS writes them (85099NED RegioS.json; the demo's size classes)
        ("100 000 tot 150 000 inwoners", "100 000 tot 150 000 inwoners",
         "100,000 to 150,000 inhabitants"),
        ("Gemeentegrootte: minder dan 20 000 inwoners", "minder dan 20 000 inwoners",
         "fewer than 20,000 inhabitants"),
        ("250 000 inwoners of meer", "250 000 inwoners of meer", "250,000 inhabitants or more"),
    ],
)  # fmt: skip
def test_a_size_class_is_named_in_the_pages_language(app, title, nl, en):  # noqa: ANN001
    with app.server.test_request_context("/"):
        flask.session["lang"] = "nl"
        assert cbs_comparison.size_class_title(title) == nl
        flask.session["lang"] = "en"
        assert cbs_comparison.size_class_title(title) == en


def test_a_published_figure_is_cbs_s_whoever_imported_it(app):  # noqa: ANN001
    """The card's figures were imported by Amsterdam's officer (the fixture): the overview
    and the report said "door Amsterdam"; they are CBS StatLine's."""
    from monitor import views
    from monitor.policy import system_principal

    with Session(get_engine()) as session:
        source = views.figure_source(
            session, system_principal(), organisation_code="GM0363", indicator_codes=["CBS_JH_PCT"]
        )
    assert source["reported_by"] == ["CBS StatLine"]
