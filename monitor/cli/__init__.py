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

import click
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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a script, exits with) the exit code."""
    try:
        result = app(args=argv, prog_name="monitor", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Abort:
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
