"""Run the whole generation: world, then region by region and municipality by municipality
(bounded memory), streaming case rows to Parquet and series to CSV, then ``truth.json``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl

from synthetic_data import aggregates
from synthetic_data.aggregates import municipality_counts, network_counts
from synthetic_data.calendar import month_date
from synthetic_data.collaboration import network_self_reports
from synthetic_data.config import (
    FIRST_OUTPUT_MONTH,
    N_MONTHS,
    PROGRAMME_STARTS,
    WINDOW_END,
    WINDOW_START,
    Effects,
    Rates,
    size_spec,
)
from synthetic_data.errors import AGGREGATE_KINDS, CASE_KINDS, ErrorInjector
from synthetic_data.events import simulate_events
from synthetic_data.history import write_deliveries
from synthetic_data.panel import simulate_panel
from synthetic_data.population import World, build_world
from synthetic_data.trajectories import EffectTally, case_rows, reporters
from synthetic_data.truth import realised_referrals
from synthetic_data.writer import Writer, rows_by_reporter

Progress = Callable[[int, int, str], None]
GENERATOR_VERSION = "1"


@dataclass(frozen=True)
class GenerationSummary:
    """What a run produced."""

    size: str
    seed: int
    out_dir: str
    with_errors: bool
    children: int
    municipalities: int
    networks: int
    treated_networks: int
    organisations: int
    case_files: int
    case_rows: int
    aggregate_files: int
    aggregate_rows: int
    error_rows: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def generate(
    size: str,
    seed: int,
    out_dir: str | Path,
    with_errors: bool = False,
    progress: Progress | None = None,
    *,
    n_municipalities: int | None = None,
    deliveries: bool = True,
) -> GenerationSummary:
    """Generate the ``size`` data set (demo, municipality, national) for ``seed`` in ``out_dir``.

    ``progress(done, total, message)`` is called after each municipality. ``n_municipalities``
    keeps only the first municipalities of the size (benchmarks). ``deliveries=False`` leaves
    out the dated deliveries (``deliveries/``, ``truth.json`` ``history``), which are cut from
    the finished files and change nothing else (benchmarks that read only those files)."""
    started = time.perf_counter()
    spec = size_spec(size, n_municipalities)
    rates, effects = Rates(), Effects()
    world = build_world(spec, seed, rates)
    out = Path(out_dir)
    injector = ErrorInjector(seed, rates.error_share_case, rates.error_share_aggregate, with_errors)
    writer = Writer(out, injector)
    series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    population: dict[str, int] = {}
    children = 0
    tally = EffectTally()
    total, done = len(world.municipalities), 0
    for region in world.regions:
        regional: dict[str, list[pl.DataFrame]] = {}
        for plan in region.municipalities:
            panel = simulate_panel(plan, region, seed, rates)
            events = simulate_events(panel, seed, rates, effects)
            rows = case_rows(panel, events, seed, effects, tally)
            local = set(panel.school_codes[:-1]) | set(plan.childcare) | {plan.wijkteam}
            for org, index in sorted(rows_by_reporter(rows, reporters(panel)).items()):
                if org in local:
                    writer.case(org, rows[index])
                else:
                    regional.setdefault(org, []).append(rows[index])
            del rows
            counts, network_series = network_counts(panel, events)
            writer.aggregate(plan.code, municipality_counts(panel, events, rates))
            reports = counts + network_self_reports(panel, network_series, seed)
            for network in plan.networks:
                own = [r for r in reports if r["organisation"] == network.code]
                writer.aggregate(network.code, own)
            for k, code in enumerate(panel.network_codes):
                series[code] = (network_series.referrals[k], network_series.child_months[k])
                population[code] = int(network_series.child_months[k, 0])
            population[plan.code] = int(panel.in_panel()[:, FIRST_OUTPUT_MONTH].sum())
            present = int(panel.in_window().sum())
            children += present
            done += 1
            if progress is not None:
                progress(done, total, f"{plan.code} {plan.name}: {present:,} children")
        for org, parts in sorted(regional.items()):
            writer.case(org, pl.concat(parts))
    for org in world.organisations:
        org["population_0_17"] = population.get(str(org["code"]))
    _write_tables(writer, world)
    truth = _truth(world, seed, size, rates, effects, series, injector, writer, children, tally)
    # dated deliveries for the demo and municipality panels; the national one is for load
    # tests and a panel with injected errors for ingest to catch: both loaded at once
    if size != "national" and not with_errors and deliveries:
        municipality_of = {n.code: n.municipality for n in world.networks}
        truth["history"] = write_deliveries(out, seed, municipality_of)
    writer.truth(truth)
    summary = GenerationSummary(
        size=size,
        seed=seed,
        out_dir=str(out),
        with_errors=with_errors,
        children=children,
        municipalities=len(world.municipalities),
        networks=len(world.networks),
        treated_networks=sum(n.start_month is not None for n in world.networks),
        organisations=len(world.organisations),
        case_files=len(writer.case_rows),
        case_rows=sum(writer.case_rows.values()),
        aggregate_files=len(writer.aggregate_rows),
        aggregate_rows=sum(writer.aggregate_rows.values()),
        error_rows=len(injector.records),
        seconds=round(time.perf_counter() - started, 3),
    )
    return summary


def _write_tables(writer: Writer, world: World) -> None:
    writer.table(
        "organisations.csv",
        world.organisations,
        ("code", "name", "kind", "municipality", "brin", "subtype", "population_0_17"),
    )
    memberships = [
        {"network": m.network, "member": m.member, "from": month_date(m.first_month),
         "to": "" if m.end_month is None else month_date(m.end_month)}
        for m in world.memberships
    ]  # fmt: skip
    writer.table("memberships.csv", memberships, ("network", "member", "from", "to"))
    writer.table(
        "events.csv", world.events, ("organisation", "date", "kind", "title", "description")
    )
    writer.table(
        "obligations.csv",
        world.obligations,
        ("organisation", "indicator", "about", "from", "due_days"),
    )


def _truth(world, seed, size, rates, effects, series, injector, writer, children, tally) -> dict:
    starts = {n.code: n.start_month for n in world.networks if n.start_month is not None}
    comparison = [n.code for n in world.networks if n.start_month is None]
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size": size,
        "window": {"start": WINDOW_START, "end": WINDOW_END},
        "parameters": {
            "target_children": world.spec.target_children,
            "population_scale": world.spec.scale,
            "regions": world.spec.n_regions,
            "rates": rates.as_dict(),
            "candidate_programme_starts": list(PROGRAMME_STARTS),
            "error_kinds": {"case": list(CASE_KINDS), "aggregate": list(AGGREGATE_KINDS)},
        },
        "effects": effects.as_dict(),
        "children": children,
        "municipalities": [
            {
                "code": m.code,
                "name": m.name,
                "region": m.region + 1,
                "networks": [n.code for n in m.networks],
            }
            for m in world.municipalities
        ],  # fmt: skip
        "networks": {
            n.code: {
                "municipality": n.municipality,
                "subtype": n.subtype,
                "programme_start": n.start_date,
                "members": sorted({m.member for m in n.memberships}),
            }
            for n in world.networks
        },
        "programme_starts": {code: month_date(t) for code, t in sorted(starts.items())},
        "comparison_networks": sorted(comparison),
        "aggregate_definitions": aggregates.__doc__.strip(),
        "realised": {
            "referral_rate": realised_referrals(starts, comparison, series, N_MONTHS),
            **tally.as_dict(),
        },
        "files": {
            "case": dict(sorted(writer.case_rows.items())),
            "aggregate": dict(sorted(writer.aggregate_rows.items())),
        },
        "errors": sorted(injector.records, key=lambda e: (e["file"], e["row"])),
    }
