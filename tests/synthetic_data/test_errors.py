"""--with-errors: every injected row is listed in truth.json, and exactly those rows are bad."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from monitor.periods import parse_period
from synthetic_data.catalogue import load_codes
from synthetic_data.identifiers import elfproef

RANGES = {"CH_ABS": (0, 100), "CH_SEM": (0, 100), "CH_COG": (40, 160), "CH_WAIT": (0, 730),
          "CH_PART": (0, 200), "PR_CSAT": (1, 5), "NW_COND": (1, 5), "NW_DENS": (0, 1)}  # fmt: skip
CATEGORY_SET = {
    "CH_REF": "referrer", "CH_CARE": "care_type", "CH_PROT": "protection_type",
    "NW_REF": "referrer", "MU_REF": "referrer", "NW_CARE": "care_type", "MU_CARE": "care_type",
    "NW_COND": "precondition", "NW_FORM": "collaboration_form",
}  # fmt: skip


def _read(folder, name: str) -> pl.DataFrame:
    path = folder / name
    if name.endswith(".parquet"):
        return pl.read_parquet(path)
    return pl.read_csv(path, infer_schema=False)


def _is_date(text: str | None) -> bool:
    try:
        date.fromisoformat(text or "")
    except ValueError:
        return False
    return True


def _is_period(text: str) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True


def _faults(row: dict, shape: str) -> set[str]:
    """Every kind of fault a row has, judged on its own (duplicates are found separately)."""
    codes = load_codes()
    faults = set()
    indicator = row["indicator"]
    if indicator not in codes.source_kind:
        faults.add("unknown_indicator")
    if shape == "case":
        if row["bsn"] is not None and not elfproef(row["bsn"]):
            faults.add("bad_bsn")
        if not _is_date(row["date"]):
            faults.add("bad_date")
    elif not _is_period(row["period"]):
        faults.add("bad_period")
    value = row["value"]
    if value is not None and indicator not in ("NW_GOAL",):
        low, high = RANGES.get(indicator, (0, 10_000_000))
        if not low <= float(value) <= high:
            faults.add("out_of_range")
    category_set = CATEGORY_SET.get(indicator)
    if category_set and row["category"] not in codes.categories[category_set]:
        faults.add("unknown_category")
    return faults


def test_errors_are_listed_and_exactly_those_rows_are_bad(demo_errors):
    summary, folder = demo_errors
    truth = json.loads((folder / "truth.json").read_text())
    listed = {(e["file"], e["row"]): e for e in truth["errors"]}
    assert len(listed) == len(truth["errors"]) == summary.error_rows > 0
    kinds = {e["kind"] for e in truth["errors"]}
    assert kinds == {
        "bad_bsn", "out_of_range", "unknown_indicator", "duplicate_row", "unknown_category",
        "bad_date", "bad_period",
    }  # fmt: skip
    found: dict[tuple[str, int], set[str]] = {}
    for shape, files in truth["files"].items():
        for name in files:
            frame = _read(folder, name)
            for index, row in enumerate(frame.iter_rows(named=True)):
                faults = _faults(row, shape)
                if faults:
                    found[(name, index + 2)] = faults
            duplicated = frame.with_row_index("i").filter(
                pl.struct(frame.columns).is_duplicated()
                & ~pl.struct(frame.columns).is_first_distinct()
            )
            for index in duplicated["i"].to_list():
                found.setdefault((name, index + 2), set()).add("duplicate_row")
    assert set(found) == set(listed)
    for key, entry in listed.items():
        assert found[key] == {entry["kind"]}, (key, entry)


def test_error_entries_name_the_column_and_value(demo_errors):
    _, folder = demo_errors
    truth = json.loads((folder / "truth.json").read_text())
    frames = {}
    for entry in truth["errors"]:
        name = entry["file"]
        frame = frames.setdefault(name, _read(folder, name))
        row = frame.row(entry["row"] - 2, named=True)
        original = frame.row(entry["copy_of_row"] - 2, named=True)
        assert entry["copy_of_row"] < entry["row"]  # the real row comes first
        if entry["kind"] == "duplicate_row":
            assert row == original
            assert entry["column"] is None
            continue
        column = entry["column"]
        shown = row[column] if not isinstance(row[column], float) else f"{row[column]:g}"
        assert shown == entry["value"]
        assert {k for k in row if row[k] != original[k]} == {column}


def test_without_the_listed_rows_the_files_equal_the_clean_run(demo, demo_errors):
    _, clean_folder = demo
    _, error_folder = demo_errors
    truth = json.loads((error_folder / "truth.json").read_text())
    clean_truth = json.loads((clean_folder / "truth.json").read_text())
    bad: dict[str, set[int]] = {}
    for entry in truth["errors"]:
        bad.setdefault(entry["file"], set()).add(entry["row"] - 2)
    assert set(truth["files"]["case"]) == set(clean_truth["files"]["case"])
    for shape in ("case", "aggregate"):
        for name in truth["files"][shape]:
            frame = _read(error_folder, name)
            keep = [i for i in range(frame.height) if i not in bad.get(name, set())]
            assert_frame_equal(frame[keep], _read(clean_folder, name))
    assert truth["realised"] == clean_truth["realised"]
