"""Shared pieces of the API and security tests: the world with tokens, sample files, counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from monitor import auth
from schema import (
    AggregateMeasurement,
    AuditEntry,
    CaseMeasurement,
    Child,
    Participation,
    Submission,
)
from tests.factories import World, build_world

#: role -> (user in tests.factories.USERS, own organisation, another organisation)
ROLE_USERS: dict[str, tuple[str | None, str, str]] = {
    "admin": ("admin", "GM0363", "GM0599"),
    "municipality_officer": ("officer_ams", "GM0363", "GM0599"),
    "partner_entry": ("school_a", "11AA", "22BB"),
    "network_viewer": ("viewer_a", "NW-A", "NW-B"),
    "researcher": ("researcher_ams", "GM0363", "GM0599"),
    "anonymous": (None, "GM0363", "GM0599"),
}

#: Tables holding submitted data: a refused batch must leave all of them unchanged.
DATA_TABLES = (Child, CaseMeasurement, AggregateMeasurement, Participation)

#: A valid BSN (elfproef) and a second one, for files that carry BSNs.
BSNS = ("111222333", "123456782")


@dataclass
class ApiWorld:
    """The factories' world plus a bearer token per user."""

    world: World
    tokens: dict[str, str]

    def headers(self, username: str | None) -> dict[str, str]:
        """Authorization header of ``username`` (none for anonymous)."""
        return {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}


def build_api_world(session: Session) -> ApiWorld:
    """build_world, plus one API token per user (committed)."""
    world = build_world(session)
    tokens = {
        name: auth.create_token(session, user, name="test") for name, user in world.users.items()
    }
    session.commit()
    return ApiWorld(world=world, tokens=tokens)


def sample_file(organisation: str) -> tuple[str, bytes]:
    """A valid one-row file for ``organisation``: case rows for partners, figures otherwise."""
    header = "organisation,indicator,period,value\n"
    if organisation.startswith("GM"):
        return "figures.csv", f"{header}{organisation},MU_YOUTH,2024-H1,150000\n".encode()
    if organisation.startswith("NW"):
        return "figures.csv", f"{header}{organisation},NW_CHILDREN,2024-H1,900\n".encode()
    municipality = "GM0363" if organisation in ("11AA", "JH-A") else "GM0599"
    return "cases.csv", (
        "child_ref,indicator,date,value,birth_month,sex,municipality\n"
        f"c1,CH_ABS,2024-03-31,2,2014-05,f,{municipality}\n"
    ).encode()


def sample_rows(organisation: str) -> list[dict]:
    """The rows of :func:`sample_file` as JSON objects."""
    _name, data = sample_file(organisation)
    header, *lines = data.decode().strip().splitlines()
    keys = header.split(",")
    return [dict(zip(keys, line.split(","), strict=True)) for line in lines]


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per data table (plus submissions and audit entries, reported separately)."""
    with Session(engine) as session:
        counts = {
            t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (*DATA_TABLES, Submission, AuditEntry)
        }
    return counts


def data_counts(engine: Engine) -> dict[str, int]:
    """Rows per data table only."""
    names = {t.__tablename__ for t in DATA_TABLES}
    return {k: v for k, v in row_counts(engine).items() if k in names}


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 and a free port, in a background thread.

    Logs go through the standard logging tree (``log_config=None``), so ``caplog`` sees
    uvicorn's access and error log too."""

    def __init__(self, app) -> None:  # noqa: ANN001
        import socket

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=True, workers=1
        )
        self.server = uvicorn.Server(config)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc_info) -> None:  # noqa: ANN002
        self.server.should_exit = True
        self.thread.join(timeout=30)
