"""analysis.prepare: from extracts and aggregate rows to the frames the models take."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from analysis import fit_cox, fit_gee, fit_growth, fit_rates
from analysis.prepare import (
    binary_panel,
    growth_frame,
    period_counts,
    prepare,
    programme_starts,
    read_aggregates,
    read_extract,
    start_stop,
)
from monitor.errors import ModelFitError, MonitorError


def measurement(child, code, day, value=None, *, category="", birth="2012-03-01", kind=None):
    source = kind or ("observed" if code == "CH_SEM" else "registered")
    return {
        "child_pseudonym": child,
        "birth_month": date.fromisoformat(birth),
        "sex": "f",
        "municipality_code": "GM0363",
        "indicator_code": code,
        "indicator_version": 1,
        "observed_on": date.fromisoformat(day),
        "end_date": None,
        "value": None if value is None else float(value),
        "category": category,
        "end_reason": "",
        "source_kind": source,
        "reporting_org_code": "01AB",
        "recorded_at": None,
    }


def frame(rows):
    return pl.DataFrame(rows, schema_overrides={"end_date": pl.Date, "recorded_at": pl.Datetime})


def participation(rows):
    return pl.DataFrame(
        [
            {
                "child_pseudonym": c,
                "network_code": "NW-1",
                "valid_from": date.fromisoformat(a),
                "valid_to": None if b is None else date.fromisoformat(b),
                "intensity": h,
                "intensity_unit": "hours",
            }
            for c, a, b, h in rows
        ],
        schema_overrides={"valid_to": pl.Date},
    )


@pytest.fixture
def sem():
    rows = []
    for k in range(12):
        child = f"c{k:02d}"
        for year in (2021, 2022, 2023):
            rows.append(measurement(child, "CH_SEM", f"{year}-05-01", 55 + k + 2 * (year - 2021)))
        rows.append(measurement(child, "CH_ABS", "2021-02-01", 3.0))
    rows.append(measurement("c00", "CH_REF", "2022-03-10", category="huisarts"))
    rows.append(measurement("c01", "CH_REF", "2022-09-10", category="school_swv"))
    rows.append(measurement("c01", "CH_SPED", "2022-11-01"))
    rows.append(measurement("c02", "CH_SPED", "2021-02-01"))  # placed when first seen
    return frame(rows)


def test_growth_frame_time_age_and_exposure(sem):
    part = participation([("c00", "2022-01-01", "2022-12-31", 4.0), ("c01", "2023-04-01", None, 2)])
    g = growth_frame(sem, "CH_SEM", part)
    assert g.height == 36 and set(g["wave"]) == {1, 2, 3}
    c0 = g.filter(pl.col("child_id") == "c00").sort("observed_on")
    assert c0["time"].to_list() == pytest.approx([0.0, 365 / 365.25, 730 / 365.25])
    assert c0["age"][0] == pytest.approx((date(2021, 5, 1) - date(2012, 3, 1)).days / 365.25)
    assert c0["exposed"].to_list() == [0, 1, 0]
    assert c0["intensity"].to_list() == [0.0, 4.0, 0.0]
    assert c0["exposure_years"][2] == pytest.approx(364 / 365.25)
    c1 = g.filter(pl.col("child_id") == "c01").sort("observed_on")
    assert c1["exposed"].to_list() == [0, 0, 1] and c1["network_code"][2] == "NW-1"
    result = fit_growth(g, outcome="value", time="time", child="child_id", random_slope=False)
    assert result.term("time")["estimate"] == pytest.approx(2.0 * 365.25 / 365, rel=1e-3)


def test_missing_indicator_is_named(sem):
    with pytest.raises(ModelFitError, match=r"indicator 'CH_COG' is not in the extract"):
        growth_frame(sem, "CH_COG")
    with pytest.raises(ModelFitError, match="CH_SIGNAL"):
        binary_panel(sem, "CH_SIGNAL")
    with pytest.raises(ModelFitError, match="CH_HOME"):
        start_stop(sem, event_indicator="CH_HOME")


def test_mixed_source_kinds_or_versions_are_refused(sem):
    mixed = pl.concat([sem, frame([measurement("c99", "CH_SEM", "2021-05-01", 50, kind="survey")])])
    with pytest.raises(ModelFitError, match="several source kinds"):
        growth_frame(mixed)
    assert growth_frame(mixed, source_kind="observed").height == 36
    versions = sem.with_columns(
        pl.when(pl.col("child_pseudonym") == "c03")
        .then(2)
        .otherwise(pl.col("indicator_version"))
        .alias("indicator_version")
    )
    with pytest.raises(ModelFitError, match="definition versions"):
        growth_frame(versions)


def test_binary_panel_child_by_half_year(sem):
    part = participation([("c00", "2022-01-01", "2022-02-28", 4.0)])
    b = binary_panel(sem, "CH_REF", part)
    # every child seen 2021-02 .. 2023-05: half-years 2021-H1 .. 2023-H1
    assert b.height == 12 * 5
    assert b.filter(pl.col("referred") == 1).select("child_id", "period").rows() == [
        ("c00", "2022-H1"),
        ("c01", "2022-H2"),
    ]
    exposed = b.filter(pl.col("exposed") == 1)
    assert exposed.select("child_id", "period").rows() == [("c00", "2022-H1")]
    only_gp = binary_panel(sem, "CH_REF", category="huisarts")
    assert only_gp["referred"].sum() == 1


def test_binary_panel_fits_gee():
    rows, part = [], []
    for k in range(60):
        child = f"c{k:02d}"
        rows.append(measurement(child, "CH_ABS", "2021-01-15", 2.0))
        rows.append(measurement(child, "CH_ABS", "2023-12-15", 2.0))
        for p in range(k % 3):
            rows.append(measurement(child, "CH_REF", f"{2021 + p}-0{3 + p}-01"))
        if k % 2:
            part.append((child, "2022-01-01", None, 2.0))
    b = binary_panel(frame(rows), "CH_REF", participation(part))
    result = fit_gee(b, child="child_id")
    assert result.n_children == 60 and "exposed" in result.estimates["term"].to_list()


def test_start_stop_splits_at_participation(sem):
    part = participation([("c01", "2021-09-01", "2022-02-28", 3.0)])
    s = start_stop(sem, part, event_indicator="CH_SPED", time_scale="study")
    assert "c02" not in s["child_id"].to_list()  # placed when first seen: never at risk
    c1 = s.filter(pl.col("child_id") == "c01").sort("start")
    assert c1.select("start_date", "stop_date", "exposed", "event").rows() == [
        (date(2021, 2, 1), date(2021, 9, 1), 0, 0),
        (date(2021, 9, 1), date(2022, 3, 1), 1, 0),
        (date(2022, 3, 1), date(2022, 11, 1), 0, 1),
    ]
    assert c1["start"][0] == 0.0 and c1["intensity"].to_list() == [0.0, 3.0, 0.0]
    c5 = s.filter(pl.col("child_id") == "c05")
    assert c5.select("start_date", "stop_date", "event").rows() == [
        (date(2021, 2, 1), date(2023, 5, 1), 0)
    ]
    age = start_stop(sem, part)
    first = age.filter(pl.col("child_id") == "c05")["start"][0]
    assert first == pytest.approx((date(2021, 2, 1) - date(2012, 3, 1)).days / 365.25)


def test_start_stop_fits_cox():
    rows, part = [], []
    for k in range(80):
        child = f"c{k:02d}"
        rows.append(measurement(child, "CH_ABS", "2021-01-01", 1.0))
        rows.append(measurement(child, "CH_ABS", "2024-12-01", 1.0))
        if k % 2:
            part.append((child, "2022-01-01", None, 2.0))
        if k % 5 == 0:
            rows.append(measurement(child, "CH_SPED", f"202{1 + k % 4}-06-01"))
    s = start_stop(frame(rows), participation(part))
    result = fit_cox(s, entry="start", exit="stop", child="child_id")
    assert result.n_children == 80


def aggregate_rows():
    rows = []
    for net in ("NW-A", "NW-B", "NW-C"):
        for p, period in enumerate(["2021-H1", "2021-H2", "2022-H1", "2022-H2", "2023-H1"]):
            rows.append((net, "NW_CHILDREN", period, str(1000 + p), ""))
            rows.append((net, "NW_REF", period, str(20 + p), "huisarts"))
            rows.append((net, "NW_REF", period, str(10), "school_swv"))
            rows.append((net, "NW_CARE", period, "5", "ambulant"))
    return pl.DataFrame(
        rows, schema=["organisation", "indicator", "period", "value", "category"], orient="row"
    )


STARTS = {"NW-A": "2022-04-01", "NW-B": "2023-01-01"}


def test_period_counts_sums_categories_and_marks_timing():
    counts = period_counts(aggregate_rows(), starts=STARTS, transition="keep")
    assert counts.height == 15
    a = counts.filter(pl.col("network_id") == "NW-A").sort("period_index")
    assert a["count"].to_list() == [30.0, 31.0, 32.0, 33.0, 34.0]
    assert a["children"].to_list() == [1000.0, 1001.0, 1002.0, 1003.0, 1004.0]
    assert a["rate"][0] == pytest.approx(30.0)
    assert a["season"].to_list() == [1, 2, 1, 2, 1]
    assert a["start_period"][0] == "2022-H2"  # first half-year fully after 1 April 2022
    assert a["transition"].to_list() == [0, 0, 1, 0, 0]
    assert a["post"].to_list() == [0, 0, 0, 1, 1]
    assert a["relative_period"].to_list() == [-3, -2, -1, 0, 1]
    b = counts.filter(pl.col("network_id") == "NW-B").sort("period_index")
    assert b["start_period"][0] == "2023-H1" and b["post"].to_list() == [0, 0, 0, 0, 1]
    assert b["transition"].sum() == 0
    c = counts.filter(pl.col("network_id") == "NW-C")
    assert c["treated"].sum() == 0 and c["exposed"].sum() == 0
    assert c["relative_period"].null_count() == 5 and c["start_period"].null_count() == 5
    dropped = period_counts(aggregate_rows(), starts=STARTS)
    assert dropped.height == 14 and dropped["transition"].sum() == 0
    as_post = period_counts(aggregate_rows(), starts=STARTS, transition="post")
    assert as_post.filter(pl.col("network_id") == "NW-A")["post"].to_list() == [0, 0, 1, 1, 1]


def test_period_counts_by_category_and_query_layer_columns():
    rows = aggregate_rows().rename(
        {
            "organisation": "organisation_code",
            "indicator": "indicator_code",
            "period": "period_code",
        }
    )
    rows = rows.with_columns(pl.col("value").cast(pl.Float64), pl.lit(False).alias("suppressed"))
    split = period_counts(rows, by_category=True)
    assert split.height == 30 and set(split["category"]) == {"huisarts", "school_swv"}
    gp = period_counts(rows, category="huisarts")
    assert gp.filter(pl.col("network_id") == "NW-A")["count"][0] == 20.0
    suppressed = rows.with_columns(
        (
            (pl.col("organisation_code") == "NW-B")
            & (pl.col("period_code") == "2021-H1")
            & (pl.col("category") == "school_swv")
        ).alias("suppressed")
    )
    counts = period_counts(suppressed)
    cell = counts.filter((pl.col("network_id") == "NW-B") & (pl.col("period") == "2021-H1"))
    assert cell["count"][0] is None
    result = fit_rates(counts, exposure=None, covariates=["network_id"])
    assert any("left out" in n for n in result.notes)


def test_period_counts_errors():
    with pytest.raises(ModelFitError, match="population indicator 'MU_YOUTH' is not in"):
        period_counts(aggregate_rows(), population="MU_YOUTH")
    with pytest.raises(ModelFitError, match="count indicator 'NW_SIGNAL'"):
        period_counts(aggregate_rows(), indicator="NW_SIGNAL")
    with pytest.raises(ModelFitError, match="missing column"):
        period_counts(pl.DataFrame({"x": [1]}))
    bad = aggregate_rows().with_columns(pl.lit("spring").alias("period"))
    with pytest.raises(ModelFitError, match="is not a period"):
        period_counts(bad)


def test_files_round_trip(tmp_path: Path):
    folder = tmp_path / "aggregate"
    folder.mkdir()
    rows = aggregate_rows()
    for net in ("NW-A", "NW-B", "NW-C"):
        rows.filter(pl.col("organisation") == net).write_csv(folder / f"{net}.csv")
    events = tmp_path / "events.csv"
    pl.DataFrame(
        {
            "organisation": ["NW-A", "NW-B", "NW-C"],
            "date": ["2022-04-01", "2023-01-01", "2021-05-01"],
            "kind": ["programme_start", "programme_start", "staffing"],
            "title": ["", "", ""],
            "description": ["", "", ""],
        }
    ).write_csv(events)
    starts = programme_starts(events)
    assert starts == {"NW-A": date(2022, 4, 1), "NW-B": date(2023, 1, 1)}
    aggregates = read_aggregates(folder, indicators=["NW_REF", "NW_CHILDREN"])
    assert aggregates.height == 45
    counts = prepare({"prepare": "counts"}, aggregates=aggregates, events=starts)
    assert counts.height == 14 and counts["treated"].sum() == 9
    with pytest.raises(MonitorError, match="not found"):
        read_aggregates(tmp_path / "nowhere")


def test_read_extract_checks_files(tmp_path: Path, sem):
    sem.write_parquet(tmp_path / "measurements.parquet")
    participation([("c00", "2022-01-01", None, 1.0)]).write_parquet(
        tmp_path / "participation.parquet"
    )
    extract = read_extract(tmp_path)
    assert extract.indicators == ["CH_ABS", "CH_REF", "CH_SEM", "CH_SPED"]
    assert prepare({"prepare": "growth"}, extract=extract)["exposed"].sum() == 2
    from monitor.extract import _sha256

    manifest = {
        "files": {
            "measurements.parquet": {"sha256": _sha256(tmp_path / "measurements.parquet")},
            "participation.parquet": {"sha256": "0" * 64},
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MonitorError, match="participation.parquet no longer match"):
        read_extract(tmp_path)
    assert read_extract(tmp_path, verify=False).participation.height == 1
    (tmp_path / "empty").mkdir()
    with pytest.raises(MonitorError, match="measurements.parquet is missing"):
        read_extract(tmp_path / "empty")
    with pytest.raises(MonitorError, match="not found"):
        read_extract(tmp_path / "nowhere")


def test_prepare_dispatch_errors(sem):
    with pytest.raises(ModelFitError, match="prepare must be one of"):
        prepare({"prepare": "magic"})
    with pytest.raises(ModelFitError, match="needs an extract"):
        prepare({"prepare": "growth"})
    with pytest.raises(ModelFitError, match="needs aggregate rows"):
        prepare({"prepare": "counts"})
    with pytest.raises(ModelFitError, match="does not take colour"):
        prepare({"prepare": "growth", "colour": "red"})


def test_period_counts_from_the_query_layer(catalogue, exact_figures):
    from monitor.policy import system_principal
    from monitor.query import aggregate_series
    from tests.factories import build_world

    build_world(catalogue)
    frames = [
        aggregate_series(
            catalogue, system_principal(), indicator_code=code, organisation_codes=["NW-A", "NW-B"]
        )
        for code in ("NW_REF", "NW_CHILDREN")
    ]
    counts = period_counts(pl.concat(frames, how="diagonal_relaxed"))
    cells = {(r["network_id"], r["period"]): r for r in counts.to_dicts()}
    # NW-A 2023-H1 has a withheld referrer cell (4): the published total counts, not the
    # sum of the shown parts (30 + 12, an undercount)
    assert cells[("NW-A", "2023-H1")]["count"] == 46.0
    assert cells[("NW-A", "2023-H1")]["children"] == 1000.0
    assert cells[("NW-A", "2023-H2")]["count"] == 20.0
    assert cells[("NW-B", "2023-H1")]["rate"] == pytest.approx(40 / 800 * 1000)
