"""Ingest throughput on PostgreSQL against the physical limit (a bare COPY).

Generates N case rows (default 1,000,000; 100,000 children with a valid BSN each, ten
monthly observations of two indicators), writes them as Parquet (or CSV), and in one run:

1. ingests the file through :func:`monitor.ingest.ingest_file` into a fresh scratch
   database (read, validate, pseudonymise, insert children, COPY into the indexed
   ``case_measurement`` table, commit) and reports rows/s end to end;
2. COPYs the very same stored rows (pre-serialised CSV) into an unindexed copy of the
   table with bare psycopg, the physical limit, and reports rows/s and the ratio.

With ``--corrections`` it measures instead, side by side at each stored size (default
0.2 M and 5 M rows, built with COPY, never the ORM), a fresh batch of
``--batch`` rows (new children) and the correction of that very batch (the same keys, 99 %
of the values changed, so ~99 % supersede and 1 % are unchanged), both through
:func:`monitor.ingest.ingest_file`, and prints both rates and their ratio.

The scratch database (``--database NAME``, default ``bench_ingest_<pid>``) is dropped
afterwards (``--keep`` keeps it; with ``--corrections --reuse`` a kept one is topped up to
each size instead of being rebuilt)::

    python benchmarks/ingest.py               # 1,000,000 rows
    python benchmarks/ingest.py --rows 50000  # a quick run
    python benchmarks/ingest.py --corrections --sizes 200000,5000000 --batch 20000
    python benchmarks/ingest.py --memory --rows 10000000  # peak RSS: benchmarks/ingest_memory.py
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

# this tree's monitor and schema, not the installed ones
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from monitor import db  # noqa: E402
from monitor.catalogue import load_catalogue  # noqa: E402
from monitor.ingest import ingest_file  # noqa: E402
from monitor.organisations import OrganisationSpec, add_organisation  # noqa: E402
from schema.measurements import CASE_INTEGRITY_DDL  # noqa: E402

DEFAULT_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2])
COLUMNS = (
    "child_id, indicator_id, reporting_org_id, submission_id, observed_on, end_date, value, "
    "category, end_reason, source_kind, recorded_at"
)


def valid_bsns(count: int, seed: int = 1) -> np.ndarray:
    """``count`` distinct random nine-digit numbers passing the elfproef (vectorised)."""
    rng = np.random.default_rng(seed)
    found = np.empty(0, dtype=np.int64)
    while found.size < count:
        heads = rng.integers(10_000_000, 99_999_999, size=count * 2)
        digits = (heads[:, None] // 10 ** np.arange(7, -1, -1)) % 10
        check = (digits * WEIGHTS).sum(axis=1) % 11
        ok = check < 10
        found = np.unique(np.concatenate([found, heads[ok] * 10 + check[ok]]))
    return rng.permutation(found)[:count]


def generate(rows: int, path: Path, seed: int = 1) -> Path:
    """Write ``rows`` case rows (10 per child) to ``path`` (.parquet or .csv); ``seed``
    draws the children's BSNs."""
    children = max(rows // 10, 1)
    rng = np.random.default_rng(7)
    index = np.arange(rows)
    child = index % children
    step = index // children  # 0..9: five months x two indicators
    bsn = valid_bsns(children, seed)[child]
    months = 1 + step % 5
    frame = pl.DataFrame(
        {
            "bsn": pl.Series(bsn).cast(pl.String).str.zfill(9),
            "indicator": np.where(step < 5, "CH_ABS", "CH_ABS_UNAUTH"),
            "date": pl.Series([f"2024-{m:02d}-28" for m in range(1, 6)])[months - 1],
            "value": rng.integers(0, 100, size=rows).astype(str),
            "birth_month": pl.Series(
                [f"{y}-{m:02d}" for y in range(2008, 2018) for m in range(1, 13)]
            )[child % 120],  # fmt: skip
            "sex": np.array(["m", "f", "x"])[child % 3],
            "municipality": "GM0363",
        }
    )
    if path.suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def scratch_database(admin_url: str, name: str | None = None, *, reuse: bool = False) -> str:
    """Create an empty database ``name`` (default ``bench_ingest_<pid>``) next to
    ``admin_url``'s; with ``reuse`` an existing one is kept as it is. Returns its URL."""
    name = name or f"bench_ingest_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not (reuse and exists):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str) -> None:
    engine = create_engine(url)
    db.upgrade(engine)
    with Session(engine) as session:
        load_catalogue(session)
        add_organisation(session, OrganisationSpec("GM0363", "Amsterdam", "municipality"))
        add_organisation(
            session,
            OrganisationSpec("SCH-01", "School", "school", municipality="GM0363", brin="12AB"),
        )
        session.commit()
    engine.dispose()


def _schema_copy_setup() -> list[str]:
    """A copy of case_measurement with its indexes, checks and reference triggers."""
    check = next(s for s in CASE_INTEGRITY_DDL if "case_measurement_check_references()" in s)
    return [
        "CREATE TABLE full_copy (LIKE case_measurement INCLUDING ALL)",
        check.replace("case_measurement_check_references", "full_copy_check_references"),
        "CREATE TRIGGER full_copy_references AFTER INSERT ON full_copy "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION full_copy_check_references()",
    ]


def copy_limits(url: str, constrained: bool) -> tuple[int, float, float | None]:
    """COPY the stored rows again (pre-serialised CSV) into (a) an unindexed copy of the
    table: the physical limit, and (b) a copy with the same indexes and reference checks:
    the limit for this schema. Returns (rows, seconds a, seconds b or None)."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        buffer = io.BytesIO()
        with conn.cursor().copy(f"COPY case_measurement ({COLUMNS}) TO STDOUT (FORMAT csv)") as cp:
            for block in cp:
                buffer.write(block)
        data = buffer.getvalue()
        conn.commit()

        def timed_copy(table: str, setup: list[str]) -> float:
            for statement in setup:
                conn.execute(statement)
            conn.commit()
            started = time.perf_counter()
            sql = f"COPY {table} ({COLUMNS}) FROM STDIN (FORMAT csv)"
            with conn.cursor() as cursor, cursor.copy(sql) as cp:
                for start in range(0, len(data), 1 << 22):
                    cp.write(data[start : start + (1 << 22)])
            conn.commit()
            return time.perf_counter() - started

        bare = timed_copy(
            "bare_copy", ["CREATE TABLE bare_copy (LIKE case_measurement INCLUDING DEFAULTS)"]
        )
        full = None
        if constrained:
            full = timed_copy("full_copy", _schema_copy_setup())
        return data.count(b"\n"), bare, full


def _bulk_copy(url: str, children: int, like_row: dict, now: datetime) -> None:
    """COPY ``children`` more children and 10 current case rows each (5 months x 2
    indicators, as :func:`generate` makes them) straight into the tables, then ANALYZE."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    rng = np.random.default_rng(children)
    with psycopg.connect(dsn) as conn:
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM child").fetchone()[0]
        tag = f"bulk{first:09d}_"
        with conn.cursor().copy(
            "COPY child (pseudonym, birth_month, sex, municipality_id, first_seen_at) "
            "FROM STDIN (FORMAT csv)"
        ) as cp:
            for start in range(0, children, 500_000):
                n = min(500_000, children - start)
                frame = pl.DataFrame(
                    {
                        "pseudonym": pl.Series(np.arange(start, start + n)).cast(pl.String),
                        "birth_month": date(2012, 1, 1),
                        "sex": "f",
                        "municipality_id": like_row["municipality_id"],
                        "first_seen_at": now,
                    }
                ).with_columns(pseudonym=pl.lit(tag) + pl.col("pseudonym"))
                cp.write(frame.write_csv(include_header=False))
        ids = conn.execute(
            "SELECT id FROM child WHERE pseudonym LIKE %s ORDER BY id", (tag + "%",)
        ).fetchall()
        child_ids = np.array([i for (i,) in ids], dtype=np.int64)
        assert child_ids.size == children
        dates = [date(2024, m, 28) for m in range(1, 6)]
        with conn.cursor().copy(f"COPY case_measurement ({COLUMNS}) FROM STDIN (FORMAT csv)") as cp:
            for start in range(0, children, 200_000):
                block = child_ids[start : start + 200_000]
                frame = pl.DataFrame(
                    {
                        "child_id": np.repeat(block, 10),
                        "indicator_id": np.tile(np.repeat(like_row["indicators"], 5), block.size),
                        "reporting_org_id": like_row["reporting_org_id"],
                        "submission_id": like_row["submission_id"],
                        "observed_on": pl.Series(dates * 2 * block.size),
                        "end_date": pl.Series([None] * (10 * block.size), dtype=pl.Date),
                        "value": rng.integers(0, 100, size=10 * block.size).astype(float),
                        "category": "",
                        "end_reason": pl.Series([None] * (10 * block.size), dtype=pl.String),
                        "source_kind": like_row["source_kind"],
                        "recorded_at": now,
                    }
                )
                cp.write(frame.write_csv(include_header=False, null_value=""))
        conn.commit()
        conn.execute("ANALYZE child")
        conn.execute("ANALYZE case_measurement")
        conn.commit()


def _corrected(fresh: Path, path: Path) -> Path:
    """The same rows as ``fresh`` with 99 % of the values changed (every 100th kept)."""
    frame = pl.read_parquet(fresh).with_row_index("_i")
    keep = pl.col("_i") % 100 == 0
    value = pl.col("value").cast(pl.Int64)
    frame = frame.with_columns(
        value=pl.when(keep).then(value).otherwise((value + 1) % 100).cast(pl.String)
    )
    frame.drop("_i").write_parquet(path)
    return path


def _timed_ingest(engine, path: Path) -> tuple[float, object]:
    with Session(engine) as session:
        started = time.perf_counter()
        report = ingest_file(session, path, organisation_code="SCH-01")
        seconds = time.perf_counter() - started
    if report.status != "accepted":
        raise SystemExit("\n".join([report.summary(), *[p.as_text() for p in report.problems]]))
    return seconds, report


def run_corrections(
    admin_url: str,
    sizes: list[int],
    batch: int,
    *,
    keep: bool,
    database: str | None = None,
    reuse: bool = False,
) -> int:
    """At each stored size: a fresh batch of ``batch`` rows, then its correction. With
    ``reuse`` a kept database ``database`` is topped up (never shrunk) to each size."""
    url = scratch_database(admin_url, database, reuse=reuse)
    results = []
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            prepared = conn.execute(text("SELECT to_regclass('case_measurement')")).scalar()
        if prepared is None:
            prepare(url)
        else:
            db.upgrade(engine)  # a kept database gets this tree's migrations
        os.environ["DATABASE_URL"] = url
        with tempfile.TemporaryDirectory() as tmp:
            if prepared is None:
                _timed_ingest(engine, generate(10, Path(tmp) / "warm.parquet", seed=99))
            with engine.connect() as conn:
                row = conn.execute(
                    text(
                        "SELECT m.reporting_org_id, m.submission_id, m.source_kind, "
                        "c.municipality_id FROM case_measurement m JOIN child c "
                        "ON c.id = m.child_id LIMIT 1"
                    )
                ).one()
                indicators = (
                    conn.execute(
                        text(
                            "SELECT id FROM indicator WHERE code IN ('CH_ABS', 'CH_ABS_UNAUTH') "
                            "ORDER BY code"
                        )  # fmt: skip
                    )
                    .scalars()
                    .all()
                )
            like = {**row._asdict(), "indicators": np.array(indicators)}
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*) FROM case_measurement")).scalar()
            for number, size in enumerate(sizes, start=1):
                children = max(size - stored, 0) // 10
                started = time.perf_counter()
                if children:
                    _bulk_copy(url, children, like, datetime.now(UTC))
                stored += children * 10
                print(f"stored {stored:,} rows (COPY {children * 10:,} more in "
                      f"{time.perf_counter() - started:.1f} s)", flush=True)  # fmt: skip
                seed = number + 1000 * (stored // 1000)  # new children on a reused database
                fresh = generate(batch, Path(tmp) / f"fresh{number}.parquet", seed=seed)
                fresh_s, fresh_report = _timed_ingest(engine, fresh)
                fixed = _corrected(fresh, Path(tmp) / f"fix{number}.parquet")
                fix_s, fix_report = _timed_ingest(engine, fixed)
                results.append((size, fresh_s, fix_s, fix_report))
                print(f"  fresh {batch / fresh_s:,.0f} rows/s, correction {batch / fix_s:,.0f} "
                      f"rows/s ({fix_report.summary()})", flush=True)  # fmt: skip
        engine.dispose()
    finally:
        if not keep:
            drop_database(admin_url, url)
    print(f"\n| stored rows | fresh rows/s | correction rows/s | ratio |  ({batch:,}-row batches)")
    print("|---:|---:|---:|---:|")
    for size, fresh_s, fix_s, _ in results:
        print(f"| {size:,} | {batch / fresh_s:,.0f} | {batch / fix_s:,.0f} | "
              f"{fresh_s / fix_s:.2f} |")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL URL for CREATE DATABASE")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--database",
        help="scratch database name (default bench_ingest_<pid>); dropped unless --keep",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="--corrections: keep an existing --database and top it up to each size",
    )
    parser.add_argument(
        "--no-constrained", action="store_true", help="skip the COPY into an indexed copy"
    )
    parser.add_argument(
        "--corrections", action="store_true", help="fresh vs correction rows/s by table size"
    )
    parser.add_argument("--sizes", default="200000,5000000", help="stored rows, comma-separated")
    parser.add_argument("--batch", type=int, default=20_000, help="rows per measured batch")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="peak RSS of `monitor ingest` (benchmarks/ingest_memory.py)",
    )
    args = parser.parse_args(argv)
    if args.memory:
        from ingest_memory import run_memory  # beside this script

        return run_memory(args.url, args.rows, sys.modules[__name__], keep=args.keep)
    if args.corrections:
        sizes = [int(s) for s in args.sizes.split(",")]
        return run_corrections(
            args.url,
            sizes,
            args.batch,
            keep=args.keep,
            database=args.database,
            reuse=args.reuse,
        )

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = generate(args.rows, Path(tmp) / f"cases.{args.format}")
        size = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size:.1f} MB {args.format}) "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        url = scratch_database(args.url, args.database)
        try:
            prepare(url)
            os.environ["DATABASE_URL"] = url
            engine = create_engine(url)
            first_chunk: list[float] = []
            with Session(engine) as session:
                started = time.perf_counter()
                report = ingest_file(
                    session,
                    path,
                    organisation_code="SCH-01",
                    progress=lambda d, t: first_chunk.append(time.perf_counter()),
                )
                ours = time.perf_counter() - started
            engine.dispose()
            if report.status != "accepted":
                print(report.summary(), *[p.as_text() for p in report.problems[:10]], sep="\n")
                return 1
            copied, bare, full = copy_limits(url, not args.no_constrained)
            assert copied == args.rows, (copied, args.rows)
        finally:
            if not args.keep:
                drop_database(args.url, url)
    ours_rate, bare_rate = args.rows / ours, args.rows / bare
    print(f"ingest_file:  {args.rows:,} rows in {ours:.2f} s = {ours_rate:,.0f} rows/s "
          f"(validation + pseudonyms + children before first COPY chunk: "
          f"{first_chunk[0] - started:.2f} s)")  # fmt: skip
    print(f"bare COPY:    {copied:,} rows in {bare:.2f} s = {bare_rate:,.0f} rows/s "
          "(pre-serialised CSV into an unindexed table)")  # fmt: skip
    print(f"ratio:        {ours_rate / bare_rate:.2f} (target >= 0.5)")
    if full is not None:
        full_rate = args.rows / full
        print(f"schema COPY:  the same into a copy of case_measurement with its indexes and "
              f"reference checks: "
              f"{full:.2f} s = {full_rate:,.0f} rows/s; ratio ours / that: "
              f"{ours_rate / full_rate:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
