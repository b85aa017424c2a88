"""From a researcher extract or aggregate series to the analysis-ready frames the models take.

The models in :mod:`analysis` take tidy frames (one row per child and wave, per network and
period, per child and period, per child and interval). This package builds them, one
module a kind of frame (``extracts``, ``growth``, ``counts``, ``panels``, ``survival``;
``common`` holds what they share):

- :func:`read_extract` - the four files of a ``monitor extract`` directory (checksums checked)
- :func:`growth_frame` - child x measurement of a score (for :func:`~analysis.fit_growth`);
  with :func:`programme_schools` (memberships x starts) the years at a programme school
- :func:`period_counts` - network x period counts with the population at risk and the
  programme timing (for :func:`~analysis.fit_rates`, :func:`~analysis.fit_its`,
  :func:`~analysis.fit_did`, :func:`~analysis.fit_event_study`)
- :func:`binary_panel` - child x half-year, event yes/no, with exposure (for
  :func:`~analysis.fit_gee`)
- :func:`start_stop` - counting-process intervals split at participation (for
  :func:`~analysis.fit_cox`)
- :func:`read_aggregates`, :func:`programme_starts` - aggregate rows and programme start
  dates from files (the ingest formats, e.g. the synthetic panel's ``aggregate/*.csv`` and
  ``events.csv``) or from query-layer frames (``monitor.query.aggregate_series``,
  ``monitor.query.events``)

Every function raises :class:`monitor.errors.ModelFitError` naming what is missing (an
indicator that is not in the extract, a column, a period code it cannot read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from analysis.prepare.common import DAYS_PER_YEAR, MEASUREMENT_COLUMNS, PARTICIPATION_SCHEMA
from analysis.prepare.counts import (
    normalise_aggregates,
    period_counts,
    programme_starts,
    read_aggregates,
)
from analysis.prepare.extracts import Extract, indicator_rows, read_extract
from analysis.prepare.growth import growth_frame
from analysis.prepare.panels import binary_panel
from analysis.prepare.programme import programme_schools
from analysis.prepare.survival import start_stop
from monitor.errors import ModelFitError

__all__ = [
    "DAYS_PER_YEAR",
    "MEASUREMENT_COLUMNS",
    "PARTICIPATION_SCHEMA",
    "PREPARERS",
    "Extract",
    "binary_panel",
    "growth_frame",
    "indicator_rows",
    "normalise_aggregates",
    "period_counts",
    "prepare",
    "programme_schools",
    "programme_starts",
    "read_aggregates",
    "read_extract",
    "start_stop",
]

PREPARERS = ("growth", "counts", "binary", "survival")


def prepare(
    spec: Mapping[str, Any],
    *,
    extract: Extract | None = None,
    aggregates: pl.DataFrame | None = None,
    events: pl.DataFrame | Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """Build a frame from a study file's ``data:`` section.

    ``spec["prepare"]`` is one of ``growth`` (:func:`growth_frame`), ``counts``
    (:func:`period_counts`), ``binary`` (:func:`binary_panel`) or ``survival``
    (:func:`start_stop`); the other keys are that function's keyword arguments. ``growth``,
    ``binary`` and ``survival`` need the ``extract``; ``counts`` needs ``aggregates`` and,
    for ``starts``, ``events`` (or ``starts:`` in the spec).
    """
    spec = dict(spec)
    kind = str(spec.pop("prepare", "")).strip().lower()
    for meta in ("extract", "aggregates", "events", "file"):
        spec.pop(meta, None)
    aliases = {"growth_frame": "growth", "period_counts": "counts", "rates": "counts",
               "binary_panel": "binary", "gee": "binary", "start_stop": "survival",
               "cox": "survival"}  # fmt: skip
    kind = aliases.get(kind, kind)
    if kind not in PREPARERS:
        raise ModelFitError(
            f"data: prepare must be one of {', '.join(PREPARERS)}, not {kind or 'empty'!r}"
        )
    function = {
        "growth": growth_frame,
        "counts": period_counts,
        "binary": binary_panel,
        "survival": start_stop,
    }[kind]
    import inspect

    accepted = [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ][1:]
    unknown = sorted(set(spec) - set(accepted))
    if unknown:
        raise ModelFitError(
            f"data: prepare {kind!r} does not take {', '.join(unknown)}; "
            f"accepted: {', '.join(accepted)}"
        )
    if kind == "counts":
        if aggregates is None:
            raise ModelFitError(
                "data: prepare 'counts' needs aggregate rows: give `aggregates:` (a CSV/Parquet "
                "file or folder) in the study file or --data FILE"
            )
        if "starts" not in spec and events is not None:
            spec["starts"] = events
        return period_counts(aggregates, **spec)
    if extract is None:
        raise ModelFitError(
            f"data: prepare {kind!r} needs an extract: give --extract DIR (written by "
            "`monitor extract`) or `extract:` in the study file"
        )
    return function(extract, **spec)
