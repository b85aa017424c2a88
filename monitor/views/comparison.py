"""Comparison groups: other networks, the municipality, municipalities of similar size
(by ``population_0_17``) and all. Pooled figures; a group of fewer than
:data:`MIN_GROUP_SIZE` organisations is shown only to a principal who may view each one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from monitor.catalogue import get_indicator, newest_indicators
from monitor.figures.aggregates import codes_needed
from monitor.figures.groups import Group, differencing_withheld
from monitor.organisations import get_organisation
from monitor.policy import Action, Principal
from monitor.query import pooled_aggregates_of, stored_aggregates
from monitor.views.figures import (
    figures_of,
    group_figures,
    pooled_group_figures,
)
from schema import (
    Indicator,
    Organisation,
    OrgKind,
    id_of,
    table_of,
)

MIN_GROUP_SIZE = 3
#: Network indicators and their municipal counterpart (same definition, other population).
MUNICIPAL_EQUIVALENT = {
    "NW_REF_RATE": "MU_REF_RATE",
    "NW_CARE_RATE": "MU_CARE_RATE",
    "NW_REF": "MU_REF",
    "NW_CARE": "MU_CARE",
    "NW_CHILDREN": "MU_YOUTH",
}
#: Municipalities count as "similar in size" within this factor of population_0_17.
SIMILAR_SIZE_FACTOR = 2.0
GROUPS = ("own", "other_networks", "municipality", "similar_size", "all")
_NETWORK_KINDS = frozenset(k.value for k in OrgKind if k.is_network)


def _organisation_rows(session: Session) -> list:
    """The columns of every organisation the groups are built from (one light query)."""
    o = table_of(Organisation).c  # the table's columns: plain rows, no ORM loading
    statement = select(o.id, o.code, o.kind, o.municipality_id, o.population_0_17)
    return list(session.execute(statement).all())


def _group_members(
    session: Session,
    organisation: Organisation,
    group: str,
    indicator: Indicator,
    orgs: Sequence | None = None,
) -> tuple[list[int], str | None, str]:
    """Organisation ids, indicator code and a note for one comparison group.

    ``orgs``: the rows of :func:`_organisation_rows`, when the caller already has them."""
    kind = OrgKind(organisation.kind)
    if orgs is None:
        orgs = _organisation_rows(session)
    municipality = organisation if kind is OrgKind.MUNICIPALITY else None
    if municipality is None and organisation.municipality_id:
        municipality = next((o for o in orgs if o.id == organisation.municipality_id), None)
    municipal_code = (
        indicator.code if kind is OrgKind.MUNICIPALITY else MUNICIPAL_EQUIVALENT.get(indicator.code)
    )
    if group == "other_networks":
        if not kind.is_network:
            return [], None, "only for networks"
        ids = [o.id for o in orgs if o.kind in _NETWORK_KINDS and o.id != organisation.id]
        return ids, indicator.code, ""
    if group == "municipality":
        if kind is OrgKind.MUNICIPALITY or municipality is None:
            return [], None, "no municipality to compare with"
        if municipal_code is None:
            return [], None, f"{indicator.code} has no municipal counterpart"
        return [id_of(municipality)], municipal_code, ""
    if group == "similar_size":
        if municipality is None or not municipality.population_0_17:
            return [], None, "population 0-17 of the municipality is unknown"
        if municipal_code is None:
            return [], None, f"{indicator.code} has no municipal counterpart"
        size, municipal_kind = municipality.population_0_17, OrgKind.MUNICIPALITY.value
        ids = [
            o.id
            for o in orgs
            if o.kind == municipal_kind
            and o.id != municipality.id
            and o.population_0_17
            and size / SIMILAR_SIZE_FACTOR <= o.population_0_17 <= size * SIMILAR_SIZE_FACTOR
        ]
        return ids, municipal_code, ""
    if group == "all":
        if kind is OrgKind.MUNICIPALITY:
            return [o.id for o in orgs if o.kind == kind.value], indicator.code, ""
        network = kind.is_network
        same = [o.id for o in orgs if (o.kind in _NETWORK_KINDS) == network]
        return same, indicator.code, ""
    raise ValueError(f"unknown comparison group {group!r}; use one of {GROUPS}")


def comparison_series(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    indicator_code: str,
    groups: Sequence[str] = GROUPS,
    category: str = "",
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """The organisation's series next to comparison groups (pooled, disclosure applied).

    Columns: group, indicator_code, period_code, period_start, period_end, source_kind,
    value, n_organisations, suppressed, withheld (why a group value is not shown)."""
    orgs = _organisation_rows(session)
    organisation = next((o for o in orgs if o.code == organisation_code), None)
    if organisation is None:
        organisation = get_organisation(session, organisation_code)  # says it does not exist
    wanted = [c for c in (indicator_code, MUNICIPAL_EQUIVALENT.get(indicator_code)) if c]
    indicators = newest_indicators(session, wanted)  # the group's indicator too: one query
    indicator = indicators.get(indicator_code) or get_indicator(session, indicator_code)
    frames = []
    if "own" in groups:
        figures = figures_of(
            session,
            principal,
            indicator=indicator,
            organisations=[organisation],
            as_of=as_of,
            category=category,
        )
        frames.append(
            figures.with_columns(
                pl.lit("own").alias("group"),
                pl.lit(indicator.code).alias("indicator_code"),
                pl.lit(None, pl.String).alias("withheld"),
            )
        )
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    if not any(g != "own" for g in groups):
        return _combined(frames)  # the own series alone: no group to pool or compare
    # every group, whatever was asked: what one request withholds, another must too
    candidates = {
        g: _group_members(session, organisation, g, indicator, orgs) for g in GROUPS if g != "own"
    }
    members = {g: (ids, code) for g, (ids, code, _) in candidates.items() if ids and code}
    members["own"] = ([id_of(organisation)], indicator.code)  # for the differences only
    pooled = _groups_in_database(
        session, members, category=category, as_of=as_of, orgs=orgs, known=indicators.values()
    )
    shown = {}
    for group, (ids, code) in members.items():
        all_visible = all(principal.allows(Action.VIEW, i) for i in ids)
        too_few = (pl.col("n_organisations") < MIN_GROUP_SIZE) & pl.lit(not all_visible)
        shown[group] = pooled[group].with_columns(
            pl.lit(group).alias("group"),
            pl.lit(code).alias("indicator_code"),
            pl.when(too_few).then(None).otherwise(pl.col("value")).alias("value"),
            pl.when(too_few)
            .then(pl.lit(f"fewer than {MIN_GROUP_SIZE} organisations"))
            .when(pl.col("suppressed"))
            .then(pl.lit("small numbers"))
            .otherwise(None)
            .alias("withheld"),
        )
    shown = _without_differences(shown, members, principal)
    frames += [shown[g] for g in groups if g != "own" and g in shown]
    return _combined(frames)


def _combined(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The series' frames as one, in the columns of :func:`comparison_series`."""
    columns = [
        "group",
        "indicator_code",
        "period_code",
        "period_start",
        "period_end",
        "source_kind",
        "value",
        "n_organisations",
        "suppressed",
        "withheld",
    ]
    if not frames:
        return pl.DataFrame(
            schema={
                "group": pl.String,
                "indicator_code": pl.String,
                "period_code": pl.String,
                "period_start": pl.Date,
                "period_end": pl.Date,
                "source_kind": pl.String,
                "value": pl.Float64,
                "n_organisations": pl.UInt32,
                "suppressed": pl.Boolean,
                "withheld": pl.String,
            }
        )
    return pl.concat([f.select(columns) for f in frames], how="vertical_relaxed").sort(
        ["group", "period_start"]
    )


def _without_differences(
    shown: dict[str, pl.DataFrame],
    members: dict[str, tuple[list[int], str]],
    principal: Principal,
) -> dict[str, pl.DataFrame]:
    """``shown`` with the group values withheld that another group would give away by
    subtraction (:func:`monitor.figures.groups.differencing_withheld`)."""
    cell = pl.concat_str("period_code", "source_kind", separator="|")
    groups = {
        name: Group(
            frozenset(members[name][0]),
            members[name][1],
            dict(
                frame.filter(pl.col("value").is_not_null()).select(cell, "n_organisations").rows()
            ),
        )
        for name, frame in shown.items()
    }
    visible = frozenset(
        i for ids, _ in members.values() for i in ids if principal.allows(Action.VIEW, i)
    )
    withheld = differencing_withheld(groups, visible, least=MIN_GROUP_SIZE)
    out = {}
    for name, frame in shown.items():
        cells = [c for g, c in withheld if g == name]
        hit = cell.is_in(cells) if cells else pl.lit(False)
        out[name] = frame.with_columns(
            pl.when(hit).then(None).otherwise(pl.col("value")).alias("value"),
            pl.when(hit)
            .then(
                pl.lit(f"differs from another group by fewer than {MIN_GROUP_SIZE} organisations")
            )
            .otherwise(pl.col("withheld"))
            .alias("withheld"),
        )
    return out


def _groups_in_database(
    session: Session,
    members: dict[str, tuple[list[int], str]],
    *,
    category: str,
    as_of: datetime | None,
    orgs: Sequence | None = None,
    known: Iterable[Indicator] = (),
) -> dict[str, pl.DataFrame]:
    """Pooled figures (disclosure applied, category chosen) per group, summed by the
    database: one statement for every indicator and group, one row per group and period.

    ``orgs``: the rows of :func:`_organisation_rows`; ``known``: indicators already read
    (when the caller has them: fewer round trips)."""
    codes = {o.id: o.code for o in (orgs if orgs is not None else _organisation_rows(session))}
    indicators = {i.code: i for i in known}
    requests = []
    for code in dict.fromkeys(code for _, code in members.values()):
        if code not in indicators:
            indicators[code] = get_indicator(session, code)
        groups = {g: ids for g, (ids, c) in members.items() if c == code}
        requests.append((indicators[code], groups))
    sums = pooled_aggregates_of(session, requests, as_of=as_of, category=category)
    by_group = sums.partition_by("group", as_dict=True, maintain_order=True)
    out = {}
    for group_indicator, groups in requests:
        member_codes = {g: [codes[i] for i in ids] for g, ids in groups.items()}
        parts = [by_group[(g,)] for g in groups if (g,) in by_group]
        mine = pl.concat(parts) if parts else sums.clear()
        figures = pooled_group_figures(mine, group_indicator, member_codes).filter(
            pl.col("category") == category
        )
        published = figures.partition_by("group", as_dict=True, maintain_order=True)
        empty = figures.clear().drop("group")
        for group in groups:
            out[group] = published[(group,)].drop("group") if (group,) in published else empty
    return out


def _groups_in_memory(
    session: Session,
    members: dict[str, tuple[list[int], str]],
    *,
    category: str,
    as_of: datetime | None,
    orgs: Sequence | None = None,
    known: Iterable[Indicator] = (),
) -> dict[str, pl.DataFrame]:
    """The same as :func:`_groups_in_database` from every member's stored rows, pooled by
    polars (:func:`~monitor.views.group_figures`): the reference the tests and the
    benchmark hold the database's sums against (``orgs``, ``known`` as there, unused)."""
    del orgs, known
    codes = {o.id: o.code for o in _organisation_rows(session)}
    out = {}
    for code in {code for _, code in members.values()}:
        group_indicator = get_indicator(session, code)
        groups = {g: [codes[i] for i in ids] for g, (ids, c) in members.items() if c == code}
        stored = stored_aggregates(
            session,
            indicator_codes=codes_needed(group_indicator),
            organisation_ids=sorted({i for ids, c in members.values() if c == code for i in ids}),
            as_of=as_of,
        )
        figures = group_figures(stored, group_indicator, groups)
        for group in groups:
            out[group] = figures.filter(
                (pl.col("group") == group) & (pl.col("category") == category)
            ).drop("group")
    return out
