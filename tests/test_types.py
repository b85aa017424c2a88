"""``monitor`` and ``schema`` type-check clean under the ``[tool.mypy]`` config of
``pyproject.toml``, and the check really bites.

mypy runs in-process (``mypy.api.run``) from the repository root, so the config's
``files`` and per-module overrides are the ones CI uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "pyproject.toml")


def _mypy(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, int]:
    monkeypatch.chdir(ROOT)
    stdout, stderr, status = api.run(["--config-file", CONFIG, *args])
    return stdout + stderr, status


def test_monitor_and_schema_have_no_type_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    out, status = _mypy(monkeypatch)
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert errors == [], "\n".join(errors)
    assert status == 0, out
    # the config's files were really checked (monitor and schema: over a hundred modules)
    checked = re.search(r"no issues found in (\d+) source files", out)
    assert checked is not None and int(checked.group(1)) > 100, out


def test_a_type_error_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # same config, one wrong call into schema: a check that cannot fail is no check
    wrong = tmp_path / "wrong_call.py"
    wrong.write_text("from schema import id_of\n\nid_of(None)\n")
    out, status = _mypy(monkeypatch, str(wrong))
    assert status == 1, out
    assert re.search(r'wrong_call.py:3: error: Argument 1 to "id_of" .*"None".*\[arg-type\]', out)
