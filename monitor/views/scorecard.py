"""The scorecard (latest value, change, judgement by direction or alert band), the same
figures "then and now" for a reflection session, and the corrections between moments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import and_, select
from sqlmodel import Session, col

from monitor.disclosure import figure_key, publish_count
from monitor.figures.aggregates import codes_needed
from monitor.organisations import get_organisation
from monitor.periods import parse_period
from monitor.policy import Action, Principal
from monitor.query import (
    stored_aggregates,
    visible_organisation_ids,
)
from monitor.views.figures import (
    aggregate_indicators,
    end_of_day,
    level_of,
    organisation_figures,
)
from schema import (
    AggregateMeasurement,
    Indicator,
    Organisation,
    id_of,
    table_of,
)

#: Decimals the scorecard shows; the change and its arrow are judged on these.
SHOWN_DECIMALS = 1


def _judge(indicator: Indicator, value: float | None, change: float | None) -> str:
    direction = indicator.direction
    if value is None:
        return "unknown"
    if direction == "two_sided":
        if indicator.alert_low is not None and value < indicator.alert_low:
            return "below_band"
        if indicator.alert_high is not None and value > indicator.alert_high:
            return "above_band"
        return "in_band" if indicator.alert_low is not None else "no_band"
    if direction == "descriptive" or change is None:
        return "descriptive" if direction == "descriptive" else "unknown"
    if abs(change) < 1e-9:
        return "same"
    better = change > 0 if direction == "up" else change < 0
    return "better" if better else "worse"


def scorecard(
    session: Session,
    principal: Principal,
    *,
    organisation_code: str,
    period_code: str | None = None,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """Per indicator (and source kind): the latest value up to ``period_code``, the value
    of the period before, the change, and a judgement by the indicator's direction
    (``better``/``worse``/``same``; two-sided: ``in_band``/``above_band``/``below_band``)."""
    organisation = get_organisation(session, organisation_code)
    principal.require(Action.VIEW, organisation.id, f"figures of {organisation_code}")
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "indicator_code": pl.String,
        "name_nl": pl.String,
        "name_en": pl.String,
        "unit": pl.String,
        "value_type": pl.String,
        "direction": pl.String,
        "domain": pl.String,
        "source_kind": pl.String,
        "period_code": pl.String,
        "value": pl.Float64,
        "suppressed": pl.Boolean,
        "previous_period_code": pl.String,
        "previous_value": pl.Float64,
        "previous_suppressed": pl.Boolean,
        "change": pl.Float64,
        "judgement": pl.String,
        "alert_low": pl.Float64,
        "alert_high": pl.Float64,
        "reported_by": pl.String,
        "recorded_at": pl.Datetime("us"),
    }
    period_to = parse_period(period_code).end if period_code else None
    rows = []
    for indicator, mine, figures in _totals(session, organisation, as_of, period_to):
        for (source_kind,), series in figures.sort("period_start").group_by(
            ["source_kind"], maintain_order=True
        ):
            records = series.to_dicts()
            last = records[-1]
            prev = records[-2] if len(records) > 1 else None
            change = None
            if prev and last["value"] is not None and prev["value"] is not None:
                # the change between the values as shown, so the arrow agrees with them
                change = round(last["value"], SHOWN_DECIMALS) - round(prev["value"], SHOWN_DECIMALS)
            rows.append(
                {
                    "indicator_code": indicator.code,
                    "name_nl": indicator.name_nl,
                    "name_en": indicator.name_en,
                    "unit": indicator.unit,
                    "value_type": indicator.value_type,
                    "direction": indicator.direction,
                    "domain": indicator.domain,
                    "source_kind": source_kind,
                    "period_code": last["period_code"],
                    "value": last["value"],
                    "suppressed": last["suppressed"],
                    "previous_period_code": prev["period_code"] if prev else None,
                    "previous_value": prev["value"] if prev else None,
                    "previous_suppressed": bool(prev and prev["suppressed"]),
                    "change": change,
                    "judgement": _judge(indicator, last["value"], change),
                    "alert_low": indicator.alert_low,
                    "alert_high": indicator.alert_high,
                    **_source(mine, last["period_code"], source_kind),
                }
            )
    return pl.DataFrame(rows, schema=schema, orient="row").sort(["domain", "indicator_code"])


def _totals(
    session: Session,
    organisation: Organisation,
    as_of: datetime | None,
    period_to: date | None = None,
) -> list[tuple[Indicator, pl.DataFrame, pl.DataFrame]]:
    """Per indicator of the organisation's level: its stored rows (as known at ``as_of``,
    periods ending by ``period_to``) and its published totals (category "") per period."""
    level = level_of(organisation)
    if level is None:
        return []
    indicators = aggregate_indicators(session, level)
    parts = stored_aggregates(
        session,
        indicator_codes=sorted({c for i in indicators for c in codes_needed(i)}),
        organisation_ids=[id_of(organisation)],
        as_of=as_of,
        period_to=period_to,
    )
    found = []
    for indicator in indicators:
        mine = parts.filter(pl.col("indicator_code").is_in(codes_needed(indicator)))
        figures = organisation_figures(mine, indicator).filter(pl.col("category") == "")
        found.append((indicator, mine, figures))
    return found


def _source(parts: pl.DataFrame, period_code: str, source_kind: str) -> dict:
    """Who sent the stored rows behind a period's figure, and when the latest arrived."""
    rows = parts.filter(
        (pl.col("period_code") == period_code) & (pl.col("source_kind") == source_kind)
    )
    if rows.is_empty():
        return {"reported_by": None, "recorded_at": None}
    return {
        "reported_by": ", ".join(sorted(set(rows["reported_by"].drop_nulls()))),
        "recorded_at": rows["recorded_at"].max(),
    }


def then_and_now(
    session: Session, principal: Principal, *, organisation_code: str, on: date
) -> pl.DataFrame:
    """The latest two periods of each indicator as known at the end of ``on``, next to the
    same periods as known now.

    Columns: indicator_code, name_nl, name_en, unit, value_type, source_kind, period_code,
    value_then, suppressed_then, value_now, suppressed_now, changed."""
    then = scorecard(session, principal, organisation_code=organisation_code, as_of=end_of_day(on))
    label = ["indicator_code", "name_nl", "name_en", "unit", "value_type", "source_kind", "domain"]
    keys = ["indicator_code", "source_kind", "period_code"]
    known = pl.concat(
        [
            then.select(*label, "period_code", pl.col("value").alias("value_then"),
                        pl.col("suppressed").alias("suppressed_then")),
            then.filter(pl.col("previous_period_code").is_not_null()).select(
                *label, pl.col("previous_period_code").alias("period_code"),
                pl.col("previous_value").alias("value_then"),
                pl.col("previous_suppressed").alias("suppressed_then"),
            ),
        ]
    )  # fmt: skip
    # now: every period's published total as known today, read once (one engine call)
    organisation = get_organisation(session, organisation_code)
    now_schema = pl.Schema(
        {**{k: pl.String for k in keys}, "value_now": pl.Float64, "suppressed_now": pl.Boolean}
    )
    now = pl.concat(
        [pl.DataFrame(schema=now_schema)]
        + [
            figures.select(
                pl.lit(indicator.code).alias("indicator_code"),
                pl.col("source_kind"),
                pl.col("period_code"),
                pl.col("value").alias("value_now"),
                pl.col("suppressed").alias("suppressed_now"),
            ).cast(now_schema)
            for indicator, _, figures in _totals(session, organisation, None)
        ]
    ).unique(subset=keys, keep="first")
    differs = (pl.col("value_then") - pl.col("value_now")).abs() > 1e-9
    either_missing = pl.col("value_then").is_null() != pl.col("value_now").is_null()
    return (
        known.join(now, on=keys, how="left")
        .with_columns(
            (
                differs.fill_null(either_missing)
                | (pl.col("suppressed_then") != pl.col("suppressed_now")).fill_null(False)
            ).alias("changed")
        )
        .sort("domain", "indicator_code", "period_code", descending=[False, False, True])
        .drop("domain")
    )


def corrections(
    session: Session,
    principal: Principal,
    *,
    organisation_codes: Sequence[str],
    since: datetime,
    until: datetime | None = None,
) -> pl.DataFrame:
    """Figures corrected after ``since`` (and up to ``until``): what was stored, what
    replaced it, when and by whom (the organisation that sent the new figure). Both values
    are published as the series publishes them (:func:`_publish_corrections`)."""
    org_ids = visible_organisation_ids(session, principal, organisation_codes)
    old, i, o = AggregateMeasurement, Indicator, Organisation
    new = table_of(AggregateMeasurement).alias("replacement")
    corrector = table_of(Organisation).alias("corrector")
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    condition = [col(old.superseded_at) > since, col(old.organisation_id).in_(org_ids)]
    if until is not None:
        condition.append(
            col(old.superseded_at) <= (until if until.tzinfo else until.replace(tzinfo=UTC))
        )
    statement = (
        select(
            col(o.code),
            col(i.code),
            col(i.value_type),
            col(i.counts_children),
            col(old.period_code),
            col(old.period_start),
            col(old.category),
            col(old.source_kind),
            col(old.value),
            new.c.value,
            col(old.recorded_at),
            col(old.superseded_at),
            corrector.c.code,
        )
        .join(i, col(i.id) == col(old.indicator_id))
        .join(o, col(o.id) == col(old.organisation_id))
        .outerjoin(new, new.c.id == col(old.superseded_by_id))
        .outerjoin(corrector, corrector.c.id == new.c.reporting_org_id)
        .where(and_(*condition))
        .order_by(col(old.superseded_at), col(o.code), col(i.code), col(old.period_start))
    )
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "organisation_code": pl.String,
        "indicator_code": pl.String,
        "value_type": pl.String,
        "counts_children": pl.Boolean,
        "period_code": pl.String,
        "period_start": pl.Date,
        "category": pl.String,
        "source_kind": pl.String,
        "old_value": pl.Float64,
        "new_value": pl.Float64,
        "recorded_at": pl.Datetime("us"),
        "corrected_at": pl.Datetime("us"),
        "corrected_by": pl.String,
    }
    rows = [tuple(r) for r in session.execute(statement).all()]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return _publish_corrections(frame).drop("counts_children")


def _publish_corrections(frame: pl.DataFrame) -> pl.DataFrame:
    """Old and new value of each corrected figure as the series publishes them (same cell
    key, same noise; small counts of children withheld) — never the stored value."""
    out = frame
    for side in ("old", "new"):
        keys = pl.Series(
            [
                figure_key(o, i, p, s, c, v)
                for o, i, p, s, c, v in frame.select(
                    "organisation_code", "indicator_code", "period_code", "source_kind",
                    "category", f"{side}_value",
                ).iter_rows()
            ],
            dtype=pl.Float64,
        )  # fmt: skip
        published, withheld = publish_count(frame[f"{side}_value"], keys)
        counts = frame["counts_children"].fill_null(False)
        out = out.with_columns(
            pl.when(counts)
            .then(published)
            .otherwise(frame[f"{side}_value"])
            .alias(f"{side}_value"),
            (counts & withheld).alias(f"{side}_suppressed"),
        )
    return out
