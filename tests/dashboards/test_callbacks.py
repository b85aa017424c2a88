"""Callbacks and the login without a browser: each page's callbacks called directly in a
Flask request whose signed session holds the logged-in user."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import flask
import plotly
import pytest
from dash.exceptions import PreventUpdate
from sqlmodel import Session, select

from dashboards import auth, ids
from dashboards.app import create_dash_app
from monitor import sessions
from monitor.db import get_engine
from schema import AuditEntry, User
from tests.factories import PASSWORD


@pytest.fixture
def app(dashboard_db):  # noqa: ANN001, ANN201
    return create_dash_app()


def _page(name: str):  # noqa: ANN202
    return sys.modules[f"pages.{name}"]


def _text(component) -> str:  # noqa: ANN001
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _user_id(username: str) -> int:
    with Session(get_engine()) as session:
        return session.exec(select(User).where(User.username == username)).one().id


@contextmanager
def _as(app, username: str | None, lang: str = "nl") -> Iterator[None]:  # noqa: ANN001
    with app.server.test_request_context("/"):
        if username:
            with Session(get_engine()) as session:
                user = session.get(User, _user_id(username))
                flask.session[auth.SESSION_KEY] = sessions.start_session(session, user)
                session.commit()
        flask.session["lang"] = lang
        yield


def test_pages_send_strangers_to_the_login(app):  # noqa: ANN001
    with _as(app, None):
        assert '"href": "/login"' in _text(_page("overview").layout())
        with pytest.raises(PreventUpdate):
            _page("overview").show_scorecard("NW-A", "2024-H1")


def test_login_checks_the_password_and_audits(app):  # noqa: ANN001
    with app.server.test_request_context("/"):
        assert auth.log_in("viewer_a", "wrong password!") is not None
        assert auth.SESSION_KEY not in flask.session
        assert auth.log_in("viewer_a", PASSWORD) is None
        with Session(get_engine()) as session:
            assert auth.current_principal(session).username == "viewer_a"
    with Session(get_engine()) as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
        failed = session.exec(select(User).where(User.username == "viewer_a")).one()
    assert "login_failed" in actions and "login" in actions
    assert failed.failed_logins == 0  # reset by the good login after the bad one


def test_logout_and_language_routes(app):  # noqa: ANN001
    client = app.server.test_client()
    with client.session_transaction() as session:
        session[auth.SESSION_KEY] = 1
    answer = client.get("/logout")
    assert answer.status_code == 302 and answer.location.endswith("/login")
    with client.session_transaction() as session:
        assert auth.SESSION_KEY not in session
    for elsewhere in ("https://elsewhere.example/", "//elsewhere.example/x", "/\\elsewhere"):
        answer = client.get("/lang/en", query_string={"next": elsewhere})
        assert answer.location == "/"  # never off-site
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    assert client.get("/lang/nl", query_string={"next": "/trend"}).location == "/trend"
    assert client.get("/lang/xx").location == "/"
    with client.session_transaction() as session:
        assert session["lang"] == "nl"  # an unknown language changes nothing


def test_overview_callback_shows_dutch_numbers_and_withheld_cells(app):  # noqa: ANN001
    with _as(app, "viewer_a"):
        shown = _text(_page("overview").show_scorecard("NW-A", "2024-H1"))
        assert "41,5" in shown and "< 10" in shown and "Signalen zorg" in shown
        refused = _text(_page("overview").show_scorecard("NW-B", "2024-H1"))
    assert "mag de cijfers van NW-B niet bekijken" in refused  # in Dutch, as the page
    assert "Verwijzingen per 1.000" not in refused
    with _as(app, "viewer_a", lang="en"):
        assert "41.5" in _text(_page("overview").show_scorecard("NW-A", "2024-H1"))


def test_trend_callback_builds_the_figure(app):  # noqa: ANN001
    with _as(app, "viewer_a"):
        options, value, events, event, categories, category = _page("trend").choose_indicator(
            "NW-A"
        )
        assert value == "NW_REF_RATE" and event == "2023-01-01"
        assert categories[0]["value"] == "" and category == ""
        assert any("Nieuw verwijsprotocol" in e["label"] for e in events)
        figure, _table, notes = _page("trend").show_trend(
            "NW-A", "2024-H1", "NW_REF_RATE", "", ["other_networks", "municipality"], event
        )
    names = [t.name for t in figure.data]
    assert names[:2] == ["Andere netwerken", "Eigen organisatie"] or "Eigen organisatie" in names
    assert "Gemeente" not in names and "Gemeente" in _text(notes)
    assert "Bron (geregistreerd): aangeleverd door Netwerk Amsterdam-Oost" in _text(notes)
    assert figure.layout.title.text.startswith("Verwijzingen per 1.000 kinderen")
    assert figure.layout.yaxis.title.text == "per 1.000 kinderen"
    assert figure.layout.showlegend and figure.layout.separators == ",."


def test_referral_callback_withholds_small_flows(app):  # noqa: ANN001
    with _as(app, "viewer_a"):
        rates, note, care, _, sankey, sankey_note = _page("referrals").show_referrals(
            "NW-A", "2023-H1"
        )
    assert "Jeugdarts" in _text(note) and "< 10" in _text(note)
    assert "aangeleverd door Netwerk Amsterdam-Oost" in _text(note)  # source by name
    assert min(sankey.data[0].link.value) >= 10
    assert "gegevens per kind" in _text(sankey_note)
    assert "1 stroom" in _text(sankey_note)  # the 4 children referred by the jeugdarts without care
    assert {t.name for t in care.data} == {"zonder verblijf", "met verblijf"}


def test_outcome_and_reflection_callbacks(app):  # noqa: ANN001
    with _as(app, "officer_ams"):
        distribution, trend, table = _page("outcomes").show_outcomes(
            "NW-A", "2023-H1", "CH_SEM", "age_group"
        )
        assert [t.x for t in distribution.data if t.name == "binnen programma"] == [("4-11",)]
        assert "< 10" in _text(table)
    with _as(app, "viewer_a"):
        options, value, owners = _page("reflection").choose_session("NW-A", 0, None, None)
        assert options[0]["label"] == "1 februari 2024 – Dialooggesprek voorjaar"
        compare, corrections, notes = _page("reflection").show_session(value, 0, "NW-A")
    assert "1.100" in _text(compare) and "1 maart 2024" in _text(corrections)
    # who corrected, by name (tests/factories.py), in then/now and in Correcties alike
    assert "1.010 → 1.100, Netwerk Amsterdam-Oost, 1 maart 2024" in _text(compare)
    assert "Netwerk Amsterdam-Oost" in _text(corrections)
    assert "NW-A," not in _text(compare)
    # on a rate's row the corrected denominator is named, not read as the rate's own values
    # (the reach NW_CHILDREN is the denominator of the network's rates, tests/factories.py)
    assert '"Kinderen in bereik netwerk: 1.010 → 1.100, Netwerk Amsterdam-Oost' in _text(compare)
    assert [o["value"] for o in owners] == ["NW-A"]  # only what this viewer may see


def test_data_entry_reports_as_the_users_own_organisation(app):  # noqa: ANN001
    """Issue #11 defect 6: with a network in the header, a school's upload was reported by
    the network. The picker now defaults to the user's own organisation, and arriving on
    the page selects it in the header (the shell, for an address; in the browser, from the
    shell's store, for the menu: tests/dashboards/test_browser.py)."""
    from dashboards.app import shell

    entry = _page("data_entry")

    def header(page: str) -> tuple[str, str]:
        with app.server.test_request_context("/", headers={"Referer": f"http://x{page}"}):
            flask.session.update(saved)
            layout = shell()
        org = next(c for c in layout._traverse() if getattr(c, "id", None) == ids.ORG)
        own = next(c for c in layout._traverse() if getattr(c, "id", None) == ids.OWN_ORG)
        return org.value, own.data

    with _as(app, "school_a"):
        options, value, _ = entry.choose_reporter("NW-A")
        assert value == "11AA"
        saved = dict(flask.session)
    assert header("/invoer") == ("11AA", "11AA")
    assert header("/invoer?org=NW-A") == ("NW-A", "11AA")
    assert header("/") == ("NW-A", "11AA")  # other pages open on the first visible one
    with _as(app, "officer_ams"):
        assert entry.choose_reporter("NW-A")[1] == "GM0363"
        saved = dict(flask.session)
    assert header("/invoer")[0] == "GM0363"


def test_completeness_with_a_year_chosen_judges_half_yearly_figures_per_half(app):  # noqa: ANN001
    """Issue #11 defect 4: with a year chosen every half-yearly figure showed "ontbreekt";
    NW_CHILDREN (half-yearly) is now judged on the halves of 2024 and 2023."""
    with _as(app, "viewer_a"):
        text = _text(_page("overview").show_completeness("NW-A", "2024"))
    assert "beoordeelde perioden" in text
    # the four halves of 2023 and 2024, by their labels, as a span
    assert '"1e halfjaar 2023 t/m 2e halfjaar 2024 (4)"' in text


def test_the_curve_axis_starts_at_zero_and_holds_the_goal(app):  # noqa: ANN001
    """A referral rate cannot be negative: the turn-the-curve chart's value axis starts at
    0 (the house rule) rather than at the lowest point, and reaches above a goal of 90,
    which lies above every value of NW-A (at most 66, tests/dashboards/world.py)."""
    from datetime import date

    from dashboards.components import curve
    from monitor import views
    from monitor.policy import principal_for

    with Session(get_engine()) as session:
        viewer = session.exec(select(User).where(User.username == "viewer_a")).one()
        views.set_goal(session, principal_for(session, viewer), organisation_code="NW-A",
                       indicator_code="NW_REF_RATE", target_value=90,
                       target_date=date(2026, 12, 31))  # fmt: skip
        session.commit()
    with _as(app, "viewer_a"):
        figure, *_ = curve.show_curve("NW_REF_RATE", None, 0, "NW-A")
    low, high = figure.layout.yaxis.range
    assert low == 0 and high > 90
