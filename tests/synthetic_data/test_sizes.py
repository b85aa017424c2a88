"""Sizes hold their row counts; identifiers are valid and unique; the command line works."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from synthetic_data import generate
from synthetic_data.__main__ import main
from synthetic_data.config import size_spec
from synthetic_data.identifiers import brin_codes, bsn_block, elfproef


def test_demo_size_and_speed(demo, demo_case):
    summary, folder = demo
    assert 4500 <= summary.children <= 5500
    assert summary.seconds < 15
    assert 3 <= summary.municipalities <= 4
    truth = json.loads((folder / "truth.json").read_text())
    assert truth["children"] == summary.children
    assert truth["files"]["case"] and sum(truth["files"]["case"].values()) == summary.case_rows
    assert summary.case_rows == demo_case.height
    # every child present at some time: infants without any record are not in the files
    seen = demo_case["bsn"].n_unique()
    assert 0.8 * summary.children < seen <= summary.children + 1


def test_demo_has_treated_and_comparison_networks(demo):
    summary, folder = demo
    truth = json.loads((folder / "truth.json").read_text())
    assert len(truth["programme_starts"]) >= 2 and len(truth["comparison_networks"]) >= 2
    assert len(set(truth["programme_starts"].values())) == len(truth["programme_starts"])
    assert summary.treated_networks == len(truth["programme_starts"])


def test_municipality_share_with_youth_care_is_realistic(demo, demo_case, demo_aggregate):
    youth = (
        demo_aggregate.filter(
            (pl.col("indicator") == "MU_YOUTH") & (pl.col("period") == "2022-H2")
        )["value"]
        .cast(pl.Int64)
        .sum()
    )
    care = demo_case.filter(
        (pl.col("indicator") == "CH_CARE")
        & (pl.col("date") <= "2022-12-31")
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= "2022-01-01"))
    )["bsn"].n_unique()
    assert 0.08 < care / youth < 0.14
    res = demo_aggregate.filter(pl.col("indicator") == "MU_CARE_RES")["value"].cast(pl.Int64)
    assert 0.004 < res.sum() / 8 / youth < 0.02


@pytest.mark.slow
def test_municipality_size(tmp_path):
    summary = generate("municipality", 7, tmp_path)
    assert 45000 <= summary.children <= 55000
    assert summary.municipalities == 1 and summary.networks >= 10


def test_national_plan_has_340_unique_municipalities():
    spec = size_spec("national")
    codes = [m.code for m in spec.municipalities]
    assert len(codes) == len(set(codes)) == 340
    assert all(len(c) == 6 and c.startswith("GM") and c[2:].isdigit() for c in codes)
    total = sum(m.population_0_17 for m in spec.municipalities) * spec.scale * (1 + 4 / 18)
    assert total == pytest.approx(1_000_000)


def test_bsn_blocks_are_valid_and_disjoint():
    blocks = [bsn_block(m, 5000, seed=3) for m in (0, 1, 339)]
    everything = np.concatenate(blocks)
    assert len(set(everything.tolist())) == len(everything)
    assert all(elfproef(b) for b in everything.tolist())
    assert not elfproef("123456789") and elfproef("123456782")


def test_brin_codes_are_unique():
    codes = brin_codes(0, 6000)
    assert len(set(codes)) == 6000
    assert all(c[:2].isdigit() and c[2:].isalpha() and c[2:].isupper() for c in codes)


def test_command_line(tmp_path, capsys):
    assert (
        main(["--size", "demo", "--seed", "5", "--out", str(tmp_path), "--municipalities", "1"])
        == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out)["municipalities"] == 1
    assert "[1/1]" in captured.err
    assert (tmp_path / "truth.json").exists()
