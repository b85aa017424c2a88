"""Reading a researcher extract directory (checksums checked) and picking indicator rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from analysis.prepare.common import (
    DAYS_PER_YEAR,
    PARTICIPATION_SCHEMA,
)
from monitor.errors import ModelFitError, MonitorError

# --------------------------------------------------------------------------- extracts


@dataclass(frozen=True)
class Extract:
    """The contents of a researcher extract directory (see :mod:`monitor.extract`)."""

    path: Path
    measurements: pl.DataFrame
    participation: pl.DataFrame
    codebook: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def indicators(self) -> list[str]:
        """Indicator codes present in ``measurements``."""
        return sorted(self.measurements["indicator_code"].unique().to_list())


def read_extract(path: str | Path, *, verify: bool = True) -> Extract:
    """Read an extract directory written by ``monitor extract``.

    Parameters
    ----------
    path : str or Path
        The directory with ``measurements.parquet`` (required), ``participation.parquet``,
        ``codebook.json`` and ``manifest.json``.
    verify : bool
        Recompute the SHA-256 checksums of the manifest and refuse files that changed since
        the extract was written (so a study always runs on the data it names).

    Raises
    ------
    MonitorError
        The directory or ``measurements.parquet`` is missing, or a checksum does not match.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise MonitorError(f"extract directory {str(folder)!r} not found")
    measurements_path = folder / "measurements.parquet"
    if not measurements_path.is_file():
        raise MonitorError(
            f"{str(folder)!r} is not an extract: measurements.parquet is missing "
            "(write one with `monitor extract`)"
        )
    manifest: dict[str, Any] = {}
    if (folder / "manifest.json").is_file():
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if verify and manifest.get("files"):
            from monitor.extract import verify_extract

            changed = verify_extract(folder)
            if changed:
                raise MonitorError(
                    f"extract {str(folder)!r} changed since it was written: "
                    f"{', '.join(changed)} no longer match the checksums in manifest.json"
                )
    codebook: dict[str, Any] = {}
    if (folder / "codebook.json").is_file():
        codebook = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    measurements = pl.read_parquet(measurements_path)
    participation_path = folder / "participation.parquet"
    participation = (
        pl.read_parquet(participation_path)
        if participation_path.is_file()
        else pl.DataFrame(schema=PARTICIPATION_SCHEMA)
    )
    return Extract(folder, measurements, participation, codebook, manifest)


def _measurements(data: pl.DataFrame | Extract) -> pl.DataFrame:
    frame = data.measurements if isinstance(data, Extract) else data
    if not isinstance(frame, pl.DataFrame):
        raise ModelFitError(f"expected extract measurements as a polars DataFrame, got {frame!r}")
    return frame


def _participation(
    participation: pl.DataFrame | None, data: pl.DataFrame | Extract
) -> pl.DataFrame | None:
    if participation is None and isinstance(data, Extract):
        participation = data.participation
    if participation is None:
        return None
    missing = [c for c in ("child_pseudonym", "valid_from", "valid_to") if c not in participation]
    if missing:
        raise ModelFitError(
            f"participation: missing column(s) {', '.join(missing)}; expected the columns of "
            "participation.parquet (child_pseudonym, network_code, valid_from, valid_to, "
            "intensity, intensity_unit)"
        )
    casts = [pl.col("valid_from").cast(pl.Date), pl.col("valid_to").cast(pl.Date)]
    if "intensity" in participation.columns:
        casts.append(pl.col("intensity").cast(pl.Float64))
    else:
        casts.append(pl.lit(None, dtype=pl.Float64).alias("intensity"))
    return participation.with_columns(casts)


def _require_measurement_columns(frame: pl.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ModelFitError(
            f"{what}: the measurements miss column(s) {', '.join(repr(c) for c in missing)}; "
            "expected the columns of an extract's measurements.parquet"
        )


def indicator_rows(
    measurements: pl.DataFrame | Extract,
    indicator: str,
    *,
    what: str,
    source_kind: str | None = None,
    version: int | None = None,
    category: str | Sequence[str] | None = None,
) -> pl.DataFrame:
    """The rows of one indicator; refuses mixed source kinds or versions (name them).

    Series of different source kinds are never mixed, and a changed definition is a new
    version: when the rows hold more than one, say which with ``source_kind=``/``version=``.
    """
    frame = _measurements(measurements)
    _require_measurement_columns(frame, ["child_pseudonym", "indicator_code", "observed_on"], what)
    rows = frame.filter(pl.col("indicator_code") == indicator)
    if rows.height == 0:
        present = sorted(frame["indicator_code"].unique().to_list()) if frame.height else []
        raise ModelFitError(
            f"{what}: indicator {indicator!r} is not in the extract "
            f"(it holds {', '.join(present) or 'no rows'}); extract it with "
            f"`monitor extract --indicators {indicator},...`"
        )
    if source_kind is not None and "source_kind" in rows.columns:
        rows = rows.filter(pl.col("source_kind") == source_kind)
        if rows.height == 0:
            raise ModelFitError(f"{what}: no {indicator} rows with source kind {source_kind!r}")
    if "source_kind" in rows.columns and rows["source_kind"].n_unique() > 1:
        kinds = sorted(str(k) for k in rows["source_kind"].unique().to_list())
        raise ModelFitError(
            f"{what}: {indicator} rows have several source kinds ({', '.join(kinds)}), which "
            "are never mixed; choose one with source_kind="
        )
    if version is not None and "indicator_version" in rows.columns:
        rows = rows.filter(pl.col("indicator_version") == version)
        if rows.height == 0:
            raise ModelFitError(f"{what}: no {indicator} rows of version {version}")
    if "indicator_version" in rows.columns and rows["indicator_version"].n_unique() > 1:
        versions = sorted(rows["indicator_version"].unique().to_list())
        raise ModelFitError(
            f"{what}: {indicator} rows come from definition versions {versions}; series of "
            "different versions are not comparable, choose one with version="
        )
    if category is not None:
        wanted = [category] if isinstance(category, str) else list(category)
        rows = rows.filter(pl.col("category").is_in(wanted))
        if rows.height == 0:
            raise ModelFitError(f"{what}: no {indicator} rows in category {wanted}")
    return rows.with_columns(pl.col("observed_on").cast(pl.Date))


def _years_between(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    return (later - earlier).dt.total_days().cast(pl.Float64) / DAYS_PER_YEAR


def _half_year_code(day: pl.Expr) -> pl.Expr:
    half = pl.when(day.dt.month() <= 6).then(pl.lit("-H1")).otherwise(pl.lit("-H2"))
    return pl.concat_str([day.dt.year().cast(pl.String), half])
