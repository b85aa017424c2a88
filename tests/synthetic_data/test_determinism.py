"""Same seed, same bytes; another seed, other data."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from synthetic_data import generate

from .conftest import SEED


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_identical_files(demo, tmp_path):
    summary, folder = demo
    again = generate("demo", SEED, tmp_path)
    assert file_hashes(tmp_path) == file_hashes(folder)
    assert again.case_rows == summary.case_rows


def test_other_seed_gives_other_data(demo, tmp_path):
    _, folder = demo
    generate("demo", SEED + 1, tmp_path)
    first, second = file_hashes(folder), file_hashes(tmp_path)
    shared = set(first) & set(second)
    assert "truth.json" in shared
    assert all(first[name] != second[name] for name in shared if name.startswith("case/"))
    assert first["truth.json"] != second["truth.json"]


def test_rerun_into_the_same_folder_replaces_old_files(tmp_path):
    stale = tmp_path / "case" / "OLD1.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    generate("demo", SEED, tmp_path)
    assert not stale.exists()


def test_identical_across_processes_hash_seeds_and_thread_counts(demo, tmp_path):
    """Nothing depends on set ordering (PYTHONHASHSEED) or on polars' thread count."""
    _, folder = demo
    env = {**os.environ, "PYTHONHASHSEED": "7", "POLARS_MAX_THREADS": "1"}
    command = [sys.executable, "-m", "synthetic_data", "--size", "demo", "--seed", str(SEED)]
    subprocess.run([*command, "--out", str(tmp_path)], env=env, check=True, capture_output=True)
    assert file_hashes(tmp_path) == file_hashes(folder)
