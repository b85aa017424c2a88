"""``monitor demo --no-serve``: the whole set-up on a fresh database, through the real
ingest path, leaves a database the dashboards can read with the demo accounts."""

from __future__ import annotations

import json

import polars as pl
from sqlmodel import func, select

from monitor.cli.demo import DEMO_PASSWORD
from monitor.policy import principal_for
from monitor.views import outcome_rollup, scorecard
from schema import AggregateMeasurement, CaseMeasurement, Participation, Submission, User


def test_demo_builds_a_readable_database(engine, session, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("demo", "--no-serve", "--data-dir", str(tmp_path / "demo_data"))
    assert code == 0, err
    assert "demo set up in" in out and DEMO_PASSWORD in out

    truth = json.loads((tmp_path / "demo_data" / "truth.json").read_text())
    case_rows = sum(
        pl.scan_parquet(path).select(pl.len()).collect().item()
        for path in (tmp_path / "demo_data" / "case").glob("*.parquet")
    )
    stored = session.exec(select(func.count()).select_from(CaseMeasurement)).one()
    participation = session.exec(select(func.count()).select_from(Participation)).one()
    assert stored + participation == case_rows  # every generated row went through ingest
    assert session.exec(select(func.count()).select_from(AggregateMeasurement)).one() > 1000
    statuses = set(session.exec(select(Submission.status)).all())
    assert statuses == {"accepted"}

    # the network coordinator's views work and see their own network only
    netwerk = session.exec(select(User).where(User.username == "netwerk")).one()
    who = principal_for(session, netwerk)
    network = next(code for code in truth["programme_starts"] if who.allows_code(session, code))
    card = scorecard(session, who, organisation_code=network)
    assert card.height > 5 and card["value"].drop_nulls().len() > 5
    outcomes = outcome_rollup(session, who, indicator_code="CH_SEM", organisation_code=network)
    assert outcomes["n_children"].drop_nulls().sum() > 0

    # running it again reuses the database instead of loading everything twice
    code, out, _ = cli("demo", "--no-serve", "--data-dir", str(tmp_path / "demo_data"))
    assert code == 0 and "already set up" in out
    assert session.exec(select(func.count()).select_from(CaseMeasurement)).one() == stored
