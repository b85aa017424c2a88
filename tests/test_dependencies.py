"""Every third-party package the platform's own code imports is a declared dependency
(``[project] dependencies`` in pyproject.toml), not only present because the test extra or
another package brought it: the README's first command installs without the extra, and
`monitor demo` failed on a fresh machine for want of httpx (the CBS client)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("monitor", "schema", "dashboards", "analysis", "synthetic_data", "migrations")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normal(re.split(r"[\s\[<>=!~;]", d, maxsplit=1)[0]) for d in project["dependencies"]}


def _imported() -> dict[str, str]:
    """Top-level names of third-party imports in the rooms, with one file importing each."""
    found: dict[str, str] = {}
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in ROOMS:
                        found.setdefault(top, path.relative_to(ROOT).as_posix())
    return found


def test_every_imported_package_is_a_declared_dependency() -> None:
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    missing = {
        top: where
        for top, where in _imported().items()
        if not {_normal(d) for d in distributions.get(top, [top])} & declared
    }
    assert missing == {}, f"imported but not in [project] dependencies: {missing}"
