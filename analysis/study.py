"""Run a model from a study configuration (a dict or a YAML file).

A study file names the model and its parameters, for example::

    model: its
    outcome: referrals
    period: period
    event: 2023-01-01
    family: poisson
    population: children
    seasonality: dummies
    season: half

``model`` is one of ``growth, gee, rates, its, did, event_study, staggered``
(Callaway & Sant'Anna), ``sun_abraham, survival, goals``; the
other keys are the keyword arguments of the matching fit function (their names and
defaults are in each function's docstring). Parameters may also be nested under
``parameters:``. Unknown keys are refused with the list of accepted ones, so a typo does
not silently fall back to a default.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from analysis.base import ModelResult
from analysis.did import fit_did
from analysis.event_study import fit_event_study
from analysis.gee import fit_gee
from analysis.goals import fit_goals
from analysis.growth import fit_growth
from analysis.its import fit_its
from analysis.rates import fit_rates
from analysis.staggered import fit_staggered
from analysis.sun_abraham import fit_sun_abraham
from analysis.survival import fit_cox
from monitor.errors import ModelFitError

MODELS: dict[str, Callable[..., ModelResult]] = {
    "growth": fit_growth,
    "gee": fit_gee,
    "rates": fit_rates,
    "its": fit_its,
    "did": fit_did,
    "event_study": fit_event_study,
    "staggered": fit_staggered,
    "sun_abraham": fit_sun_abraham,
    "survival": fit_cox,
    "goals": fit_goals,
}


def load_config(config: Mapping[str, Any] | str | Path) -> dict[str, Any]:
    """Read a study configuration from a mapping or a YAML file path."""
    if isinstance(config, Mapping):
        return dict(config)
    path = Path(config)
    if not path.is_file():
        raise ModelFitError(f"study configuration {str(path)!r} not found")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ModelFitError(f"study configuration {str(path)!r} is not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict):
        raise ModelFitError(f"study configuration {str(path)!r} must be a mapping of keys")
    return loaded


def model_parameters(config: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Split a configuration into the model name and the fit function's keyword arguments."""
    config = dict(config)
    name = config.pop("model", None)
    if name is None:
        raise ModelFitError(f"study configuration has no 'model:' (one of {', '.join(MODELS)})")
    name = str(name).strip().lower()
    if name == "cox":
        name = "survival"
    if name not in MODELS:
        raise ModelFitError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    params = dict(config.pop("parameters", None) or {})
    for meta in ("title", "description", "report", "data", "filter"):
        config.pop(meta, None)
    params.update(config)
    accepted = [
        p.name
        for p in inspect.signature(MODELS[name]).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ModelFitError(
            f"model {name!r} does not take parameter(s) {', '.join(unknown)}; "
            f"accepted: {', '.join(accepted)}"
        )
    for key, value in params.items():
        if isinstance(value, list) and key in {"covariates", "method"}:
            params[key] = tuple(value)
    return name, params


def run_study(config: Mapping[str, Any] | str | Path, data: pl.DataFrame) -> ModelResult:
    """Fit the model a study configuration describes on ``data``.

    Parameters
    ----------
    config : mapping or path to a YAML file
        ``model:`` plus the fit function's keyword arguments.
    data : polars.DataFrame
        The (pseudonymised) extract the model runs on.

    Returns
    -------
    ModelResult
        The result of the chosen fit function.
    """
    name, params = model_parameters(load_config(config))
    return MODELS[name](data, **params)
