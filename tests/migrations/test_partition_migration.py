"""Migration 20261202_part on a populated PostgreSQL database: case rows over ten years and
aggregates over twenty half-years, a tenth of them corrected, stored at the previous head
(20261201_history); upgraded, every row (id, values, stamps, successor) is the same and
lies in its year's partition, the id sequence goes on where it was, the indexes,
constraints and triggers hold on every partition, and "as of" answers what it answered
before; downgraded, the tables are single tables again with the same rows.

``PART_MIGRATION_ROWS`` sets the number of case rows (default 12,000); the timings of
upgrade and downgrade are printed (``-s``)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from monitor import db
from monitor.catalogue import get_indicator, load_catalogue
from monitor.organisations import OrganisationSpec, add_organisation
from schema import Submission

PREVIOUS = "20261201_history"
ROWS = int(os.environ.get("PART_MIGRATION_ROWS", "12000"))
MONTHS = 120  # 2016-01 .. 2025-12 per child: each (child, month) one current key
FIRST_SENT = datetime(2021, 3, 1, tzinfo=UTC)
CORRECTED = datetime(2023, 9, 1, tzinfo=UTC)
BETWEEN = datetime(2022, 6, 1, tzinfo=UTC)
TABLES = {"case_measurement": "observed_on", "aggregate_measurement": "period_start"}


def _populate(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        load_catalogue(session)
        city = add_organisation(session, OrganisationSpec("GM0363", "Amsterdam", "municipality"))
        network = add_organisation(
            session, OrganisationSpec("NW-OOST", "Netwerk Oost", "network", municipality="GM0363")
        )
        school = add_organisation(
            session,
            OrganisationSpec("SCH-01", "School", "school", municipality="GM0363", brin="12AB"),
        )
        session.flush()
        submission = Submission(organisation_id=school.id, file_name="x.csv", checksum="x",
                                shape="case", status="accepted", channel="cli")  # fmt: skip
        session.add(submission)
        session.flush()
        ids = {
            "sub": submission.id, "school": school.id, "network": network.id, "city": city.id,
            "abs": get_indicator(session, "CH_ABS").id,
            "nw": get_indicator(session, "NW_CHILDREN").id,
            "first": FIRST_SENT, "fix": CORRECTED, "n": ROWS,
        }  # fmt: skip
        session.commit()
    with engine.begin() as conn:
        for statement in _POPULATE:
            conn.execute(text(statement), ids)


_POPULATE = [
    f"""INSERT INTO child (pseudonym, birth_month, sex, municipality_id, first_seen_at)
    SELECT 'p' || g, DATE '2012-01-01', 'f', :city, :first
    FROM generate_series(1, (:n + {MONTHS - 1}) / {MONTHS}) g""",
    f"""INSERT INTO case_measurement (child_id, indicator_id, reporting_org_id, submission_id,
      observed_on, value, category, source_kind, recorded_at)
    SELECT (SELECT min(id) FROM child) + g / {MONTHS}, :abs, :school, :sub,
      make_date(2016 + (g % {MONTHS}) / 12, 1 + g % 12, 15), g % 7, '', 'registered', :first
    FROM generate_series(0, :n - 1) g""",
    """INSERT INTO aggregate_measurement (organisation_id, indicator_id, reporting_org_id,
      submission_id, period_code, period_start, period_end, value, category, source_kind,
      recorded_at)
    SELECT :network, :nw, :network, :sub, (2016 + h / 2) || '-H' || (1 + h % 2),
      make_date(2016 + h / 2, 1 + 6 * (h % 2), 1),
      make_date(2016 + h / 2, 6 + 6 * (h % 2), CASE h % 2 WHEN 0 THEN 30 ELSE 31 END),
      40 + h, '', 'registered', :first
    FROM generate_series(0, 19) h""",
    *[
        statement.format(
            t=table, columns=", ".join(columns), key=" AND ".join(f"n.{c} = o.{c}" for c in key)
        )
        for table, columns, key in (
            (
                "case_measurement",
                (
                    "child_id",
                    "indicator_id",
                    "reporting_org_id",
                    "submission_id",
                    "observed_on",
                    "category",
                    "source_kind",
                ),
                (
                    "child_id",
                    "reporting_org_id",
                    "indicator_id",
                    "category",
                    "observed_on",
                    "source_kind",
                ),
            ),
            (
                "aggregate_measurement",
                (
                    "organisation_id",
                    "indicator_id",
                    "reporting_org_id",
                    "submission_id",
                    "period_code",
                    "period_start",
                    "period_end",
                    "category",
                    "source_kind",
                ),
                (
                    "organisation_id",
                    "indicator_id",
                    "category",
                    "period_start",
                    "period_end",
                    "source_kind",
                ),
            ),
        )
        for statement in (
            "CREATE TEMPORARY TABLE fixed_{t} AS SELECT id FROM {t} WHERE id % 10 = 3",
            "UPDATE {t} SET superseded_at = :fix WHERE id IN (SELECT id FROM fixed_{t})",
            "INSERT INTO {t} ({columns}, value, recorded_at) "
            "SELECT {columns}, value + 1, :fix FROM {t} WHERE id IN (SELECT id FROM fixed_{t})",
            "ANALYZE {t}",
            "ANALYZE fixed_{t}",
            "UPDATE {t} o SET superseded_by_id = n.id FROM {t} n "
            "WHERE o.id IN (SELECT id FROM fixed_{t}) AND n.superseded_at IS NULL AND {key}",
        )
    ],  # fmt: skip
]


def _snapshot(conn: Connection) -> dict[str, object]:
    shot: dict[str, object] = {}
    for table in TABLES:
        shot[table] = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
        shot[f"{table} sequence"] = conn.execute(
            text(f"SELECT last_value FROM {table}_id_seq")
        ).scalar_one()
        shot[f"{table} as of"] = (
            conn.execute(
                text(
                    f"SELECT id FROM {table} WHERE recorded_at <= :t "
                    "AND (superseded_at IS NULL OR superseded_at > :t) ORDER BY id"
                ),
                {"t": BETWEEN},
            )
            .scalars()
            .all()
        )
    shot["aggregate_cell"] = conn.execute(
        text("SELECT * FROM aggregate_cell ORDER BY 1, 2, 3, 4, 5")
    ).all()
    return shot


@pytest.fixture
def populated(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the migration changes PostgreSQL only (SQLite keeps one table)")
    command.downgrade(db.alembic_config(engine), PREVIOUS)
    _populate(engine)
    return engine


def _structure(conn: Connection) -> dict[str, object]:
    """Per table: kind, primary key, checks, foreign keys, triggers and, per partition,
    the number of indexes."""
    found: dict[str, object] = {}
    for table in TABLES:
        found[table] = {
            "kind": conn.execute(
                text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}
            ).scalar_one(),
            "constraints": conn.execute(
                text(
                    "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = to_regclass(:t) ORDER BY conname"
                ),
                {"t": table},
            ).all(),
            "triggers": conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(:t) "
                    "AND NOT tgisinternal ORDER BY tgname"
                ),
                {"t": table},
            )
            .scalars()
            .all(),
            "indexes": conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = :t ORDER BY indexname"),
                {"t": table},
            )
            .scalars()
            .all(),
            "partition indexes": dict(
                conn.execute(
                    text(
                        "SELECT c.relname, (SELECT count(*) FROM pg_index x "
                        "WHERE x.indrelid = c.oid) FROM pg_inherits i "
                        "JOIN pg_class c ON c.oid = i.inhrelid "
                        "WHERE i.inhparent = to_regclass(:t)"
                    ),
                    {"t": table},
                ).all()
            ),
        }
    return found


def test_a_populated_database_is_partitioned_and_back(populated):
    engine = populated
    with engine.connect() as conn:
        before, single = _snapshot(conn), _structure(conn)
    assert len(before["case_measurement"]) == ROWS + ROWS // 10  # a tenth corrected
    assert len(before["case_measurement as of"]) == ROWS  # the first values, before fixes
    started = time.perf_counter()
    assert db.upgrade(engine) == db.head_revision()
    upgraded = time.perf_counter() - started
    with engine.connect() as conn:
        assert _snapshot(conn) == before
        parted = _structure(conn)
        for table, key in TABLES.items():
            # every row in its year's partition (none in DEFAULT: 2016-2025 all have one)
            misplaced = conn.execute(
                text(
                    f"SELECT count(*) FROM {table} WHERE tableoid::regclass::text "
                    f"<> '{table}_y' || extract(year FROM {key})"
                )
            ).scalar_one()
            assert misplaced == 0
    for table, key in TABLES.items():
        was, now = single[table], parted[table]
        assert (was["kind"], now["kind"]) == ("r", "p")
        assert now["indexes"] == was["indexes"]  # same names, declared on the parent
        # every partition has the primary key and the parent's indexes
        assert set(now["partition indexes"].values()) == {len(was["indexes"])}
        years = {name[-4:] for name in now["partition indexes"]}
        assert {str(y) for y in range(2016, 2026)} | {"ault"} <= years
        keys = {c[0]: c[2] for c in now["constraints"]}
        assert keys[f"pk_{table}"] == f"PRIMARY KEY (id, {key})"
        # the self-reference became triggers; every other constraint stayed
        self_fk = f"fk_{table}_superseded_by_id_{table}"
        assert [c for c in was["constraints"] if c[0] not in {self_fk, f"pk_{table}"}] == [
            c for c in now["constraints"] if c[0] != f"pk_{table}"
        ]
        assert set(now["triggers"]) == set(was["triggers"]) | {
            f"{table}_successor_{name}"
            for name in ("on_insert", "on_update", "deleted", "renumbered")
        }
    with engine.begin() as conn:  # ids go on from the sequence; the current key holds
        top = max(row.id for row in before["case_measurement"])
        copy = (  # the source row first: a default below a LIMIT may run more than once
            "WITH one AS MATERIALIZED (SELECT * FROM case_measurement "
            "WHERE superseded_at IS NULL ORDER BY id LIMIT 1) "
            "INSERT INTO case_measurement (child_id, indicator_id, reporting_org_id, "
            "submission_id, observed_on, value, category, source_kind, recorded_at) "
            "SELECT child_id, indicator_id, reporting_org_id, submission_id, observed_on, "
            "value, {category}, source_kind, recorded_at FROM one RETURNING id"
        )
        assert conn.execute(text(copy.format(category="'x'"))).scalar_one() == top + 1
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(copy.format(category="category")))
    dangling = (
        "UPDATE case_measurement SET superseded_by_id = -1 WHERE id = "
        "(SELECT min(id) FROM case_measurement WHERE superseded_by_id IS NULL)"
    )
    with (
        pytest.raises(IntegrityError, match="superseded_by_id names no existing"),
        engine.begin() as conn,
    ):
        conn.execute(text(dangling))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM case_measurement WHERE category = 'x'"))
    started = time.perf_counter()
    command.downgrade(db.alembic_config(engine), PREVIOUS)
    downgraded = time.perf_counter() - started
    with engine.connect() as conn:
        after = _snapshot(conn)
        assert after["case_measurement"] == before["case_measurement"]
        assert after["aggregate_measurement"] == before["aggregate_measurement"]
        # the sequence kept its place: the deleted row's and the refused row's ids are spent
        assert after["case_measurement sequence"] == top + 2
        assert _structure(conn) == single
    print(
        f"\n{ROWS + ROWS // 10} case rows: upgrade {upgraded:.2f} s, downgrade {downgraded:.2f} s"
    )
    assert db.upgrade(engine) == db.head_revision()  # and up again
