"""``monitor user ...``, ``monitor audit`` and ``monitor serve`` (in-process and real)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from sqlmodel import Session, select

from monitor import auth
from schema import User
from tests.factories import PASSWORD


@pytest.fixture
def world_db(api_world, engine):
    return engine


def test_user_lifecycle(cli, world_db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    code, out, err = cli("user", "add", "newbie", "--full-name", "New Bie", "--password-stdin")
    assert code == 0, err
    assert "a long enough password" not in out + err
    code, out, _ = cli("user", "role", "newbie", "network_viewer", "--org", "NW-A")
    assert code == 0 and "network_viewer for NW-A" in out
    code, out, _ = cli("user", "token", "newbie", "--name", "script", "--days", "7")
    assert code == 0
    token = out.strip().splitlines()[-1]
    assert token.startswith("cm_")
    with Session(world_db) as session:
        user = auth.user_for_token(session, token)
        assert user.username == "newbie"
    code, out, _ = cli("user", "list")
    assert code == 0 and "newbie" in out and "network_viewer@NW-A" in out
    code, out, _ = cli("user", "role", "newbie", "network_viewer", "--org", "NW-A", "--revoke")
    assert code == 0 and "revoked" in out
    code, out, _ = cli("audit", "--action", "role_revoked", "--limit", "5")
    assert code == 0 and "role_revoked" in out and "newbie" in out


def test_user_errors_are_clear(cli, world_db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = cli("user", "add", "tiny", "--password-stdin")
    assert code == 9 and "at least 10 characters" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, _, err = cli("user", "add", "admin", "--password-stdin")
    assert code == 5 and "already exists" in err
    code, _, err = cli("user", "role", "nobody", "admin")
    assert code == 4 and "does not exist" in err
    code, out, err = cli("user", "role", "viewer_b", "emperor", "--org", "NW-B")
    assert code != 0 and "unknown role" in out + err
    code, _, err = cli("user", "role", "viewer_b", "network_viewer")
    assert code == 9 and "needs an organisation" in err
    assert "Traceback" not in err


def test_unlock(cli, world_db, monkeypatch):
    from monitor.settings import get_settings

    monkeypatch.setenv("LOGIN_MAX_FAILURES", "1")
    get_settings.cache_clear()
    with Session(world_db) as session:
        with pytest.raises(Exception, match="wrong password"):
            auth.authenticate(session, "viewer_b", "wrong password")
        session.commit()
        code, out, _ = cli("user", "list")
        assert "locked" in out
    code, out, _ = cli("user", "unlock", "viewer_b")
    assert code == 0 and "unlocked" in out
    with Session(world_db) as session:
        assert auth.authenticate(session, "viewer_b", PASSWORD).username == "viewer_b"
        user = session.exec(select(User).where(User.username == "viewer_b")).one()
        assert user.locked_until is None
    get_settings.cache_clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _monitor(*args: str, env: dict[str, str], timeout: float | None = 60):
    command = [sys.executable, "-c", "from monitor.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def test_production_mode_refuses_the_demo_key(world_db, tmp_path):
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "DATABASE_URL": str(world_db.url.render_as_string(hide_password=False)),
    }
    env.pop("PSEUDONYM_KEY", None)
    result = _monitor("serve", "--port", str(_free_port()), env=env)
    assert result.returncode == 2
    assert "PSEUDONYM_KEY is the demo key" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    env["PSEUDONYM_KEY"] = "k" * 40
    result = _monitor("serve", "--port", str(_free_port()), env=env)
    assert result.returncode == 2 and "SESSION_SECRET is the demo secret" in result.stderr


def test_serve_answers_on_loopback(world_db):
    port = _free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "DATABASE_URL": str(world_db.url.render_as_string(hide_password=False)),
    }
    command = [sys.executable, "-c", "from monitor.cli import main; main()", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    break
                time.sleep(0.3)
        if health is None:
            process.terminate()
            raise AssertionError(process.communicate(timeout=30)[0])
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok"}
        unknown = httpx.get(f"http://127.0.0.1:{port}/api/nothing-here", timeout=5)
        assert unknown.status_code == 404 and unknown.json()["detail"]
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=60, follow_redirects=True)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"http://localhost:{port}/" in output


def test_user_add_prompts_twice_for_the_password(cli, world_db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("prompted password 1\nprompted password 1\n"))
    code, out, err = cli("user", "add", "prompted")
    assert code == 0, err
    assert "prompted password 1" not in out + err
    with Session(world_db) as session:
        assert auth.authenticate(session, "prompted", "prompted password 1").username == "prompted"
