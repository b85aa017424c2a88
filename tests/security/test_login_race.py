"""Issue #12, item 10: the login lockout holds under parallel attempts.

16 parallel attempts used to check 75-80 passwords per window (limit 5): the failure count
was read, then written back. Now each attempt is counted before its password is checked."""

from __future__ import annotations

import threading
import time

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, select

from monitor import auth
from monitor.errors import AuthenticationError
from monitor.settings import get_settings
from schema import User

THREADS = 16


class _CountingHasher(PasswordHasher):
    """Argon2 with test-sized cost that counts (and slows down) every password check."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.checks = 0
        self._lock = threading.Lock()

    def verify(self, hash, password) -> bool:  # noqa: A002, ANN001
        with self._lock:
            self.checks += 1
        time.sleep(0.05)  # widen the window between reading and writing the count
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> _CountingHasher:
    counting = _CountingHasher()
    monkeypatch.setattr(auth, "_hasher", counting)
    return counting


def _attempt(engine, barrier: threading.Barrier, password: str, answers: list[str]) -> None:
    with Session(engine, expire_on_commit=False) as session:
        barrier.wait()
        try:
            auth.authenticate(session, "target", password)
            answers.append("ok")
        except AuthenticationError as exc:
            answers.append(str(exc))
        session.commit()


def test_parallel_attempts_check_at_most_the_limit(engine, hasher, monkeypatch):
    monkeypatch.setenv("LOGIN_MAX_FAILURES", "5")
    get_settings.cache_clear()
    with Session(engine) as session:
        auth.create_user(session, username="target", password="the-right-password")
        session.commit()
    hasher.checks = 0
    barrier = threading.Barrier(THREADS)
    answers: list[str] = []
    password = "a-wrong-password"
    threads = [
        threading.Thread(target=_attempt, args=(engine, barrier, password, answers))
        for _ in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == THREADS
    assert 1 <= hasher.checks <= 5, f"{hasher.checks} passwords checked (limit 5)"
    assert set(answers) == {"unknown username or wrong password"}  # locked: same answer
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "target")).one()
        assert user.locked_until is not None
    # locked: even the right password is not checked, and the answer is the same
    with Session(engine) as session, pytest.raises(AuthenticationError) as refused:
        auth.authenticate(session, "target", "the-right-password")
    assert hasher.checks <= 5
    assert str(refused.value) == "unknown username or wrong password"
    get_settings.cache_clear()
