"""``monitor analyse MODEL --config study.yaml``: reports from extracts and files, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.analysis import simulate as sim
from tests.factories import PASSWORD, build_world


def flat(text: str) -> str:
    """Console output without the terminal's line wrapping (which may split long paths)."""
    return "".join(text.split())


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def rate_file(tmp_path: Path) -> Path:
    path = tmp_path / "rates.parquet"
    sim.rate_panel(n_networks=8, seed=1).write_parquet(path)
    return path


def test_analyse_an_analysis_ready_file(cli, tmp_path, rate_file):
    config = write(tmp_path / "study.yaml", "title: Referral rates\nmodel: rates\n")
    out = tmp_path / "report"
    code, stdout, stderr = cli(
        "analyse", "rates", "--config", str(config), "--data", str(rate_file), "--out", str(out)
    )
    assert code == 0, stderr
    assert flat("rate ratio") in flat(stdout) and flat("report written to") in flat(stdout)
    assert (out / "report.html").is_file()
    payload = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert payload["title"] == "Referral rates"
    assert payload["results"][0]["method"] == "rates"
    assert "Traceback" not in stdout + stderr


def test_command_line_model_overrides_the_study_file(cli, tmp_path, rate_file):
    config = write(tmp_path / "study.yaml", "model: goals\n")
    code, stdout, stderr = cli(
        "analyse", "rates", "--config", str(config), "--data", str(rate_file), "--out",
        str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 0, stderr
    assert flat("overrides 'goals'") in flat(stdout)
    assert json.loads((tmp_path / "o" / "report.json").read_text())["results"][0]["method"] == (
        "rates"
    )


@pytest.mark.parametrize(
    ("model", "study", "message"),
    [
        ("magic", "model: rates\n", "unknown model 'magic'"),
        ("rates", "model: rates\ncount: referrals\n", "missing column(s) 'referrals'"),
        ("rates", "model: rates\ncolour: red\n", "does not take parameter(s) colour"),
        ("its", "model: its\nevent: 3\n", "missing column(s) 'value'"),
        ("rates", "model: rates\nfilter: {network_id: nowhere}\n", "no rows left"),
        ("rates", "model: rates\nfilter: {colour: red}\n", "filter: no column 'colour'"),
    ],
)
def test_errors_are_messages_not_tracebacks(cli, tmp_path, rate_file, model, study, message):
    config = write(tmp_path / "study.yaml", study)
    code, stdout, stderr = cli(
        "analyse", model, "--config", str(config), "--data", str(rate_file), "--out",
        str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 8, stdout + stderr
    assert flat(message) in flat(stderr)
    assert "Traceback" not in stderr
    assert not (tmp_path / "o" / "report.html").exists()


def test_a_model_that_cannot_be_fitted(cli, tmp_path):
    constant = sim.rate_panel(n_networks=4, seed=2).with_columns(pl.lit(0).alias("count"))
    constant.write_csv(tmp_path / "flat.csv")
    config = write(tmp_path / "study.yaml", "model: rates\n")
    code, _, stderr = cli(
        "analyse", "rates", "--config", str(config), "--data", str(tmp_path / "flat.csv"),
        "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 8 and flat("no variation in the count 'count'") in flat(stderr)


def test_missing_inputs_are_named(cli, tmp_path):
    config = write(tmp_path / "study.yaml", "model: growth\n")
    code, _, stderr = cli("analyse", "growth", "--config", str(config), "--out", str(tmp_path))
    assert code == 8 and flat("--data FILE") in flat(stderr)
    code, _, stderr = cli(
        "analyse", "growth", "--config", str(tmp_path / "none.yaml"), "--out", str(tmp_path)
    )
    assert code == 8 and flat("not found") in flat(stderr)
    code, _, stderr = cli(
        "analyse", "growth", "--config", str(config), "--data", str(tmp_path / "x.parquet"),
        "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 1 and flat("x.parquet not found") in flat(stderr)
    config = write(tmp_path / "g.yaml", "model: growth\ndata: {prepare: growth}\n")
    code, _, stderr = cli(
        "analyse", "growth", "--config", str(config), "--extract", str(tmp_path / "nothing"),
        "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 1 and flat("not found") in flat(stderr)


def growth_extract(folder: Path) -> Path:
    """A hand-made extract: 40 children with a yearly CH_SEM score, half in a programme."""
    growth = sim.growth_panel(n_children=40, n_waves=4, seed=3)
    rows = growth.select(
        pl.col("child_id").cast(pl.String).alias("child_pseudonym"),
        pl.lit("2012-03-01").str.to_date().alias("birth_month"),
        pl.lit("f").alias("sex"),
        pl.lit("GM0363").alias("municipality_code"),
        pl.lit("CH_SEM").alias("indicator_code"),
        pl.lit(1, dtype=pl.Int64).alias("indicator_version"),
        pl.date(2021 + pl.col("time").round().cast(pl.Int32), 5, 1).alias("observed_on"),
        pl.lit(None, dtype=pl.Date).alias("end_date"),
        pl.col("value").cast(pl.Float64).alias("value"),
        pl.lit("").alias("category"),
        pl.lit("").alias("end_reason"),
        pl.lit("observed").alias("source_kind"),
        pl.lit("11AA").alias("reporting_org_code"),
        pl.lit(None, dtype=pl.Datetime("us")).alias("recorded_at"),
    )
    folder.mkdir()
    rows.write_parquet(folder / "measurements.parquet")
    children = rows["child_pseudonym"].unique().sort().to_list()[::2]
    pl.DataFrame(
        {
            "child_pseudonym": children,
            "network_code": ["NW-1"] * len(children),
            "valid_from": [pl.Series(["2022-01-01"]).str.to_date()[0]] * len(children),
            "valid_to": [None] * len(children),
            "intensity": [4.0] * len(children),
            "intensity_unit": ["hours"] * len(children),
        },
        schema_overrides={"valid_to": pl.Date},
    ).write_parquet(folder / "participation.parquet")
    return folder


def test_growth_from_an_extract(cli, tmp_path):
    extract = growth_extract(tmp_path / "extract")
    config = write(
        tmp_path / "study.yaml",
        "title: Wellbeing\nmodel: growth\noutcome: value\ntime: time\nchild: child_id\n"
        "exposure: exposed\nrandom_slope: false\ndata:\n  prepare: growth\n  indicator: CH_SEM\n",
    )
    code, stdout, stderr = cli(
        "analyse", "growth", "--config", str(config), "--extract", str(extract), "--out",
        str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 0, stderr
    assert flat("while in the programme") in flat(stdout)
    result = json.loads((tmp_path / "o" / "report.json").read_text())["results"][0]
    assert result["n_children"] == 40
    # the extract may also be named in the study file, relative to it
    config = write(tmp_path / "rel.yaml", config.read_text() + "  extract: extract\n")
    code, _, stderr = cli("analyse", "growth", "--config", str(config), "--out", str(tmp_path))
    assert code == 0, stderr


def test_missing_indicator_in_the_extract_is_named(cli, tmp_path):
    extract = growth_extract(tmp_path / "extract")
    config = write(tmp_path / "s.yaml", "model: gee\ndata: {prepare: binary, indicator: CH_REF}\n")
    code, _, stderr = cli(
        "analyse", "gee", "--config", str(config), "--extract", str(extract), "--out",
        str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 8
    assert flat("indicator 'CH_REF' is not in the extract (it holds CH_SEM)") in flat(stderr)


def test_counts_from_aggregate_files(cli, tmp_path):
    folder = tmp_path / "aggregate"
    folder.mkdir()
    rates = sim.rate_panel(n_networks=8, seed=4)
    periods = ["2021-H1", "2021-H2", "2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1"]
    rows = []
    for r in rates.iter_rows(named=True):
        if r["period"] >= len(periods):
            continue
        period = periods[r["period"]]
        rows.append((r["network_id"], "NW_REF", period, r["count"], "huisarts"))
        rows.append((r["network_id"], "NW_CHILDREN", period, r["children"], ""))
    pl.DataFrame(
        rows, schema=["organisation", "indicator", "period", "value", "category"], orient="row"
    ).write_csv(folder / "all.csv")
    networks = sorted(rates["network_id"].unique().to_list())
    write(
        tmp_path / "events.csv",
        "organisation,date,kind\n"
        + "".join(f"{n},2022-07-01,programme_start\n" for n in networks[:4]),
    )
    config = write(
        tmp_path / "study.yaml",
        "model: rates\nexposure: exposed\ncovariates: [network_id, period]\ntime_trend: false\n"
        "data:\n  prepare: counts\n  aggregates: aggregate\n  events: events.csv\n",
    )
    code, stdout, stderr = cli("analyse", "rates", "--config", str(config), "--out", str(tmp_path))
    assert code == 0, stderr
    assert flat("rate ratio") in flat(stdout)
    result = json.loads((tmp_path / "report.json").read_text())["results"][0]
    assert "exposed" in [e["term"] for e in result["estimates"]]
    # a single network's interrupted time series, chosen with a filter
    config = write(
        tmp_path / "its.yaml",
        f"model: its\noutcome: count\nperiod: period\nevent: 2022-H2\nfamily: poisson\n"
        f"population: children\nslope_change: false\nfilter: {{network_id: {networks[0]}}}\n"
        "data:\n  prepare: counts\n  aggregates: aggregate\n  events: events.csv\n",
    )
    code, stdout, stderr = cli("analyse", "its", "--config", str(config), "--out", str(tmp_path))
    assert code == 0, stderr
    assert flat("2022-H2") in flat(stdout)


@pytest.fixture
def world(catalogue):
    return build_world(catalogue)


def test_extract_then_analyse(world, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_PASSWORD", PASSWORD)
    out = tmp_path / "study"
    code, _, stderr = cli(
        "extract", "--indicators", "CH_ABS", "--out", str(out), "--user", "researcher_ams"
    )
    assert code == 0, stderr
    config = write(
        tmp_path / "study.yaml",
        "model: growth\noutcome: value\ntime: age\nchild: child_id\nrandom_slope: false\n"
        "data: {prepare: growth, indicator: CH_ABS}\n",
    )
    code, stdout, stderr = cli(
        "analyse", "growth", "--config", str(config), "--extract", str(out), "--out",
        str(tmp_path / "report"),
    )  # fmt: skip
    assert code == 0, stderr
    assert (
        json.loads((tmp_path / "report" / "report.json").read_text())["results"][0]["n_children"]
        == 30
    )
    (out / "participation.parquet").write_bytes(b"changed")
    code, _, stderr = cli(
        "analyse", "growth", "--config", str(config), "--extract", str(out), "--out",
        str(tmp_path / "report"),
    )  # fmt: skip
    assert code == 1 and flat("changed since it was written") in flat(stderr)
