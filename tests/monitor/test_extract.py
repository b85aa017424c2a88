"""Researcher extracts: pseudonymised Parquet + codebook + manifest, researchers only."""

from __future__ import annotations

import json

import polars as pl
import pytest

from monitor.extract import verify_extract
from tests.factories import PASSWORD, build_world


@pytest.fixture
def world(catalogue):
    return build_world(catalogue)


def test_researcher_extract_via_cli(world, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_PASSWORD", PASSWORD)
    out = tmp_path / "study"
    code, stdout, stderr = cli(
        "extract",
        "--indicators",
        "CH_ABS",
        "--out",
        str(out),
        "--user",
        "researcher_ams",
        "--to",
        "2023-12-31",
    )
    assert code == 0, stderr
    assert "60 measurement rows of 30 children" in " ".join(stdout.split())
    frame = pl.read_parquet(out / "measurements.parquet")
    assert frame.height == 60 and set(frame["municipality_code"]) == {"GM0363"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["researcher"] == "researcher_ams"
    assert manifest["files"]["measurements.parquet"]["rows"] == 60
    codebook = json.loads((out / "codebook.json").read_text())
    assert codebook["indicators"][0]["code"] == "CH_ABS"
    assert verify_extract(out) == []
    (out / "measurements.parquet").write_bytes(b"tampered")
    assert verify_extract(out) == ["measurements.parquet"]


@pytest.mark.parametrize("username", ["officer_ams", "viewer_a", "admin"])
def test_non_researchers_are_refused(world, cli, tmp_path, monkeypatch, username):
    monkeypatch.setenv("MONITOR_PASSWORD", PASSWORD)
    code, _, stderr = cli(
        "extract", "--indicators", "CH_ABS", "--out", str(tmp_path / "x"), "--user", username
    )
    assert code == 6 and "no researcher role" in stderr
    assert not (tmp_path / "x" / "measurements.parquet").exists()


def test_wrong_password_is_refused(world, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_PASSWORD", "wrong-password-here")
    code, _, stderr = cli(
        "extract",
        "--indicators",
        "CH_ABS",
        "--out",
        str(tmp_path / "x"),
        "--user",
        "researcher_ams",
    )
    assert code == 7 and "wrong password" in stderr
