"""``monitor demo --no-serve``: the whole set-up on a fresh database, through the real
ingest path, leaves a database the dashboards can read with the demo accounts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import polars as pl
from sqlmodel import Session, func, select

from monitor import views
from monitor.cli.demo import DEMO_PASSWORD
from monitor.policy import principal_for
from monitor.views import outcome_rollup, scorecard
from schema import AggregateMeasurement, CaseMeasurement, Participation, Submission, User


def test_demo_builds_a_readable_database(
    engine, session, cli, tmp_path, monkeypatch, exact_figures
):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("demo", "--no-serve", "--data-dir", str(tmp_path / "demo_data"))
    assert code == 0, err
    assert "demo set up in" in out and DEMO_PASSWORD in out

    truth = json.loads((tmp_path / "demo_data" / "truth.json").read_text())
    case_rows = sum(
        pl.scan_parquet(path).select(pl.len()).collect().item()
        for path in (tmp_path / "demo_data" / "case").glob("*.parquet")
    )
    current = CaseMeasurement.superseded_at.is_(None)
    stored = session.exec(select(func.count()).select_from(CaseMeasurement).where(current)).one()
    participation = session.exec(
        select(func.count()).select_from(Participation).where(Participation.superseded_at.is_(None))
    ).one()
    # every generated row went through ingest; what counts now is exactly the final files
    assert stored + participation == case_rows
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

    assert_history(session, who, network, tmp_path / "demo_data", truth)

    # running it again reuses the database instead of loading everything twice
    code, out, _ = cli("demo", "--no-serve", "--data-dir", str(tmp_path / "demo_data"))
    assert code == 0 and "already set up" in out
    assert (
        session.exec(select(func.count()).select_from(CaseMeasurement).where(current)).one()
        == stored
    )


def _known(data_dir: Path, org: str, indicator: str, period: str, at: datetime) -> dict:
    """By hand from the generator's raw files: the values per category of one figure as
    the partners had sent them by ``at`` (the latest batch received wins)."""
    manifest = pl.read_csv(data_dir / "deliveries.csv", infer_schema=False)
    values: dict[str, float] = {}
    for row in manifest.iter_rows(named=True):
        if not row["file"].endswith(".csv") or datetime.fromisoformat(row["recorded_at"]) > at:
            continue
        sent = pl.read_csv(data_dir / row["file"], infer_schema=False).filter(
            (pl.col("organisation") == org)
            & (pl.col("indicator") == indicator)
            & (pl.col("period") == period)
        )
        for r in sent.iter_rows(named=True):
            values[r["category"] or ""] = float(r["value"])
    return values


def _final(data_dir: Path, org: str, indicator: str, period: str) -> dict:
    rows = pl.read_csv(data_dir / "aggregate" / f"{org}.csv", infer_schema=False).filter(
        (pl.col("indicator") == indicator) & (pl.col("period") == period)
    )
    return {r["category"] or "": float(r["value"]) for r in rows.iter_rows(named=True)}


def assert_history(session, who, network: str, data_dir: Path, truth: dict) -> None:  # noqa: ANN001
    """Three past sessions whose figures as known then differ from now, each difference
    and correction as the raw delivery files say (issue #13)."""
    sessions = views.reflection_sessions(session, who, organisation_code=network)
    assert [s.held_on for s in sessions] == [date(2024, 10, 10), date(2023, 10, 12),
                                             date(2022, 10, 13)]  # fmt: skip
    checked = 0
    for found in sessions:
        view = views.reflection_view(session, who, session_id=found.id)
        assert view.then_now["changed"].any(), found.held_on
        assert not view.notes.is_empty()
        end = datetime.combine(found.held_on, time(23, 59, 59), tzinfo=UTC)
        for fix in truth["history"]["corrections"]:
            corrected_at = datetime.fromisoformat(fix["corrected_at"])
            if fix["organisation"] != network or not (
                datetime.fromisoformat(fix["first_recorded_at"]) <= end < corrected_at
            ):
                continue
            key = (fix["organisation"], fix["indicator"], fix["period"], fix["category"])
            then = _known(data_dir, *key[:3], end)
            now = _final(data_dir, *key[:3])
            assert then[fix["category"]] != now[fix["category"]]
            listed = view.corrections.filter(
                (pl.col("indicator_code") == fix["indicator"])
                & (pl.col("period_code") == fix["period"])
                & (pl.col("category") == fix["category"])
            )
            assert listed.select("old_value", "new_value", "corrected_by").rows() == [
                (then[fix["category"]], now[fix["category"]], fix["corrected_by"])
            ]
            assert listed["corrected_at"][0] == corrected_at.replace(tzinfo=None)
            row = view.then_now.filter(
                (pl.col("indicator_code") == fix["indicator"])
                & (pl.col("period_code") == fix["period"])
            ).row(0, named=True)
            # the total: the one figure sent, or the sum of the categories sent
            total_then = then.get("", sum(then.values()))
            total_now = now.get("", sum(now.values()))
            assert (row["value_then"], row["value_now"]) == (total_then, total_now)
            assert row["difference"] == total_now - total_then
            assert [c["corrected_by"] for c in row["corrections"]] == [fix["corrected_by"]]
            checked += 1
    assert checked >= 3
    # one of them was sent by the municipality about the network's figure
    by = {
        f["corrected_by"] for f in truth["history"]["corrections"] if f["organisation"] == network
    }
    assert len(by) == 2


def test_an_unfinished_demo_is_started_over(engine, cli, tmp_path, monkeypatch):  # noqa: ANN001
    """A run that stopped half-way (organisations imported, nothing else) left a database
    that every later run refused ("an organisation with this code already exists"). On
    the embedded SQLite the demo now starts over on an empty database; elsewhere it says
    what to do and touches nothing."""
    from monitor import organisations as orgs
    from monitor.cli import demo as demo_module
    from monitor.db import session_scope, upgrade
    from schema import Organisation

    monkeypatch.chdir(tmp_path)
    upgrade(engine)
    organisations = tmp_path / "organisations.csv"
    organisations.write_text("code,name,kind,municipality\nGM9999,Proefgemeente,municipality,\n")
    with session_scope(engine) as session:
        orgs.import_organisations(session, organisations)
    built: list[int] = []

    def build(target, data_dir, *, seed=42):  # noqa: ANN001, ANN202
        with Session(target) as session:  # what the set-up starts from
            built.append(session.exec(select(func.count()).select_from(Organisation)).one())
        return []

    monkeypatch.setattr(demo_module, "build_demo", build)
    code, out, err = cli("demo", "--no-serve", "--data-dir", str(tmp_path / "demo_data"))
    if engine.url.get_backend_name() == "sqlite":
        assert code == 0, err
        assert "unfinished demo database was found" in out and "starting over" in out
        assert built == [0]
    else:
        assert code != 0 and built == []
        assert "already holds organisations but no complete demo" in " ".join(err.split())
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(Organisation)).one() == 1
