"""A study from its file to its result: the model named, the frame read or built as the
study's ``data:`` section says, filtered, fitted. ``monitor analyse`` only parses its options
and prints what this returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from analysis.base import ModelResult
from analysis.prepare import prepare, programme_starts, read_aggregates, read_extract
from analysis.read import read_table
from analysis.study import load_config, model_parameters, run_study
from monitor.errors import ModelFitError, MonitorError


@dataclass(frozen=True)
class StudyRun:
    """A fitted study: its model, title, result and the notes to show the user."""

    model: str
    title: str
    result: ModelResult
    notes: tuple[str, ...] = ()


def run_study_file(
    config: Path, *, model: str, extract_dir: Path | None = None, data: Path | None = None
) -> StudyRun:
    """Fit ``model`` as the study file ``config`` describes (``--extract``/``--data`` as given
    on the command line win over the file's own)."""
    study = load_config(config)
    notes: list[str] = []
    wanted = model.strip().lower()
    named = str(study.get("model", "")).strip().lower()
    model_parameters({"model": wanted})  # an unknown model is refused first
    if named and named != wanted and {named, wanted} != {"cox", "survival"}:
        notes.append(f"model {wanted!r} from the command line overrides {named!r}")
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
    frame, read_notes = study_frame(
        spec, base=config.parent, extract_dir=extract_dir, data=data, notes=notes
    )
    frame = apply_filter(frame, filters)
    try:
        result = run_study(study, frame)
    except MonitorError:
        raise
    except Exception as exc:  # statsmodels numerical failures: a message, not a traceback
        raise ModelFitError(
            f"{name}: the model could not be fitted ({type(exc).__name__}: {exc})"
        ) from exc
    if read_notes:
        result = replace(result, notes=(*result.notes, *read_notes))
    title = str(study.get("title") or f"Common Monitor - {name} model")
    return StudyRun(name, title, result, tuple(notes))


def _resolve(path: Any, base: Path) -> Path:
    candidate = Path(str(path)).expanduser()
    return candidate if candidate.is_absolute() else base / candidate


def study_frame(
    spec: dict[str, Any],
    *,
    base: Path,
    extract_dir: Path | None,
    data: Path | None,
    notes: list[str] | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """The analysis-ready frame and notes on reading it for the report: ``data`` as it is
    (R, Stata or SPSS CSV exports too, see :mod:`analysis.read`), else built as ``data:
    prepare`` says. Notes for the user (not the report) are appended to ``notes``."""
    kind = spec.get("prepare")
    if data is None and spec.get("file") and not kind:
        data = _resolve(spec["file"], base)
    if data is not None:
        if kind and notes is not None:
            notes.append(f"--data is used as it is; `data: prepare: {kind}` is skipped")
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


def apply_filter(frame: pl.DataFrame, filters: Mapping[str, Any]) -> pl.DataFrame:
    """Keep rows whose columns equal the given value (or one of a list of values)."""
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
