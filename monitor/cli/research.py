"""``monitor extract`` and ``monitor analyse``: the researcher workflow."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer

from monitor.cli.common import cli_principal, console, open_session
from monitor.errors import ModelFitError, MonitorError


def extract(
    indicators: str = typer.Option(..., help="Comma-separated indicator codes, e.g. CH_ABS,CH_REF"),
    out: Path = typer.Option(..., help="Directory to write the extract to (new or empty)."),
    date_from: str = typer.Option(None, "--from", help="First observation date (YYYY-MM-DD)."),
    date_to: str = typer.Option(None, "--to", help="Last observation date (YYYY-MM-DD)."),
    as_of: str = typer.Option(None, help="Figures as known at this moment (ISO date/time)."),
    user: str = typer.Option(None, help="Researcher's username (password is prompted)."),
    token: str = typer.Option(None, help="Researcher's API token (or MONITOR_TOKEN)."),
) -> None:
    """Write a pseudonymised Parquet extract with codebook and manifest (researchers only;
    audited)."""
    from monitor.extract import write_extract

    if out.exists() and any(out.iterdir()):
        raise MonitorError(f"{out} is not empty; choose a new directory for the extract")
    codes = [c.strip() for c in indicators.split(",") if c.strip()]
    with open_session() as session:
        principal = cli_principal(session, username=user, token=token)
        manifest = write_extract(
            session,
            principal,
            indicator_codes=codes,
            out_dir=out,
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
            as_of=_moment(as_of),
        )
    console.print(
        f"extract written to {out}: {manifest.rows} measurement row(s) of {manifest.children} "
        f"child(ren), {manifest.participation_rows} participation row(s); see manifest.json"
    )


def _date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date; use YYYY-MM-DD", param_hint=option
        ) from None


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO date/time", param_hint="--as-of"
        ) from None


def analyse(
    model: str = typer.Argument(
        ...,
        metavar="MODEL",
        help="growth, gee, rates, its, did, event_study, staggered, sun_abraham, survival (cox) "
        "or goals; overrides "
        "`model:` in the study file.",
    ),
    config: Path = typer.Option(
        ...,
        "--config",
        help="Study file (YAML): model parameters "
        "and a `data:` section saying how to build the frame.",
    ),
    extract_dir: Path = typer.Option(
        None, "--extract", help="Extract directory written by `monitor extract`."
    ),
    data: Path = typer.Option(
        None, "--data", help="An analysis-ready .parquet or .csv file (skips `data: prepare`)."
    ),
    out: Path = typer.Option(..., help="Directory for report.html and report.json."),
) -> None:
    """Run a longitudinal model on an extract (or an analysis-ready file) and write an HTML
    report with tables and charts plus a JSON of the results."""
    from analysis.report import write_report
    from analysis.study import load_config, model_parameters, run_study

    study = load_config(config)
    base = config.parent
    wanted = model.strip().lower()
    named = str(study.get("model", "")).strip().lower()
    model_parameters({"model": wanted})  # an unknown model is refused first
    if named and named != wanted and {named, wanted} != {"cox", "survival"}:
        console.print(f"note: model {wanted!r} from the command line overrides {named!r}")
    study["model"] = wanted
    name, _ = model_parameters(study)  # unknown model or parameters: refused before any work
    spec = study.get("data") or {}
    if not isinstance(spec, Mapping):
        raise ModelFitError(f"{config}: `data:` must be a mapping (e.g. prepare: growth)")
    spec = dict(spec)
    filters: dict[str, Any] = {}
    for part in (study.get("filter"), spec.pop("filter", None)):
        if part and not isinstance(part, Mapping):
            raise ModelFitError(f"{config}: `filter:` must be a mapping of column: value(s)")
        filters.update(part or {})
    frame, read_notes = _study_frame(spec, base=base, extract_dir=extract_dir, data=data)
    frame = _apply_filter(frame, filters)
    try:
        result = run_study(study, frame)
    except MonitorError:
        raise
    except Exception as exc:  # statsmodels numerical failures: a message, not a traceback
        raise ModelFitError(
            f"{name}: the model could not be fitted ({type(exc).__name__}: {exc})"
        ) from exc
    if read_notes:
        from dataclasses import replace

        result = replace(result, notes=(*result.notes, *read_notes))
    title = str(study.get("title") or f"Common Monitor - {name} model")
    paths = write_report({title: result}, out, title=title)
    console.print(result.sentence)
    console.print(f"report written to {paths['html']} and {paths['json']}")


def _resolve(path: Any, base: Path) -> Path:
    candidate = Path(str(path)).expanduser()
    return candidate if candidate.is_absolute() else base / candidate


def _study_frame(spec: dict[str, Any], *, base: Path, extract_dir: Path | None, data: Path | None):  # noqa: ANN202
    """The analysis-ready frame (and notes on reading it for the report): --data as it is
    (R, Stata or SPSS CSV exports too, see :mod:`analysis.read`), else built as `data:
    prepare` says."""
    from analysis.prepare import prepare, programme_starts, read_aggregates, read_extract

    kind = spec.get("prepare")
    if data is None and spec.get("file") and not kind:
        data = _resolve(spec["file"], base)
    if data is not None:
        if kind:
            console.print(f"note: --data is used as it is; `data: prepare: {kind}` is skipped")
        from analysis.read import read_table

        table = read_table(data)
        return table.frame, table.report_notes()
    if not kind:
        raise ModelFitError(
            "say which data to analyse: --data FILE (analysis-ready), or --extract DIR with "
            "`data: {prepare: growth|counts|binary|survival, ...}` in the study file"
        )
    extract = None
    if extract_dir is None and spec.get("extract"):
        extract_dir = _resolve(spec["extract"], base)
    if extract_dir is not None:
        extract = read_extract(extract_dir)
    aggregates = events = None
    if spec.get("aggregates"):
        aggregates = read_aggregates(_resolve(spec["aggregates"], base))
    if spec.get("events"):
        events = programme_starts(_resolve(spec["events"], base))
    if isinstance(spec.get("starts"), str):
        spec["starts"] = programme_starts(_resolve(spec["starts"], base))
    return prepare(spec, extract=extract, aggregates=aggregates, events=events), []


def _apply_filter(frame, filters: Mapping[str, Any]):  # noqa: ANN001, ANN202
    """Keep rows whose columns equal the given value (or one of a list of values)."""
    import polars as pl

    for column, wanted in filters.items():
        if column not in frame.columns:
            raise ModelFitError(
                f"filter: no column {column!r}; the data has {', '.join(frame.columns)}"
            )
        values = wanted if isinstance(wanted, list) else [wanted]
        try:
            frame = frame.filter(pl.col(column).is_in(values))
        except pl.exceptions.PolarsError as exc:
            raise ModelFitError(
                f"filter: cannot compare {column!r} ({frame.schema[column]}) with {values}: {exc}"
            ) from exc
        if frame.height == 0:
            raise ModelFitError(f"filter: no rows left after {column} in {values}")
    return frame


def register(app: typer.Typer) -> None:
    """Add ``extract`` and ``analyse``."""
    app.command("extract")(extract)
    app.command("analyse")(analyse)
