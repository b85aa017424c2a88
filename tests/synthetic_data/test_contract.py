"""The files follow the column contract the ingest reads."""

from __future__ import annotations

import json
import re

import polars as pl

from monitor.periods import parse_period
from synthetic_data.catalogue import load_codes
from synthetic_data.identifiers import elfproef

CASE_COLUMNS = [
    "bsn", "child_ref", "indicator", "date", "end_date", "value", "category", "end_reason",
    "programme", "source_kind", "birth_month", "sex", "municipality",
]  # fmt: skip
AGGREGATE_COLUMNS = [
    "organisation", "indicator", "period", "value", "numerator", "denominator", "category",
    "source_kind",
]  # fmt: skip
ISO_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
CATEGORY_SET = {"CH_REF": "referrer", "CH_CARE": "care_type", "CH_PROT": "protection_type"}


def test_case_files_have_exactly_the_contract_columns(demo):
    _, folder = demo
    for path in sorted((folder / "case").glob("*.parquet")):
        frame = pl.read_parquet(path)
        assert frame.columns == CASE_COLUMNS, path.name
        assert frame.schema["value"] == pl.Float64
        assert all(frame.schema[c] == pl.String for c in CASE_COLUMNS if c != "value")


def test_case_rows_are_valid(demo_case):
    codes = load_codes()
    case = demo_case
    assert set(case["indicator"].unique()) <= {
        c for c, k in codes.source_kind.items() if c.startswith("CH_")
    }
    assert case["bsn"].drop_nulls().map_elements(elfproef, return_dtype=pl.Boolean).all()
    # either a BSN or the partner's own id, never both; own ids only from childcare
    assert (case["bsn"].is_null() ^ case["child_ref"].is_null()).all()
    assert set(case.filter(pl.col("child_ref").is_not_null())["org"].str.slice(0, 3)) == {"KO-"}
    assert case["date"].str.contains(ISO_DATE).all()
    assert case["end_date"].drop_nulls().str.contains(ISO_DATE).all()
    assert (case["end_date"].is_null() | (case["end_date"] >= case["date"])).all()
    assert case["birth_month"].str.contains(r"^\d{4}-(0[1-9]|1[0-2])$").all()
    assert set(case["sex"].unique()) <= {"m", "f", "x"}
    assert case["municipality"].str.contains(r"^GM\d{4}$").all()
    for indicator, kind in case.select("indicator", "source_kind").unique().iter_rows():
        assert codes.source_kind[indicator] == kind
    for indicator, category_set in CATEGORY_SET.items():
        used = set(case.filter(pl.col("indicator") == indicator)["category"].unique())
        assert used <= set(codes.categories[category_set]), indicator
    reasons = set(case["end_reason"].drop_nulls().unique())
    assert reasons <= set(codes.categories["end_reason"])
    abs_ = case.filter(pl.col("indicator") == "CH_ABS")["value"]
    assert abs_.min() >= 0 and abs_.max() <= 100
    part = case.filter(pl.col("indicator") == "CH_PART")
    assert part["programme"].str.starts_with("NW-").all()
    assert case.filter(pl.col("indicator") != "CH_PART")["programme"].is_null().all()


def test_child_attributes_are_the_same_on_every_row(demo_case):
    per_child = (
        demo_case.filter(pl.col("bsn").is_not_null())
        .group_by("bsn")
        .agg(pl.col("birth_month", "sex", "municipality").n_unique())
    )
    assert (
        per_child.select(pl.max_horizontal("birth_month", "sex", "municipality")).max().item() == 1
    )


def test_no_natural_duplicates_on_the_ingest_key(demo_case):
    key = ["bsn", "child_ref", "org", "indicator", "category", "date", "source_kind"]
    assert demo_case.select(key).is_duplicated().sum() == 0


def test_reporters_report_what_they_should(demo, demo_case):
    _, folder = demo
    orgs = pl.read_csv(folder / "organisations.csv", infer_schema=False)
    kinds = dict(zip(orgs["code"], orgs["kind"], strict=True))
    by_kind = demo_case.with_columns(kind=pl.col("org").replace_strict(kinds))
    allowed = {
        "school": {"CH_ABS", "CH_HOME", "CH_COG", "CH_SEM", "CH_SIGNAL", "CH_SPED"},
        "youth_care_provider": {"CH_REF", "CH_CARE", "CH_WAIT", "CH_PROT", "CH_PART"},
        "jgz": {"CH_SIGNAL"},
        "childcare": {"CH_SIGNAL"},
    }  # never a network, samenwerkingsverband or municipality
    for kind, indicator in by_kind.select("kind", "indicator").unique().iter_rows():
        assert indicator in allowed[kind], (kind, indicator)


def test_aggregate_files(demo, demo_aggregate):
    _, folder = demo
    codes = load_codes()
    for path in sorted((folder / "aggregate").glob("*.csv")):
        assert pl.read_csv(path, infer_schema=False).columns == AGGREGATE_COLUMNS
    agg = demo_aggregate
    indicators = set(agg["indicator"].unique())
    assert not any(i.endswith("_RATE") or i == "MU_SPED_PCT" for i in indicators)
    assert indicators == {
        "NW_CHILDREN", "NW_SIGNAL", "NW_REF", "NW_CARE", "NW_PARTNERS", "NW_CONSULT",
        "NW_REFLECT", "NW_GOAL", "PR_CSAT", "NW_FORM", "NW_DENS", "NW_COND", "MU_YOUTH",
        "MU_CARE", "MU_CARE_RES", "MU_PROT", "MU_REF", "MU_WAITLIST", "MU_PUPILS", "MU_SPED",
        "MU_COST",
    }  # fmt: skip
    for period in agg["period"].unique().to_list():
        parse_period(period)
    for indicator, kind in agg.select("indicator", "source_kind").unique().iter_rows():
        assert codes.source_kind[indicator] == kind
    assert set(agg.filter(pl.col("indicator") == "PR_CSAT")["source_kind"]) == {"survey"}
    form = agg.filter(pl.col("indicator") == "NW_FORM")
    assert form["value"].is_null().all()
    assert set(form["category"]) <= set(codes.categories["collaboration_form"])
    goal = agg.filter(pl.col("indicator") == "NW_GOAL").with_columns(
        pl.col("value", "numerator", "denominator").cast(pl.Float64)
    )
    assert (
        (goal["value"] - (100 * goal["numerator"] / goal["denominator"]).round(1)).abs() < 1e-9
    ).all()
    yearly = agg.filter(pl.col("indicator").is_in(["NW_FORM", "NW_DENS", "NW_COND", "MU_COST"]))
    assert yearly["period"].str.contains(r"^\d{4}$").all()
    half = agg.filter(pl.col("indicator").is_in(["NW_REF", "MU_YOUTH", "PR_CSAT"]))
    assert half["period"].str.contains(r"^\d{4}-H[12]$").all()
    # every reporter reports about itself: networks their NW_* figures, municipalities MU_*
    assert (agg["organisation"] == agg["reporter"]).all()


def test_organisations_memberships_events_obligations(demo):
    _, folder = demo
    orgs = pl.read_csv(folder / "organisations.csv", infer_schema=False)
    assert orgs.columns == [
        "code", "name", "kind", "municipality", "brin", "subtype", "population_0_17",
    ]  # fmt: skip
    assert orgs["code"].is_unique().all()
    munis = orgs.filter(pl.col("kind") == "municipality")
    assert munis["code"].str.contains(r"^GM\d{4}$").all()
    assert munis["population_0_17"].cast(pl.Int64).min() > 0
    schools = orgs.filter(pl.col("kind") == "school")
    assert (schools["code"] == schools["brin"]).all()
    assert schools["brin"].str.contains(r"^\d{2}[A-Z]{2}$").all()
    networks = orgs.filter(pl.col("kind") == "network")
    assert set(networks["subtype"]) <= {"wijkteam", "ikc", "pact"}
    assert set(orgs.filter(pl.col("kind") != "municipality")["municipality"]) <= set(munis["code"])
    known = set(orgs["code"])
    members = pl.read_csv(folder / "memberships.csv", infer_schema=False)
    assert set(members["network"]) | set(members["member"]) <= known
    kinds = dict(zip(orgs["code"], orgs["kind"], strict=True))
    assert {kinds[n] for n in members["network"]} <= {"network", "samenwerkingsverband"}
    ended = members.filter(pl.col("to").is_not_null())
    assert (ended["to"] > ended["from"]).all()
    events = pl.read_csv(folder / "events.csv", infer_schema=False)
    truth = json.loads((folder / "truth.json").read_text())
    starts = events.filter(pl.col("kind") == "programme_start")
    assert (
        dict(zip(starts["organisation"], starts["date"], strict=True)) == truth["programme_starts"]
    )
    assert set(events["kind"]) >= {"programme_start", "protocol"}
    obligations = pl.read_csv(folder / "obligations.csv", infer_schema=False)
    assert obligations.columns == ["organisation", "indicator", "about", "from", "due_days"]
    assert set(obligations["organisation"]) | set(obligations["about"]) <= known
    # one obligation per reporter, indicator and start (the schema's unique key), and every
    # aggregate file holds exactly the (about, indicator) pairs its reporter is obliged to send
    assert not obligations.select("organisation", "indicator", "from").is_duplicated().any()
    for path in sorted((folder / "aggregate").glob("*.csv")):
        reported = pl.read_csv(path, infer_schema=False)
        expected = obligations.filter(pl.col("organisation") == path.stem)
        assert set(zip(reported["organisation"], reported["indicator"], strict=True)) == set(
            zip(expected["about"], expected["indicator"], strict=True)
        )
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", obligations["from"][0])
