"""The CLI end to end: clear messages and non-zero exit codes, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from monitor.catalogue import read_catalogue


def test_help_on_every_command(cli):
    code, out, _ = cli("--help")
    assert code == 0
    groups = ["db", "catalogue", "org", "event"]
    for group in groups:
        assert group in out
        code, out_group, _ = cli(group, "--help")
        assert code == 0, group


def test_setup_flow(engine, cli, tmp_path):
    code, out, _ = cli("db", "upgrade")
    assert code == 0 and "revision" in out
    code, out, _ = cli("catalogue", "load")
    indicators = len(read_catalogue().indicators)  # every entry of the shipped file
    assert code == 0 and f"new indicators:  {indicators}" in out
    code, out, _ = cli("catalogue", "load")
    assert code == 0 and "nothing changed" in out
    assert cli("org", "add", "GM0363", "Amsterdam", "--kind", "municipality")[0] == 0
    code, _, err = cli("org", "add", "GM0363", "Amsterdam", "--kind", "municipality")
    assert code == 5 and "clashes" in err
    code, _, err = cli("org", "add", "X1", "Iets", "--kind", "planet")
    assert code != 0 and "unknown organisation kind" in err
    code, out, _ = cli("org", "list")
    assert "GM0363" in out and "1 organisation" in out


def test_bad_catalogue_file_exit_code_and_database_unchanged(engine, cli, tmp_path):
    cli("catalogue", "load")
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators:\n  - code: X\n    level: galaxy\n")
    code, _, err = cli("catalogue", "load", str(bad))
    assert code == 9
    assert "indicators[0] (X)" in err
    assert "Traceback" not in err
    code, out, _ = cli("catalogue", "list")
    assert "CH_ABS" in out


def test_unmigrated_database_says_what_to_run(tmp_path, monkeypatch, cli):
    from monitor import db
    from monitor.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    code, _, err = cli("org", "list")
    assert code == 3 and "monitor db upgrade" in " ".join(err.split())  # as wrapped on screen
    get_settings.cache_clear()
    db.get_engine.cache_clear()


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("postgresql+psycopg://nobody@127.0.0.1:9/none", "cannot reach the database"),
        ("mysql://x/y", "DATABASE_URL"),
    ],
)
def test_unreachable_or_malformed_database_url(url, fragment, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from monitor.cli import main; main()", "db", "upgrade"],
        capture_output=True,
        text=True,
        env={"DATABASE_URL": url, "PATH": "/usr/bin"},
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode != 0
    assert fragment in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
