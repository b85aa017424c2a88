"""Shared helpers of the CLI modules: console output, sessions, problem tables, the outcome
of an ingest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from monitor.db import get_engine, require_migrated, session_scope
from monitor.errors import MonitorError, RowProblem, ValidationFailed
from monitor.ingest.report import IngestReport
from monitor.messages import counted
from schema.base import SubmissionStatus

T = TypeVar("T")


class CountedConsole(Console):
    """A console that prints every "N word(s)" in the form its count asks for ("1 row",
    "3 rows", "1 kind", "2 kinderen"): messages are written once for one and for many."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: D102
        super().print(*(counted(o) if isinstance(o, str) else o for o in objects), **kwargs)


console = CountedConsole(highlight=False)
err_console = CountedConsole(stderr=True, highlight=False)


def print_error(exc: MonitorError) -> None:
    """Print a user-facing error (with its problem table, if any) to stderr."""
    if isinstance(exc, ValidationFailed):
        err_console.print(f"[bold red]error:[/] {exc.summary}")
        print_problems(exc.problems, to=err_console)
    else:
        err_console.print(f"[bold red]error:[/] {exc}")


def print_problems(
    problems: list[RowProblem], *, to: Console | None = None, limit: int = 50
) -> None:
    """Print problems as a table: file, row, column, value, reason."""
    out = to or console
    table = Table(show_header=True, header_style="bold")
    for heading in ("file", "row", "column", "value", "reason"):
        table.add_column(heading, overflow="fold")
    for problem in problems[:limit]:
        table.add_row(
            problem.file,
            "" if problem.row is None else str(problem.row),
            problem.column or "",
            "" if problem.value is None else str(problem.value),
            problem.reason,
        )
    out.print(table)
    if len(problems) > limit:
        out.print(f"... and {len(problems) - limit} more problem(s)")


@dataclass(frozen=True)
class IngestWords:
    """The words of :func:`print_ingest_outcome` in one CLI language (``{n}``: a count,
    ``{target}``: the rejects file)."""

    problems: str = "[bold red]{n} problem(s):[/]"
    warnings: str = "[yellow]{n} warning(s) (stored anyway):[/]"
    written: str = "problems and warnings written to {target}"


def print_ingest_outcome(
    report: IngestReport,
    path: Path,
    *,
    counts: str,
    rejects: Path | None,
    words: IngestWords = IngestWords(),
) -> None:
    """Print an ingest's status, message and ``counts``; its problems and warnings as tables
    and in the rejects CSV (``rejects`` or ``<file>.rejects.csv``). Exits with
    :class:`ValidationFailed`'s code when nothing was stored."""
    console.print(f"[bold]{path.name}[/]: {report.status}")
    if report.message:
        console.print(report.message)
    console.print(counts)
    if report.problems or report.warnings:
        if report.problems:
            # a big file lists the first problems; every one is in the rejects file
            total = len(report.problems) + getattr(report, "problems_more", 0)
            err_console.print(words.problems.format(n=total))
            print_problems(report.problems, to=err_console)
        if report.warnings:
            console.print(words.warnings.format(n=len(report.warnings)))
            print_problems(report.warnings)
        target = rejects or path.with_name(path.name + ".rejects.csv")
        report.rejects_csv(target)
        console.print(words.written.format(target=target))
    if report.status == SubmissionStatus.REJECTED.value:
        raise typer.Exit(ValidationFailed.exit_code)


@contextmanager
def open_session() -> Iterator[Session]:
    """A committed-on-success session on the configured, migrated database."""
    engine = require_migrated(get_engine())
    with session_scope(engine) as session:
        yield session


def iso_option(
    text: str | None,
    parse: Callable[[str], T],
    *,
    option: str,
    expected: str = "a date; use YYYY-MM-DD",
) -> T | None:
    """An option's ISO date (or date/time) parsed, None when not given; a usage error naming
    ``option`` when it does not parse."""
    if not text:
        return None
    try:
        return parse(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not {expected}", param_hint=option) from None


def require_file(path: Path) -> Path:
    """Return ``path`` if it is an existing file, else a clear error."""
    if not path.exists():
        raise MonitorError(f"file {path} does not exist")
    if not path.is_file():
        raise MonitorError(f"{path} is not a file")
    return path


def cli_principal(session: Session, *, username: str | None, token: str | None):  # noqa: ANN201
    """The Principal for a CLI command run on behalf of a user: by API token
    (``--token`` or ``MONITOR_TOKEN``) or by username + password (``MONITOR_PASSWORD`` or a
    hidden prompt). The login is audited like any other."""
    import os

    import typer

    from monitor import auth
    from monitor.policy import principal_for

    token = token or os.environ.get("MONITOR_TOKEN")
    if token:
        return principal_for(session, auth.user_for_token(session, token))
    if not username:
        raise MonitorError("say who you are: --user USERNAME (password prompted) or --token TOKEN")
    password = os.environ.get("MONITOR_PASSWORD") or typer.prompt(
        f"password for {username}", hide_input=True
    )
    user = auth.authenticate(session, username, password)
    session.commit()
    return principal_for(session, user)
