"""The cross-chunk state of a chunked case file (:mod:`monitor.ingest.earlier`): hashed
keys held in runs, each found again with the row it was first seen on."""

from __future__ import annotations

import polars as pl
import pytest

from monitor.ingest import earlier
from monitor.ingest.earlier import HashRuns
from monitor.ingest.read import ROW


def _keys(rows: range, k1: list[int], k2: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {ROW: list(rows), "_k1": k1, "_k2": k2},
        schema={ROW: pl.Int64, "_k1": pl.UInt64, "_k2": pl.UInt32},
    )


def test_keys_from_many_runs_are_found_with_their_first_row(monkeypatch):
    monkeypatch.setattr(earlier, "RUN_ROWS", 8)  # runs of at most 8 keys
    held = HashRuns("_k", "_first_before")
    for chunk in range(10):  # chunks of 3 rows: keys 3c, 3c+1, 3c+2 on rows 100c..100c+2
        rows = range(100 * chunk, 100 * chunk + 3)
        keys = [3 * chunk + i for i in range(3)]
        held.remember_first(_keys(rows, keys, [k % 7 for k in keys]), pl.col(ROW))
    assert held.height == 30
    assert max(run.height for run in held.runs) <= 8 and len(held.runs) > 1
    # later: keys 0 (row 0), 14 (chunk 4, its third key: row 402), 29 (row 902), 30 (new)
    probe = _keys(range(5000, 5004), [0, 14, 29, 30], [0, 0, 1, 2])
    found = held.seen(probe).sort(ROW)
    assert found.rows() == [(5000, 0), (5001, 402), (5002, 902)]


def test_a_key_sharing_only_the_64_bit_hash_is_not_seen():
    held = HashRuns("_k", "_first_before")
    held.remember_first(_keys(range(2, 4), [7, 8], [1, 1]), pl.col(ROW))
    found = held.seen(_keys(range(10, 13), [7, 7, 8], [2, 1, 3]))
    assert found.rows() == [(11, 2)]  # (7, 2) and (8, 3) differ in the 32-bit hash


def test_a_key_seen_again_keeps_its_first_row():
    held = HashRuns("_k", "_first_before")
    held.remember_first(_keys(range(5, 7), [1, 1], [9, 9]), pl.col(ROW))  # twice: row 5 first
    held.remember_first(_keys(range(40, 42), [1, 2], [9, 9]), pl.col(ROW))  # again, and new
    assert held.height == 2
    assert sorted(held.seen(_keys(range(90, 92), [1, 2], [9, 9])).rows()) == [(90, 5), (91, 41)]


@pytest.mark.parametrize("run_rows", [1, 4, 1 << 20])
def test_merging_runs_keeps_every_key_once(monkeypatch, run_rows):
    monkeypatch.setattr(earlier, "RUN_ROWS", run_rows)
    held = HashRuns("_k", "_first_before")
    for chunk in range(13):
        held.remember_first(_keys(range(chunk, chunk + 1), [chunk], [0]), pl.col(ROW))
    assert held.height == 13
    assert sorted(pl.concat(held.runs)["_k1"].to_list()) == list(range(13))
    assert len(held.runs) == (13 if run_rows == 1 else len(held.runs))
    if run_rows == 4:  # 13 = 4 + 4 + 4 + 1: binary-counter merging stops at the cap
        assert [run.height for run in held.runs] == [4, 4, 4, 1]
