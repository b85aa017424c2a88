"""Aggregates and truth.json agree with the case rows that were written."""

from __future__ import annotations

import json

import polars as pl
import pytest

from . import recompute


def _reported(aggregate: pl.DataFrame, indicators: list[str]) -> pl.DataFrame:
    return aggregate.filter(pl.col("indicator").is_in(indicators)).select(
        "organisation", "indicator", "period", "category", pl.col("value").cast(pl.Int64)
    )


def test_network_counts_match_the_case_rows(demo, demo_case, demo_aggregate):
    _, folder = demo
    reported = _reported(demo_aggregate, ["NW_CHILDREN", "NW_SIGNAL", "NW_REF", "NW_CARE"])
    derived = recompute.network_counts(demo_case, folder)
    keys = ["organisation", "indicator", "period", "category"]
    merged = reported.join(
        derived, on=keys, how="full", nulls_equal=True, suffix="_case", coalesce=True
    )
    merged = merged.with_columns(pl.col("value", "value_case").fill_null(0))
    assert merged.height == reported.height  # no figure in the case rows that is not reported
    mismatch = merged.filter(pl.col("value") != pl.col("value_case"))
    assert mismatch.height == 0, mismatch
    assert reported.filter(pl.col("indicator") == "NW_REF")["value"].sum() > 50


def test_municipality_counts_match_the_case_rows(demo_case, demo_aggregate):
    care = demo_case.filter(pl.col("indicator") == "CH_CARE")
    prot = demo_case.filter(pl.col("indicator") == "CH_PROT")
    residential = ["pleegzorg", "gezinsgericht", "gesloten", "overig_residentieel"]
    reported = _reported(
        demo_aggregate, ["MU_CARE", "MU_CARE_RES", "MU_PROT", "MU_REF", "MU_WAITLIST"]
    )
    wait = demo_case.filter(pl.col("indicator") == "CH_WAIT").select(
        "bsn", "date", pl.col("value").alias("wait")
    )
    started = care.join(wait, on=["bsn", "date"], how="left")
    for period in recompute.HALF_YEARS:
        running = recompute.overlapping(care, period)
        p = recompute.parse_period(period)
        for muni in demo_case["municipality"].unique().to_list():

            def value(indicator, category=None, muni=muni, period=period):
                rows = reported.filter(
                    (pl.col("organisation") == muni)
                    & (pl.col("indicator") == indicator)
                    & (pl.col("period") == period)
                )
                if category is not None:
                    rows = rows.filter(pl.col("category") == category)
                return rows["value"].sum()

            here = running.filter(pl.col("municipality") == muni)
            for care_type in here["category"].unique().to_list():
                expected = here.filter(pl.col("category") == care_type)["bsn"].n_unique()
                assert value("MU_CARE", care_type) == expected
            expected = here.filter(pl.col("category").is_in(residential))["bsn"].n_unique()
            assert value("MU_CARE_RES") == expected
            protected = recompute.overlapping(prot, period)
            expected = protected.filter(pl.col("municipality") == muni)["bsn"].n_unique()
            assert value("MU_PROT") == expected
            new = care.filter(
                (pl.col("municipality") == muni)
                & (pl.col("date") >= p.start.isoformat())
                & (pl.col("date") <= p.end.isoformat())
            )
            assert value("MU_REF") == new.height
            if period <= "2023-H2":  # later: referrals still waiting at the end are not visible
                end = p.end.isoformat()
                waiting = started.filter(
                    (pl.col("municipality") == muni)
                    & pl.col("wait").is_not_null()
                    & (pl.col("date") > end)
                    & (
                        pl.col("date").str.to_date()
                        - pl.duration(days=pl.col("wait").cast(pl.Int64))
                        <= pl.lit(p.end)
                    )
                )
                assert value("MU_WAITLIST") == waiting["bsn"].n_unique()


def test_special_education_and_pupils_match_enrolment(demo, demo_case, demo_aggregate):
    _, folder = demo
    orgs = pl.read_csv(folder / "organisations.csv", infer_schema=False)
    special = set(orgs.filter(pl.col("subtype") == "so")["code"])
    october = demo_case.filter(
        (pl.col("indicator") == "CH_ABS") & (pl.col("date").str.slice(5, 2) == "10")
    )
    for (muni, year), rows in october.group_by(
        "municipality", pl.col("date").str.slice(0, 4).alias("year")
    ):
        reported = demo_aggregate.filter(
            (pl.col("organisation") == muni) & (pl.col("period") == year)
        )
        pupils = int(reported.filter(pl.col("indicator") == "MU_PUPILS")["value"][0])
        sped = int(reported.filter(pl.col("indicator") == "MU_SPED")["value"][0])
        assert pupils == rows["bsn"].n_unique()
        assert sped == rows.filter(pl.col("org").is_in(special))["bsn"].n_unique()
        assert 0.01 < sped / pupils < 0.06


def test_truth_realised_referral_rates_match_the_files(demo, demo_case):
    _, folder = demo
    truth = json.loads((folder / "truth.json").read_text())
    realised = truth["realised"]["referral_rate"]
    pooled = {"before": [0, 0], "after": [0, 0]}
    for network, start in truth["programme_starts"].items():
        figures = recompute.realised_referrals(demo_case, folder, start)
        claimed = realised["treated"][network]
        for side in ("before", "after"):
            refs = figures[side]["referrals"].filter(pl.col("network") == network)["len"].sum()
            months = figures[side]["child_months"].filter(pl.col("network") == network)["len"].sum()
            assert claimed[side]["referrals"] == refs
            assert claimed[side]["child_months"] == months
            assert claimed[side]["rate_per_1000_per_half_year"] == pytest.approx(
                refs / months * 6000, rel=1e-12
            )
            pooled[side][0] += refs
            pooled[side][1] += months
        assert claimed["rate_ratio"] == pytest.approx(
            claimed["after"]["rate_per_1000_per_half_year"]
            / claimed["before"]["rate_per_1000_per_half_year"],
            rel=1e-12,
        )
    rates = {side: refs / months * 6000 for side, (refs, months) in pooled.items()}
    assert realised["pooled"]["rate_ratio"] == pytest.approx(
        rates["after"] / rates["before"], rel=1e-12
    )
    median = realised["comparison_around_median_start"]["median_start"]
    figures = recompute.realised_referrals(demo_case, folder, median)
    for network, claimed in realised["comparison_around_median_start"]["networks"].items():
        refs = figures["after"]["referrals"].filter(pl.col("network") == network)["len"].sum()
        assert claimed["after"]["referrals"] == refs


def test_truth_records_configuration(demo):
    summary, folder = demo
    truth = json.loads((folder / "truth.json").read_text())
    assert truth["seed"] == summary.seed and truth["size"] == "demo"
    effects = truth["effects"]
    assert effects["referral_relative_change"] == -0.25
    assert effects["signal_relative_change"] == 0.2
    assert effects["absence_change_pp"] == -1.0
    assert effects["wellbeing_slope_change_per_year"] == 1.5
    assert effects["referral_secular_trend_per_year"] > 0
    assert effects["absence_seasonality_amplitude_pp"] > 0
    assert truth["errors"] == []
    networks = {n for m in truth["municipalities"] for n in m["networks"]}
    assert networks == set(truth["programme_starts"]) | set(truth["comparison_networks"])
    assert networks == set(truth["networks"])
    for code, start in truth["programme_starts"].items():
        assert truth["networks"][code]["programme_start"] == start
    realised = truth["realised"]
    # clipping at 0 % and rounding make the realised shift a little smaller than configured
    absence = realised["absence_effect_on_treated"]
    assert -1.0 <= absence["mean_shift_pp"] < -0.8 and absence["child_months"] > 1000
    assert set(absence["networks"]) <= set(truth["programme_starts"])
    wellbeing = realised["wellbeing_effect_on_exposed"]
    assert wellbeing["mean_shift_points"] == pytest.approx(
        1.5 * wellbeing["mean_exposure_years"], abs=0.05
    )


def test_effects_are_visible_in_the_data(demo_case):
    """Absence in winter is higher than in summer (seasonality) and rises over the years."""
    absence = demo_case.filter(pl.col("indicator") == "CH_ABS").with_columns(
        month=pl.col("date").str.slice(5, 2), year=pl.col("date").str.slice(0, 4)
    )
    by_month = absence.group_by("month").agg(pl.col("value").mean())
    winter = by_month.filter(pl.col("month").is_in(["01", "02"]))["value"].mean()
    summer = by_month.filter(pl.col("month").is_in(["07", "08"]))["value"].mean()
    assert winter - summer > 1.5
    by_year = absence.group_by("year").agg(pl.col("value").mean()).sort("year")["value"]
    assert by_year[-1] > by_year[0]
