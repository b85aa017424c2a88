"""Without Chromium the browser tests skip with one line saying how to install it; in CI
they fail instead. Checked by running pytest on the browser tests in a subprocess whose
PATH holds only Python (no chromium, no chromedriver)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HINT = "apt-get install chromium chromium-driver"


def _run_without_chromium(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "DASH_TEST_CHROMEPATH")}
    env["PATH"] = str(bin_dir)
    if ci:
        env["CI"] = "1"
    command = [
        str(bin_dir / "python"), "-m", "pytest", "tests/dashboards/test_browser.py",
        "-q", "-rs", "-o", "addopts=", "-p", "no:xdist", "-p", "no:randomly",
        "-p", "no:cacheprovider",
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_without_chromium_browser_tests_skip_with_one_line(tmp_path):
    result = _run_without_chromium(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout + result.stderr
    hints = [line for line in result.stdout.splitlines() if HINT in line]
    assert len(hints) == 1 and hints[0].startswith("SKIPPED ["), result.stdout
    assert "not found: chromium, chromedriver" in hints[0]
    assert " passed" not in result.stdout and "skipped" in result.stdout


def test_in_ci_a_missing_chromium_fails(tmp_path):
    result = _run_without_chromium(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    # failed at setup: pytest counts them as errors, and the run's exit status is 1
    assert " error" in result.stdout and "CI: browser tests need Chromium" in result.stdout
    assert "skipped" not in result.stdout
