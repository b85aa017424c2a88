"""Latency of the queries behind the dashboard callbacks on a large PostgreSQL database,
next to the same aggregates computed by polars on in-memory frames.

    python benchmarks/dashboard.py --rows 2000000            # build cm_bench, then measure
    python benchmarks/dashboard.py --rows 2000000 --reuse    # measure an existing cm_bench
    python benchmarks/dashboard.py --rows 20000 --networks 20 --sqlite /tmp/bench.db  # SQLite
    python benchmarks/dashboard.py --rows 2000000 --database cm_bench_mine  # another name

What is timed (``--repeat`` times after two warm-up runs, each database call and its
in-memory counterpart taking turns so that both meet the same load; p50 and p95 in
milliseconds):

* ``trend``: :func:`monitor.views.comparison_series` for one network and NW_REF_RATE with
  every comparison group (own, other networks, municipality, similar size, all) — what the
  trend page's callback asks.
* ``referral``: :func:`~monitor.views.indicator_figures` (NW_REF_RATE by referrer),
  :func:`~monitor.views.care_by_residence` and :func:`~monitor.views.care_pathway_flows`
  for one half-year — what the referrals page's callback asks; ``pathway`` is the
  case-level part alone (as known now: read from the rollup case_pathway,
  :mod:`monitor.rollups`, which the build fills after its COPY with ``rollups.rebuild``).
* ``*_memory``: the same aggregates from frames already in memory (all aggregate rows and
  all case rows loaded once beforehand): the same filters, then the same pooling,
  disclosure and pathway code (:func:`~monitor.views.organisation_figures`,
  :func:`~monitor.views.pathway_links`). The ratio db/memory is the price of asking the
  database per request.

The database is generated here with psycopg COPY (on SQLite: executemany; no synthetic
panel needed): networks
with four members each, half-yearly network and municipal aggregates 2018-2024 (with 10 %
superseded corrections), and ``--rows`` case rows (signals, referrals, care episodes and
monthly absence) of ``rows / 8`` children.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor import auth, db, rollups, views  # noqa: E402
from monitor.catalogue import categories, get_indicator, load_catalogue  # noqa: E402
from monitor.figures.aggregates import PERIOD_KEYS as _PERIOD_KEYS  # noqa: E402
from monitor.periods import (
    make_period,  # noqa: E402
    parse_period,  # noqa: E402
)
from monitor.policy import Action, principal_for  # noqa: E402
from monitor.query import stored_aggregates  # noqa: E402
from monitor.views.comparison import _group_members  # noqa: E402
from schema import Organisation, PeriodType, Submission  # noqa: E402

DEFAULT_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
YEARS = range(2018, 2025)
PERIOD = "2023-H1"
RECORDED = datetime(2025, 1, 1, tzinfo=UTC)
CORRECTED = datetime(2025, 2, 1, tzinfo=UTC)


def _copy(connection, table: str, frame: pl.DataFrame) -> None:  # noqa: ANN001
    """Bulk-load ``frame`` into ``table``: COPY ... FROM STDIN (CSV) on PostgreSQL, Core
    executemany in chunks on SQLite."""
    if connection.dialect.name == "sqlite":
        target = SQLModel.metadata.tables[table]
        for start in range(0, frame.height, 50_000):
            connection.execute(insert(target), frame.slice(start, 50_000).to_dicts())
        return
    columns = ", ".join(frame.columns)
    raw = connection.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')") as copy,
    ):
        for start in range(0, frame.height, 500_000):
            buffer = io.BytesIO()
            frame.slice(start, 500_000).write_csv(buffer, include_header=False, null_value="")
            copy.write(buffer.getvalue())


def _dates(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Date columns as dates: SQLite hands them over as ISO text (or all-null columns)."""
    return frame.with_columns(
        pl.col(c) if frame.schema[c] == pl.Date else pl.col(c).cast(pl.String).str.to_date()
        for c in columns
    )


def build(url: str, rows: int, networks: int, seed: int) -> None:
    """Create the benchmark database and fill it."""
    rng = np.random.default_rng(seed)
    engine = create_engine(url)
    db.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_catalogue(session)
        n_municipalities = max(4, networks // 5)
        municipalities = []
        for m in range(n_municipalities):
            org = Organisation(
                code=f"GM{m:04d}",
                name=f"Gemeente {m}",
                kind="municipality",
                cbs_code=f"GM{m:04d}",
                population_0_17=int(rng.integers(5_000, 150_000)),
            )
            session.add(org)
            municipalities.append(org)
        session.flush()
        nets, members = [], []
        for n in range(networks):
            municipality = municipalities[n % n_municipalities]
            network = Organisation(
                code=f"NW{n:04d}",
                name=f"Netwerk {n}",
                kind="network",
                municipality_id=municipality.id,
            )
            session.add(network)
            nets.append(network)
            for k, kind in enumerate(["school", "school", "youth_care_provider", "jgz"]):
                member = Organisation(
                    code=f"P{n:04d}{k}",
                    name=f"Partner {n}.{k}",
                    kind=kind,
                    municipality_id=municipality.id,
                )
                session.add(member)
                members.append((network, member))
        session.flush()
        from schema import NetworkMembership

        for network, member in members:
            session.add(
                NetworkMembership(
                    network_id=network.id, member_id=member.id, valid_from=date(2015, 1, 1)
                )
            )
        submission = Submission(
            organisation_id=municipalities[0].id,
            channel="cli",
            shape="aggregate",
            file_name="bench",
            checksum="bench",
            status="accepted",
            received_at=RECORDED,
        )
        session.add(submission)
        user = auth.create_user(session, username="bench_officer", password="bench-password-1")
        auth.grant_role(session, user, "municipality_officer", municipalities[0].code)
        session.commit()
        codes = {
            c: get_indicator(session, c).id
            for c in (
                "NW_CHILDREN",
                "NW_REF",
                "NW_CARE",
                "MU_YOUTH",
                "MU_REF",
                "MU_CARE",
                "CH_SIGNAL",
                "CH_REF",
                "CH_CARE",
                "CH_ABS",
            )
        }
        referrers = [c.code for c in categories(session, "referrer")]
        care_types = [c.code for c in categories(session, "care_type")]
        end_reasons = [c.code for c in categories(session, "end_reason")]
        with engine.begin() as connection:
            _aggregates(
                connection, rng, nets, municipalities, codes, referrers, care_types, submission.id
            )
            _cases(
                connection,
                rng,
                rows,
                members,
                codes,
                referrers,
                care_types,
                end_reasons,
                submission.id,
            )
    _analyze(engine)  # the rebuild's plans need the case rows' statistics
    with engine.begin() as connection:  # rows by COPY bypass ingest: fill the rollups
        started = time.perf_counter()
        paths = rollups.rebuild(connection)
        print(f"rollups: {paths:,} paths in {time.perf_counter() - started:.0f} s", flush=True)
    _analyze(engine)
    engine.dispose()


def _analyze(engine) -> None:  # noqa: ANN001
    """Fresh statistics, outside a transaction (or they are rolled back with it)."""
    started = time.perf_counter()
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text("ANALYZE"))
    print(f"analyze: {time.perf_counter() - started:.0f} s", flush=True)


def _aggregates(connection, rng, nets, municipalities, codes, referrers, care_types, sub):  # noqa: ANN001, ANN202, PLR0913
    periods = [make_period(y, h, PeriodType.HALF_YEAR) for y in YEARS for h in (1, 2)]
    records = []
    plan = [(n, "NW_CHILDREN", [""], 500, 3000) for n in nets]
    plan += [(n, "NW_REF", referrers, 0, 60) for n in nets]
    plan += [(n, "NW_CARE", care_types, 0, 120) for n in nets]
    plan += [
        (m, "MU_YOUTH", [""], m.population_0_17, m.population_0_17 + 1) for m in municipalities
    ]
    plan += [(m, "MU_REF", referrers, 10, 900) for m in municipalities]
    plan += [(m, "MU_CARE", care_types, 10, 3000) for m in municipalities]
    for org, code, cats, low, high in plan:
        for period in periods:
            for category in cats:
                value = float(rng.integers(low, high))
                records.append(
                    (
                        org.id,
                        codes[code],
                        org.id,
                        sub,
                        period.code,
                        period.start,
                        period.end,
                        category,
                        value,
                        "registered",
                    )
                )
    frame = pl.DataFrame(
        records,
        schema=[
            "organisation_id",
            "indicator_id",
            "reporting_org_id",
            "submission_id",
            "period_code",
            "period_start",
            "period_end",
            "category",
            "value",
            "source_kind",
        ],
        orient="row",
    )
    corrected = frame.sample(fraction=0.1, seed=1)
    old = corrected.with_columns(
        (pl.col("value") * 0.9).round(0),
        pl.lit(RECORDED).alias("recorded_at"),
        pl.lit(CORRECTED).alias("superseded_at"),
    )
    current = frame.with_columns(
        pl.lit(RECORDED).alias("recorded_at"),
        pl.lit(None, pl.Datetime("us", "UTC")).alias("superseded_at"),
    )
    _copy(connection, "aggregate_measurement", pl.concat([current, old], how="vertical_relaxed"))


def _cases(connection, rng, rows, members, codes, referrers, care_types, end_reasons, sub):  # noqa: ANN001, ANN202, PLR0913
    """rows / 8 children; each: a signal, 70 % a referral, 50 % a care episode, absence."""
    n = max(rows // 8, 1)
    first_id = connection.execute(text("SELECT coalesce(max(id), 0) + 1 FROM child")).scalar()
    ids = np.arange(first_id, first_id + n)
    network_of = rng.integers(0, len(members) // 4, n)
    municipality_id = np.array([members[4 * k][0].municipality_id for k in network_of])
    children = pl.DataFrame(
        {
            "id": ids,
            "pseudonym": [f"b{i:012d}" for i in ids],
            "birth_month": [date(2008 + int(y), 1, 1) for y in rng.integers(0, 12, n)],
            "sex": rng.choice(["m", "f"], n),
            "municipality_id": municipality_id,
            "first_seen_at": [RECORDED] * n,
        }
    )
    _copy(connection, "child", children)
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('child', 'id'), max(id)) FROM child")
        )
    provider = np.array([members[4 * k + 2][1].id for k in network_of])
    school = np.array([members[4 * k][1].id for k in network_of])
    day0 = date(2018, 1, 1).toordinal()
    signal = day0 + rng.integers(0, 7 * 365, n)
    referred = signal + rng.integers(1, 120, n)
    started = referred + rng.integers(1, 90, n)
    ended = started + rng.integers(30, 400, n)
    has_ref = rng.random(n) < 0.7
    has_care = has_ref & (rng.random(n) < 0.7)
    has_end = rng.random(n) < 0.7
    base = {"submission_id": sub, "source_kind": "registered", "recorded_at": RECORDED}

    def part(mask, indicator, org, on, **extra) -> pl.DataFrame:  # noqa: ANN001, ANN003
        return pl.DataFrame(
            {
                "child_id": ids[mask],
                "indicator_id": codes[indicator],
                "reporting_org_id": org[mask],
                "observed_on": [date.fromordinal(int(d)) for d in on[mask]],
                **{k: v[mask] if isinstance(v, np.ndarray) else v for k, v in extra.items()},
            }
        ).with_columns(**{k: pl.lit(v) for k, v in base.items()})

    everyone = np.ones(n, dtype=bool)
    frames = [
        part(everyone, "CH_SIGNAL", provider, signal, category=""),
        part(has_ref, "CH_REF", provider, referred, category=rng.choice(referrers, n)),
        part(
            has_care,
            "CH_CARE",
            provider,
            started,
            category=rng.choice(care_types, n),
            end_date=np.where(has_end, ended, 0),
            end_reason=rng.choice(end_reasons, n),
        ),
    ]
    care = (
        frames[2]
        .with_columns(
            pl.when(pl.col("end_date") > 0)
            .then(pl.col("end_date"))
            .otherwise(None)
            .alias("end_date")
        )
        .with_columns(
            pl.col("end_date").map_elements(date.fromordinal, return_dtype=pl.Date),
            pl.when(pl.col("end_date") > 0).then(pl.col("end_reason")).otherwise(None),
        )
    )
    frames[2] = care
    so_far = sum(f.height for f in frames)
    wanted = max(rows - so_far, 0)
    months = min(-(-wanted // n), 84)  # enough months of absence to reach ``rows``
    if months:
        child = np.repeat(ids, months)
        month = np.tile(np.arange(months), n)
        start = rng.integers(0, 84 - months + 1 if months < 84 else 1, n)
        month_index = np.repeat(start, months) + month
        frames.append(
            pl.DataFrame(
                {
                    "child_id": child,
                    "indicator_id": codes["CH_ABS"],
                    "reporting_org_id": np.repeat(school, months),
                    "month": month_index,
                    "value": rng.gamma(1.5, 3.0, child.size).round(1),
                    "category": "",
                }
            )
            .head(wanted)
            .with_columns(
                pl.date(2018 + pl.col("month") // 12, pl.col("month") % 12 + 1, 15).alias(
                    "observed_on"
                ),
                **{k: pl.lit(v) for k, v in base.items()},
            )
            .drop("month")
        )
    for frame in frames:
        started = time.perf_counter()
        _copy(connection, "case_measurement", frame)
        print(
            f"case rows: {frame.height:,} copied in {time.perf_counter() - started:.0f} s",
            flush=True,
        )


def _timed(*functions: Callable[[], object], repeat: int) -> list[list[float]]:
    """Milliseconds per call of each function, after two warm-up runs; the functions
    take turns (the first one first, then the next ...; the order rotating every round),
    so that on a shared machine each meets the same load."""
    for _ in range(2):
        for function in functions:
            function()
    times: list[list[float]] = [[] for _ in functions]
    for round_ in range(repeat):
        for k in range(len(functions)):
            turn = (k + round_) % len(functions)
            started = time.perf_counter()
            functions[turn]()
            times[turn].append((time.perf_counter() - started) * 1000)
    return times


def _p(times: list[float], q: float) -> float:
    return float(np.percentile(times, q))


def measure(url: str, repeat: int) -> tuple[dict[str, list[float]], int]:
    """Time the callback queries against the database and against in-memory frames."""
    engine = create_engine(url)
    with Session(engine) as session:
        from schema import User

        user = session.execute(select(User).where(User.username == "bench_officer")).scalar_one()
        principal = principal_for(session, user)
        network = (
            session.execute(
                select(Organisation)
                .where(
                    Organisation.kind == "network",
                    Organisation.municipality_id.in_(principal.view_org_ids),
                )
                .order_by(Organisation.code)
            )
            .scalars()
            .first()
        )
        code = network.code
        case_count = session.execute(text("SELECT count(*) FROM case_measurement")).scalar()
        print(f"database: {case_count:,} case rows; measuring {code} as {user.username}")

        def trend() -> object:
            return views.comparison_series(
                session, principal, organisation_code=code, indicator_code="NW_REF_RATE"
            )

        def pathway() -> object:
            return views.care_pathway_flows(
                session, principal, organisation_code=code, period_code=PERIOD
            )

        def referral() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
            figures = views.indicator_figures(
                session, principal, indicator_code="NW_REF_RATE", organisation_codes=[code]
            )
            care = views.care_by_residence(session, principal, organisation_code=code)
            return figures, care, pathway()

        memory, answers = _in_memory(session, principal, network)
        results = {}
        for name, function in (("trend", trend), ("referral", referral), ("pathway", pathway)):
            in_db, in_memory = _timed(function, memory[name], repeat=repeat)
            results[name], results[f"{name}_memory"] = in_db, in_memory
        # the answers must agree, or the comparison means nothing
        _same(trend(), answers["trend"], ["group", "period_code", "source_kind"], "trend")
        figures, care, links = referral()
        keys = ["period_code", "source_kind", "category"]
        _same(figures, answers["figures"], keys, "referral figures")
        _same(care, answers["care"], keys, "care by residence")
        _same(links, answers["pathway"], ["stage", "source", "target"], "pathway")
        print(
            f"answers identical: trend {answers['trend'].height} rows, referral figures "
            f"{figures.height}, care {care.height}, pathway {links.height} links"
        )
    engine.dispose()
    return results, int(case_count)


def _same(from_db: pl.DataFrame, in_memory: pl.DataFrame, keys: list[str], what: str) -> None:
    """Fail unless the database's answer equals the in-memory one on every shared column."""
    columns = [c for c in in_memory.columns if c in from_db.columns]
    left = from_db.select(columns).sort(keys)
    right = in_memory.select(columns).sort(keys)
    if left.height == 0 or left.height != right.height:
        raise AssertionError(f"{what}: {left.height} rows from the database, {right.height}")
    try:
        assert_frame_equal(left, right, check_dtypes=False, rel_tol=1e-9, abs_tol=0)
    except AssertionError as error:
        raise AssertionError(f"{what} differs between the database and memory") from error


def _read(session: Session, sql: str, overrides: dict) -> pl.DataFrame:
    """The rows of ``sql`` as a frame: on PostgreSQL by ``COPY ... TO STDOUT`` read by
    polars (tens of millions of rows without a Python object each), else read_database."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return pl.read_database(sql, connection, schema_overrides=overrides)
    buffer = io.BytesIO()
    raw = connection.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
    ):
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    return pl.read_csv(buffer, schema_overrides=overrides, try_parse_dates=True)


def _in_memory(session: Session, principal, network: Organisation):  # noqa: ANN001, ANN202
    """The same aggregates from frames loaded once (not timed): the functions and their
    answers."""
    orgs = list(session.execute(select(Organisation)).scalars())
    rate = get_indicator(session, "NW_REF_RATE")
    muni_rate = get_indicator(session, "MU_REF_RATE")
    care_rate = get_indicator(session, "NW_CARE_RATE")
    aggregates = stored_aggregates(
        session,
        indicator_codes=["NW_REF", "NW_CHILDREN", "MU_REF", "MU_YOUTH", "NW_CARE"],
        organisation_ids=[o.id for o in orgs],
    )
    cases = _read(
        session,
        "SELECT c.child_id, c.observed_on, c.end_date, c.value, c.category, c.end_reason,"
        " c.reporting_org_id, i.code AS indicator, ch.municipality_id"
        " FROM case_measurement c JOIN indicator i ON i.id = c.indicator_id"
        " JOIN child ch ON ch.id = c.child_id WHERE c.superseded_at IS NULL"
        " AND i.code IN ('CH_SIGNAL', 'CH_REF', 'CH_CARE')",
        {"value": pl.Float64, "end_reason": pl.String, "category": pl.String},
    )
    cases = _dates(cases, "observed_on", "end_date")
    school_rows = _dates(
        _read(
            session,
            "SELECT DISTINCT c.child_id, c.observed_on, c.reporting_org_id"
            " FROM case_measurement c JOIN organisation o ON o.id = c.reporting_org_id"
            " WHERE c.superseded_at IS NULL AND o.kind = 'school'",
            {},
        ),
        "observed_on",
    )
    groups = {}
    for group in views.GROUPS[1:]:
        ids, code, _ = _group_members(session, network, group, rate)
        groups[group] = (ids, code)
    visible = {o.id for o in orgs if principal.allows(Action.VIEW, o.id)}
    code_of = {o.id: o.code for o in orgs}
    members = [
        m
        for (m,) in session.execute(
            text("SELECT member_id FROM network_membership WHERE network_id = :n"),
            {"n": network.id},
        )
    ]
    kind_of = {o.id: o.kind for o in orgs}
    member_schools = [m for m in members if kind_of[m] == "school"]
    period = parse_period(PERIOD)
    groups_of = views.category_groups(session, "care_type")

    def trend() -> pl.DataFrame:
        parts = []
        own = aggregates.filter(
            pl.col("organisation_code") == network.code,
            pl.col("indicator_code").is_in(["NW_REF", "NW_CHILDREN"]),
        )
        parts.append(
            views.organisation_figures(own, rate)
            .filter(pl.col("category") == "")
            .drop("organisation_code", "children")
            .with_columns(pl.lit("own").alias("group"))
        )
        for group, (ids, code) in groups.items():
            if not ids:
                continue
            indicator = rate if code == "NW_REF_RATE" else muni_rate
            names = [code_of[i] for i in ids]
            chosen = aggregates.filter(
                pl.col("organisation_code").is_in(names),
                pl.col("indicator_code").is_in(
                    [indicator.numerator_code, indicator.denominator_code]
                ),
            )
            pooled = (
                views.group_figures(chosen, indicator, {group: names})
                .filter(pl.col("category") == "")
                .drop("group")
            )
            small = (pl.col("n_organisations") < views.MIN_GROUP_SIZE) & pl.lit(
                not all(i in visible for i in ids)
            )
            parts.append(
                pooled.drop("children").with_columns(
                    pl.lit(group).alias("group"),
                    pl.when(small).then(None).otherwise(pl.col("value")).alias("value"),
                )
            )
        columns = ["group", *_PERIOD_KEYS, "value", "suppressed"]
        return pl.concat([p.select(columns) for p in parts])

    def pupil_rows(indicator: str, *, until: date | None) -> pl.DataFrame:
        # a network's pupils (children its member schools reported about in the period),
        # followed whoever reported their rows, as views.care_pathway_flows does
        chosen = cases.filter(
            pl.col("indicator") == indicator,
            pl.col("child_id").is_in(pupils.to_list()),
            pl.col("observed_on") >= period.start,
        )
        return chosen.filter(pl.col("observed_on") <= until) if until else chosen

    pupil_months = (
        school_rows.filter(
            pl.col("reporting_org_id").is_in(member_schools),
            pl.col("observed_on").is_between(period.start, period.end),
        )
        .select("child_id", pl.col("observed_on").dt.truncate("1mo").alias("month"))
        .unique()
    )
    pupils = pupil_months["child_id"].unique()

    def pathway() -> pl.DataFrame:
        signals = (
            pupil_rows("CH_SIGNAL", until=period.end)
            .with_columns(pl.col("observed_on").dt.truncate("1mo").alias("month"))
            .join(pupil_months, on=["child_id", "month"], how="semi")
        )
        return views.pathway_links(
            signals, pupil_rows("CH_REF", until=None), pupil_rows("CH_CARE", until=None)
        )

    def referral() -> pl.DataFrame:
        own = aggregates.filter(pl.col("organisation_code") == network.code)
        figures = views.organisation_figures(
            own.filter(pl.col("indicator_code").is_in(["NW_REF", "NW_CHILDREN"])), rate
        )
        care = own.filter(pl.col("indicator_code").is_in(["NW_CARE", "NW_CHILDREN"]))
        care = views.organisation_figures(care, care_rate, category_groups=groups_of).filter(
            pl.col("category") != ""
        )
        return figures, care, pathway()

    functions = {"trend": trend, "referral": referral, "pathway": pathway}
    figures, care, links = referral()
    return functions, {"trend": trend(), "figures": figures, "care": care, "pathway": links}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="a PostgreSQL server URL")
    parser.add_argument("--database", default="cm_bench")
    parser.add_argument("--rows", type=int, default=1_000_000, help="case rows to generate")
    parser.add_argument("--networks", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    parser.add_argument("--sqlite", type=Path, help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args(argv)
    target = make_url(args.url).set(database=args.database).render_as_string(hide_password=False)
    if args.sqlite:
        target = f"sqlite:///{args.sqlite}"
        if not args.reuse:
            args.sqlite.unlink(missing_ok=True)
            started = time.perf_counter()
            build(target, args.rows, args.networks, args.seed)
            print(f"built {args.sqlite} with {args.rows:,} case rows in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    elif not args.reuse:
        admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{args.database}"'))
        admin.dispose()
        started = time.perf_counter()
        build(target, args.rows, args.networks, args.seed)
        print(
            f"built {args.database} with {args.rows:,} case rows in "
            f"{time.perf_counter() - started:.0f} s"
        )
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    results, case_count = measure(target, args.repeat)
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"\n{'query':<18}{'p50 ms':>10}{'p95 ms':>10}")
    for name, times in results.items():
        print(f"{name:<18}{_p(times, 50):>10.1f}{_p(times, 95):>10.1f}")
    print()
    # issue #17: p95 <= 100 ms up to 10 M case rows (150 ms at 50 M), faster than memory
    limit = 100 if case_count <= 10_000_000 else 150
    for name in ("trend", "referral", "pathway"):
        db_p95, mem_p95 = _p(results[name], 95), _p(results[f"{name}_memory"], 95)
        verdict = "ok" if db_p95 <= limit and db_p95 < mem_p95 else "over target"
        print(
            f"{name:<10} p95 {db_p95:7.1f} ms vs in-memory {mem_p95:6.1f} ms: "
            f"ratio {db_p95 / mem_p95:5.2f}x  ({verdict}: target <= {limit} ms and < 1x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
