"""Demo data sets generated once per test session (a clean run, a second identical run, a
run with another seed and a run with errors), and the frames read back from their files."""

from __future__ import annotations

import glob
from pathlib import Path

import polars as pl
import pytest

from synthetic_data import generate

SEED = 42


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """(summary, folder) of a clean demo run for seed 42."""
    out = tmp_path_factory.mktemp("demo")
    return generate("demo", SEED, out), out


@pytest.fixture(scope="session")
def demo_errors(tmp_path_factory):
    """(summary, folder) of a demo run for seed 42 with injected errors."""
    out = tmp_path_factory.mktemp("demo_errors")
    return generate("demo", SEED, out, with_errors=True), out


def read_case(folder: Path) -> pl.DataFrame:
    """All case rows, with the reporting organisation (file name) in ``org``."""
    frames = [
        pl.read_parquet(path).with_columns(pl.lit(Path(path).stem).alias("org"))
        for path in sorted(glob.glob(str(folder / "case" / "*.parquet")))
    ]
    return pl.concat(frames)


def read_aggregate(folder: Path) -> pl.DataFrame:
    """All aggregate rows (all text), with the reporting organisation in ``reporter``."""
    frames = [
        pl.read_csv(path, infer_schema=False).with_columns(
            pl.lit(Path(path).stem).alias("reporter")
        )
        for path in sorted(glob.glob(str(folder / "aggregate" / "*.csv")))
    ]
    return pl.concat(frames)


@pytest.fixture(scope="session")
def demo_case(demo) -> pl.DataFrame:
    return read_case(demo[1])


@pytest.fixture(scope="session")
def demo_aggregate(demo) -> pl.DataFrame:
    return read_aggregate(demo[1])
