"""The ``monitor`` command line: the outer shell of the platform.

Each module in this package adds its commands through ``register(app)``; :func:`main` is the
one error boundary, turning every :class:`MonitorError` into a clear message and exit code
(never a traceback).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import typer
from sqlalchemy.exc import OperationalError

from monitor.cli.common import console, print_error
from monitor.errors import DatabaseUnavailableError, MonitorError
from monitor.settings import production_checked

app = typer.Typer(
    name="monitor",
    help="Common Monitor: shared indicators, ingest, dashboards and longitudinal analysis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _production_rules() -> None:
    """Every command refuses production mode with the demo key or a weak secret."""
    production_checked()


for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "common" and not _module.startswith("_"):  # _name: a helper module
        importlib.import_module(f"{__name__}.{_module}").register(app)


def _click_classes(name: str) -> tuple[type[BaseException], ...]:
    """click's exception class ``name``, and that of the copy of click newer typer releases
    carry (``typer._click``): a usage error raised by either is a usage error, not an
    unexpected one."""
    found: list[type[BaseException]] = []
    for module in ("click", "click.exceptions", "typer", "typer._click", "typer._click.exceptions"):
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, BaseException) and cls not in found:
            found.append(cls)
    return tuple(found)


_EXIT = _click_classes("Exit")
_USAGE = _click_classes("ClickException")
_ABORT = _click_classes("Abort")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a script, exits with) the exit code."""
    try:
        result = app(args=argv, prog_name="monitor", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except _EXIT as exc:
        code = getattr(exc, "exit_code", 0)
    except _USAGE as exc:
        exc.show()  # type: ignore[attr-defined]  # click's (or typer's copy's) usage error
        code = getattr(exc, "exit_code", 2)
    except _ABORT:
        console.print("aborted")
        code = 130
    except MonitorError as exc:
        print_error(exc)
        code = exc.exit_code
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print_error(DatabaseUnavailableError(f"database error: {reason}"))
        code = DatabaseUnavailableError.exit_code
    except Exception as exc:  # the boundary: no traceback for users unless asked
        if os.environ.get("MONITOR_DEBUG"):
            raise
        print_error(
            MonitorError(
                f"unexpected {type(exc).__name__}: {exc} "
                "(rerun with MONITOR_DEBUG=1 for the traceback)"
            )
        )
        code = 70
    if argv is None:
        sys.exit(code)
    return code
