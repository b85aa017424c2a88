"""Load: 20 partners submit at the same moment through a real uvicorn server on loopback.
Every batch is accepted, the row counts are exact, nothing deadlocks; p95 is printed."""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import Session

from monitor import auth
from monitor.api import create_api
from schema import Organisation
from tests.monitor.api.helpers import LiveServer, data_counts

PARTNERS = 20
CHILDREN = 25
MONTHS = 4  # rows per partner = CHILDREN x MONTHS


def _partner_file(code: str) -> bytes:
    lines = ["child_ref,indicator,date,value,birth_month,sex,municipality"]
    for child in range(CHILDREN):
        for month in range(1, MONTHS + 1):
            lines.append(
                f"{code}-k{child},CH_ABS,2024-{month:02d}-15,{(child + month) % 100},"
                f"2014-{1 + child % 12:02d},{'mf'[child % 2]},GM0363"
            )
    return ("\n".join(lines) + "\n").encode()


def test_twenty_concurrent_partner_submissions(engine, api_world):
    world = api_world.world
    tokens: dict[str, str] = {}
    with Session(engine, expire_on_commit=False) as session:
        for i in range(PARTNERS):
            code = f"KO-{i:02d}"
            session.add(
                Organisation(
                    code=code,
                    name=f"Kinderopvang {i}",
                    kind="childcare",
                    municipality_id=world.orgs["GM0363"].id,
                )
            )
            session.flush()
            user = auth.create_user(session, username=f"entry{i:02d}", password="x" * 12)
            auth.grant_role(session, user, "partner_entry", code)
            tokens[code] = auth.create_token(session, user, name="load")
        session.commit()
    before = data_counts(engine)
    files = {code: _partner_file(code) for code in tokens}
    barrier = threading.Barrier(PARTNERS)

    def submit(code: str) -> tuple[int, float, dict]:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            barrier.wait(timeout=60)
            start = time.perf_counter()
            response = http.post(
                "/api/submissions",
                headers={"Authorization": f"Bearer {tokens[code]}"},
                files={"file": (f"{code}.csv", files[code])},
                data={"organisation": code},
            )
            return response.status_code, time.perf_counter() - start, response.json()

    app = create_api(engine=engine)
    with LiveServer(app) as server, ThreadPoolExecutor(PARTNERS) as pool:
        started = time.perf_counter()
        results = list(pool.map(submit, tokens, timeout=300))
        wall = time.perf_counter() - started
    statuses = [status for status, _, _ in results]
    assert statuses == [201] * PARTNERS, [body for _, _, body in results if "status" not in body]
    assert all(body["status"] == "accepted" for _, _, body in results)
    assert all(body["rows_accepted"] == CHILDREN * MONTHS for _, _, body in results)
    after = data_counts(engine)
    assert after["case_measurement"] - before["case_measurement"] == PARTNERS * CHILDREN * MONTHS
    assert after["child"] - before["child"] == PARTNERS * CHILDREN
    latencies = sorted(seconds for _, seconds, _ in results)
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(
        f"\nload ({engine.dialect.name}): {PARTNERS} concurrent submissions of "
        f"{CHILDREN * MONTHS} rows, all accepted; wall {wall:.2f}s, "
        f"median {statistics.median(latencies):.2f}s, p95 {p95:.2f}s, max {latencies[-1]:.2f}s"
    )
    assert wall < 300
