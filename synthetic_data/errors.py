"""The ``--with-errors`` mess: realistic bad rows added to case and aggregate files.

Every error is an *extra* row placed somewhere after the real row it copies (a corrupted
copy, or an exact duplicate), so that rejecting exactly the listed rows gives back the clean
files of the same seed. Each is recorded with its file, its spreadsheet row number (header = 1,
first data row = 2; the same numbering for Parquet), the column at fault and the kind.
The errors use their own random stream, so the clean rows are identical with and without.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic_data.catalogue import load_codes

CASE_KINDS = (
    "bad_bsn",
    "out_of_range",
    "unknown_indicator",
    "duplicate_row",
    "unknown_category",
    "bad_date",
)
AGGREGATE_KINDS = (
    "out_of_range",
    "unknown_indicator",
    "duplicate_row",
    "unknown_category",
    "bad_period",
)
_OUT_OF_RANGE = {"CH_ABS": 140.0, "CH_SEM": 130.0, "CH_COG": 250.0, "CH_WAIT": 900.0,
                 "CH_PART": 250.0}  # fmt: skip
_MISSPELT = {"CH_ABS": "CH_VERZUIM", "CH_SIGNAL": "CH_SIGNAAL", "CH_REF": "CH_VERWIJZING",
             "NW_REF": "NW_VERWIJZINGEN", "MU_YOUTH": "MU_JEUGDIGEN"}  # fmt: skip
_BAD_CATEGORY = {
    "CH_REF": "politie", "CH_CARE": "kamertraining", "CH_PROT": "jeugdreclassering",
    "NW_REF": "politie", "MU_REF": "leerplicht", "NW_CARE": "kamertraining",
    "MU_CARE": "kamertraining", "NW_COND": "budget", "NW_FORM": "netwerken",
}  # fmt: skip
_AGG_SCALE = {"PR_CSAT": "7.5", "NW_COND": "6.5", "NW_DENS": "1.40"}
ORDER, ERROR = "_order", "_error"


class ErrorInjector:
    """Adds bad rows (at least one per file) to frames being written; remembers where."""

    def __init__(self, seed: int, share_case: float, share_aggregate: float, enabled: bool):
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 9]))
        self.enabled = enabled
        self.share = {"case": share_case, "aggregate": share_aggregate}
        self.records: list[dict[str, object]] = []
        self._used: dict[tuple[str, str], int] = {}

    def inject(self, file: str, frame: pl.DataFrame, shape: str) -> pl.DataFrame:
        """``frame`` with error rows inserted (unchanged when errors are off)."""
        if not self.enabled or frame.height == 0:
            return frame
        count = max(1, int(self.rng.binomial(frame.height, self.share[shape])))
        kinds = CASE_KINDS if shape == "case" else AGGREGATE_KINDS
        applicable = {kind: self._applicable(frame, kind) for kind in kinds}
        extra, details = [], []
        taken: set[float] = set()
        for j in range(count):
            usable = [k for k in kinds if len(applicable[k])]
            if not usable:
                break
            # the kind used least so far (ties: list order), so every kind shows up
            kind = min(usable, key=lambda k: (self._used.get((shape, k), 0), kinds.index(k)))
            self._used[(shape, kind)] = self._used.get((shape, kind), 0) + 1
            rows = applicable[kind]
            source = int(rows[self.rng.integers(len(rows))])
            # after its original: a copy sharing the original's key (a duplicate, a value out
            # of range) must be the later row, which is the one a duplicate check rejects
            position = float(self.rng.integers(source + 1, frame.height + 1)) - 0.5 + j * 1e-6
            while position in taken:
                position += 1e-7
            taken.add(position)
            row, column, value = self._corrupt(frame.row(source, named=True), kind, shape)
            row[ORDER], row[ERROR] = position, j
            extra.append(row)
            details.append((file, kind, column, value, source))
        base = frame.with_columns(
            pl.int_range(frame.height, dtype=pl.Int64).cast(pl.Float64).alias(ORDER),
            pl.lit(-1, dtype=pl.Int64).alias(ERROR),
        )
        added = pl.DataFrame(extra, schema=base.schema, orient="row")
        merged = pl.concat([base, added]).sort(ORDER)
        error_rows = merged.select(
            pl.int_range(merged.height).alias("i") + 2, pl.col(ERROR), pl.col(ORDER)
        )
        position_of = {
            e: r for e, r in zip(error_rows[ERROR].to_list(), error_rows["i"].to_list(),
                                 strict=True) if e >= 0
        }  # fmt: skip
        original_row = {
            o: r for o, r, e in zip(error_rows[ORDER].to_list(), error_rows["i"].to_list(),
                                    error_rows[ERROR].to_list(), strict=True) if e < 0
        }  # fmt: skip
        for j, (name, kind, column, value, source) in enumerate(details):
            self.records.append(
                {
                    "file": name,
                    "row": position_of[j],
                    "column": column,
                    "kind": kind,
                    "value": value,
                    "copy_of_row": original_row[float(source)],
                }
            )
        return merged.drop(ORDER, ERROR)

    def _applicable(self, frame: pl.DataFrame, kind: str) -> np.ndarray:
        indicator = frame["indicator"]
        if kind == "bad_bsn":
            mask = frame["bsn"].is_not_null()
        elif kind == "out_of_range":
            if "bsn" in frame.columns:
                mask = indicator.is_in(list(_OUT_OF_RANGE))
            else:
                mask = frame["value"].is_not_null() & (indicator != "NW_GOAL")
        elif kind == "unknown_category":
            mask = indicator.is_in(list(_BAD_CATEGORY))
        else:
            mask = pl.Series([True] * frame.height)
        return np.nonzero(mask.fill_null(False).to_numpy())[0]

    def _corrupt(self, row: dict, kind: str, shape: str) -> tuple[dict, str | None, str | None]:
        indicator = row["indicator"]
        if kind == "duplicate_row":
            return row, None, None
        if kind == "bad_bsn":
            last = int(row["bsn"][-1])
            row["bsn"] = row["bsn"][:-1] + str((last + 1 + int(self.rng.integers(9))) % 10)
            return row, "bsn", row["bsn"]
        if kind == "out_of_range":
            if shape == "case":
                row["value"] = _OUT_OF_RANGE[indicator]
                return row, "value", f"{row['value']:g}"
            row["value"] = _AGG_SCALE.get(indicator, "-5")
            return row, "value", row["value"]
        if kind == "unknown_indicator":
            code = _MISSPELT.get(indicator, indicator + "_OUD")
            assert code not in load_codes().source_kind
            row["indicator"] = code
            return row, "indicator", code
        if kind == "unknown_category":
            row["category"] = _BAD_CATEGORY[indicator]
            return row, "category", row["category"]
        if kind == "bad_date":
            year, month, day = row["date"].split("-")
            row["date"] = f"{year}-02-30" if self.rng.random() < 0.5 else f"{day}-{month}-{year}"
            return row, "date", row["date"]
        period = row["period"]
        row["period"] = f"{period[:4]}-H3" if "-H" in period else f"{period}-13"
        return row, "period", row["period"]
