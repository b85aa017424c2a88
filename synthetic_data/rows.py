"""Turn simulated arrays into case rows in the exact column contract of the case files."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic_data.catalogue import load_codes
from synthetic_data.panel import Panel

CASE_COLUMNS = (
    "bsn",
    "child_ref",
    "indicator",
    "date",
    "end_date",
    "value",
    "category",
    "end_reason",
    "programme",
    "source_kind",
    "birth_month",
    "sex",
    "municipality",
)
CASE_SCHEMA = {
    "bsn": pl.String,
    "child_ref": pl.String,
    "indicator": pl.String,
    "date": pl.String,
    "end_date": pl.String,
    "value": pl.Float64,
    "category": pl.String,
    "end_reason": pl.String,
    "programme": pl.String,
    "source_kind": pl.String,
    "birth_month": pl.String,
    "sex": pl.String,
    "municipality": pl.String,
}
#: Internal columns: reporting organisation (index into ``RowBuilder.reporters``) and a
#: run-wide child number (sort key).
ORG, CHILD = "_org", "_child"


class RowBuilder:
    """Builds case-row frames for one municipality's panel."""

    def __init__(self, panel: Panel, reporters: list[str]):
        self.panel = panel
        self.position = {code: k for k, code in enumerate(reporters)}
        self.bsn = pl.Series(panel.bsn, dtype=pl.String)
        self.birth_month = pl.Series(panel.birth_month, dtype=pl.String)
        self.sex = pl.Series(panel.sex, dtype=pl.String)
        self.source_kind = load_codes().source_kind

    def org(self, code: str) -> int:
        return self.position[code]

    def build(
        self,
        indicator: str,
        child: np.ndarray,
        day: np.ndarray,
        reporter: np.ndarray | int,
        *,
        value: np.ndarray | None = None,
        category: np.ndarray | None = None,
        end_date: np.ndarray | None = None,
        end_reason: np.ndarray | None = None,
        programme: np.ndarray | None = None,
        child_ref: bool = False,
    ) -> pl.DataFrame:
        """Rows for ``child`` (local indexes) observed on ``day`` (datetime64[D])."""
        n = len(child)
        child = child.astype(np.int64)
        reporter_index = np.broadcast_to(np.asarray(reporter, dtype=np.int64), (n,))
        idx = pl.Series(child)
        null = pl.lit(None, dtype=pl.String)

        def text(array: np.ndarray | None) -> pl.Series | pl.Expr:
            if array is None:
                return null
            return pl.Series(array, dtype=pl.String)

        def days(array: np.ndarray | None) -> pl.Series | pl.Expr:
            if array is None:
                return null
            return pl.Series(array.astype("datetime64[D]")).cast(pl.String)

        columns = {
            ORG: pl.Series(reporter_index, dtype=pl.Int32),
            CHILD: pl.Series(self.panel.child_id[child]),
            "bsn": null if child_ref else self.bsn.gather(idx),
            "child_ref": (
                pl.Series([f"KDV-{k:06d}" for k in child.tolist()], dtype=pl.String)
                if child_ref
                else null
            ),
            "indicator": pl.lit(indicator),
            "date": days(day),
            "end_date": days(end_date),
            "value": (
                pl.lit(None, dtype=pl.Float64)
                if value is None
                else pl.Series(value.astype(np.float64))
            ),
            "category": text(category),
            "end_reason": text(end_reason),
            "programme": text(programme),
            "source_kind": pl.lit(self.source_kind[indicator]),
            "birth_month": self.birth_month.gather(idx),
            "sex": self.sex.gather(idx),
            "municipality": pl.lit(self.panel.plan.code),
        }
        frame = pl.DataFrame({ORG: columns[ORG], CHILD: columns[CHILD]}).with_columns(
            **{name: columns[name] for name in CASE_COLUMNS}
        )
        return frame.with_columns(pl.col(name).cast(dtype) for name, dtype in CASE_SCHEMA.items())


def random_day(rng: np.random.Generator, month_start: np.ndarray, days: np.ndarray) -> np.ndarray:
    """A uniformly drawn day in each given month."""
    return month_start + np.floor(rng.random(len(month_start)) * days).astype("timedelta64[D]")
