"""Rollups the dashboards read instead of the raw rows; they hold figures *as known now*
only: anything asked "as of" an earlier moment reads the raw rows.

- :class:`CasePathway`, of the current case rows: kept by :mod:`monitor.rollups` in the
  writing transaction (ingest, corrections, withdrawals, membership changes) on SQLite and
  PostgreSQL alike, and rebuilt by ``monitor db rebuild-rollups``.
- :class:`AggregateCell`, of the current aggregate rows: PostgreSQL only, kept by triggers
  on aggregate_measurement (:data:`AGGREGATE_CELL_DDL`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import DDL, Index, event
from sqlmodel import Field, SQLModel


class CasePathway(SQLModel, table=True):
    """Each child's care path per subject and half-year, from the current case rows: the
    path :func:`monitor.figures.cases.child_paths` follows (first signal in the half-year,
    first referral on or after it, first care episode on or after that, its ending).

    ``subject_id``: the network whose pupil the child was in the signal's month, or the
    municipality the child lives in. One row per subject, half-year and child; the
    dashboards count children per link from here and apply disclosure control on top."""

    __tablename__ = "case_pathway"
    __table_args__ = (Index("ix_case_pathway_child", "child_id"),)

    subject_id: int = Field(primary_key=True)
    period_code: str = Field(primary_key=True, max_length=10)
    child_id: int = Field(primary_key=True)
    referrer: str = Field(max_length=60)
    care_type: str | None = Field(default=None, max_length=60)
    ending: str | None = Field(default=None, max_length=60)


class AggregateCell(SQLModel, table=True):
    """PostgreSQL rollup: the figure that counts now for every aggregate series, kept by
    triggers on aggregate_measurement (:data:`AGGREGATE_CELL_DDL`), for the dashboards.

    One row per organisation, indicator code, period, source kind and category: the
    latest recorded current row (``derived`` false), and per organisation and period
    where categories but no total were sent, a derived total (``derived`` true; category
    "") with the sum of the parts' values, the sum and the mean of their figures. A
    figure is the value, or for a proportion sent as numerator and denominator only,
    numerator / denominator x 100. Figures "as of" an earlier moment are never read from
    here. SQLite reads aggregate_measurement directly and has no such table."""

    __tablename__ = "aggregate_cell"
    __table_args__ = (
        # one indicator's totals (or categories) of many organisations: comparison groups
        Index("ix_aggregate_cell_code_category", "indicator_code", "category", "organisation_id"),
        {"info": {"only_on": "postgresql"}},
    )

    indicator_code: str = Field(primary_key=True, max_length=40)
    organisation_id: int = Field(primary_key=True)
    period_code: str = Field(primary_key=True, max_length=10)
    source_kind: str = Field(primary_key=True, max_length=20)
    category: str = Field(primary_key=True, max_length=60)
    period_start: date
    period_end: date
    derived: bool = False
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    figure: float | None = None
    parts_value_sum: float | None = None
    parts_figure_sum: float | None = None
    parts_figure_mean: float | None = None


#: Advisory lock serialising rollup refreshes until commit: a second writer recomputes its
#: cells only once the first one's rows are visible (no lost update, no key conflict).
AGGREGATE_CELL_LOCK = 20261129
_CELL_COLUMNS = (
    "indicator_code, organisation_id, period_code, source_kind, category, period_start, "
    "period_end, derived, value, numerator, denominator, figure, parts_value_sum, "
    "parts_figure_sum, parts_figure_mean"
)
#: PostgreSQL DDL keeping aggregate_cell in step with aggregate_measurement (also run by
#: migration 0004): every statement that writes aggregate rows recomputes the cells of
#: the organisations and indicator codes it touched, inside the same transaction.
AGGREGATE_CELL_DDL = [
    f"""CREATE FUNCTION aggregate_cell_refresh(orgs integer[], codes text[]) RETURNS void
LANGUAGE sql AS $$
SELECT pg_advisory_xact_lock({AGGREGATE_CELL_LOCK});
DELETE FROM aggregate_cell WHERE organisation_id = ANY(orgs) AND indicator_code = ANY(codes);
INSERT INTO aggregate_cell ({_CELL_COLUMNS})
WITH ranked AS (
  SELECT i.code, a.organisation_id, a.period_code, a.source_kind, a.category, a.period_start,
         a.period_end, a.value, a.numerator, a.denominator,
         CASE WHEN a.value IS NULL AND a.denominator > 0
              THEN CAST(a.numerator AS double precision) / a.denominator * 100
              ELSE a.value END AS figure,
         row_number() OVER (
           PARTITION BY a.organisation_id, i.code, a.period_code, a.category, a.source_kind
           ORDER BY a.recorded_at DESC, a.id DESC) AS rank
  FROM aggregate_measurement a JOIN indicator i ON i.id = a.indicator_id
  WHERE a.superseded_at IS NULL AND a.organisation_id = ANY(orgs) AND i.code = ANY(codes)
), latest AS (SELECT * FROM ranked WHERE rank = 1)
SELECT code, organisation_id, period_code, source_kind, category, period_start, period_end,
       false, value, numerator, denominator, figure, NULL, NULL, NULL
FROM latest
UNION ALL
SELECT code, organisation_id, period_code, source_kind, '', period_start,
       period_end, true, NULL, NULL, NULL, NULL,
       sum(value), sum(figure), avg(figure)
FROM latest
GROUP BY code, organisation_id, period_code, period_start, period_end, source_kind
HAVING count(*) FILTER (WHERE category <> '') > 0 AND count(*) FILTER (WHERE category = '') = 0
$$""",
    """CREATE FUNCTION aggregate_cell_after_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM aggregate_cell_refresh(
      ARRAY(SELECT DISTINCT organisation_id FROM old_rows),
      ARRAY(SELECT DISTINCT i.code FROM old_rows o JOIN indicator i ON i.id = o.indicator_id));
  ELSE
    PERFORM aggregate_cell_refresh(
      ARRAY(SELECT DISTINCT organisation_id FROM new_rows),
      ARRAY(SELECT DISTINCT i.code FROM new_rows n JOIN indicator i ON i.id = n.indicator_id));
  END IF;
  IF TG_OP = 'UPDATE' THEN  -- a row moved to another organisation or indicator
    PERFORM aggregate_cell_refresh(
      ARRAY(SELECT DISTINCT organisation_id FROM old_rows),
      ARRAY(SELECT DISTINCT i.code FROM old_rows o JOIN indicator i ON i.id = o.indicator_id));
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER aggregate_cell_on_insert AFTER INSERT ON aggregate_measurement "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION aggregate_cell_after_write()",
    "CREATE TRIGGER aggregate_cell_on_update AFTER UPDATE ON aggregate_measurement "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION aggregate_cell_after_write()",
    "CREATE TRIGGER aggregate_cell_on_delete AFTER DELETE ON aggregate_measurement "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION aggregate_cell_after_write()",
]
for _statement in AGGREGATE_CELL_DDL:
    # after every table exists (the functions name aggregate_cell and aggregate_measurement)
    event.listen(
        SQLModel.metadata,
        "after_create",
        DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"),
    )
