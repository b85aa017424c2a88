"""The query layer: every figure the dashboards, analysis and exports show comes from here,
as a polars frame, with access control (``monitor.policy``) and disclosure control
(``monitor.disclosure``) already applied.

Time travel: every function takes ``as_of``; rows count when they were recorded at or
before that moment and not yet superseded then. ``as_of=None`` means "as known now".
Rates are computed here, at query time, from their numerator and denominator indicators.

Modules: ``common`` (as-of, frames, visible organisations), ``aggregates`` (network-level
figures and series), ``cases`` (case rows in scope, network pupils, rollups), ``extracts``
(events and research extracts).
"""

from monitor.query.aggregates import aggregate_series, stored_aggregates
from monitor.query.cases import (
    case_rollup,
    case_rows_in_scope,
    network_pupil_months,
    network_pupils,
    rollup_frame,
)
from monitor.query.common import SERIES_KEYS, require_visible, visible_organisation_ids
from monitor.query.extracts import case_extract, events, participation_extract
from monitor.query.pooled import pooled_aggregates, pooled_aggregates_of

__all__ = [
    "SERIES_KEYS",
    "aggregate_series",
    "case_extract",
    "case_rollup",
    "case_rows_in_scope",
    "events",
    "network_pupil_months",
    "network_pupils",
    "participation_extract",
    "pooled_aggregates",
    "pooled_aggregates_of",
    "require_visible",
    "rollup_frame",
    "stored_aggregates",
    "visible_organisation_ids",
]
