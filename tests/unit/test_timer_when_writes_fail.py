"""A running timer outlives a database it cannot write: another process holding the write lock for a
minute, or a full disk, never ends the countdown; it keeps counting, says so, and retries every beat.
`timer status` answers from what it can read while another process holds the write lock."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.cli.countdown import run_countdown
from studybuddy.services.clock import CLOCK_FILE_ENV_VAR
from studybuddy.services.timer import TimerService
from studybuddy.storage.database import Database, DatabaseError
from studybuddy.storage.sessions import Owner

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
OWNER = Owner(1001, "laptop")


@dataclass
class FakeClock:
    moment: datetime = T0

    def now(self) -> datetime:
        return self.moment


class FailingWrites:
    """The real database, whose writes fail (as on a full disk) while ``full`` is set."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.full = False

    def read(self):  # type: ignore[no-untyped-def]
        return self.database.read()

    @contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[sqlite3.Connection]:
        if self.full:
            raise DatabaseError(f"the disk holding {self.database.path} is full; nothing was saved")
        with self.database.write(wait=wait) as conn:
            yield conn


def _stored(path: Path) -> tuple[str, float]:
    with sqlite3.connect(path) as conn:
        state, studied = conn.execute("SELECT state, studied_seconds FROM sessions").fetchone()
    return state, studied


def _countdown(
    service: TimerService, clock: FakeClock, during: dict[int, object]
) -> tuple[object, list[str]]:
    """Run a non-live countdown whose every tick moves the clock 1 s; ``during[n]`` runs at tick n."""
    ticks = [0]
    out = io.StringIO()

    def sleep(seconds: float) -> None:
        ticks[0] += 1
        clock.moment += timedelta(seconds=1)
        action = during.get(ticks[0])
        if callable(action):
            action()

    session = service.start(subject="calculus", minutes=1)
    result = run_countdown(service, session, clock, out, live=False, sleep=sleep)
    return result, out.getvalue().splitlines()


def test_a_write_lock_held_by_another_process_for_a_minute_does_not_end_the_countdown(tmp_path: Path) -> None:
    path = tmp_path / "studybuddy.sqlite3"
    clock = FakeClock()
    with Database.open(path, now=T0, busy_timeout=1.0) as database:
        service = TimerService(database, clock, owner=OWNER, is_alive=lambda pid: True)
        other = sqlite3.connect(path, isolation_level=None)
        try:
            result, lines = _countdown(
                service,
                clock,
                {
                    5: lambda: other.execute("BEGIN IMMEDIATE"),  # another process takes the lock...
                    25: lambda: other.execute("COMMIT"),  # ...and holds it for 20 s of the countdown
                },
            )
        finally:
            other.close()

    assert result.session.state == "finished"  # it counted through to the end
    assert result.unsaved is None
    assert "calculus  " in lines[0] and "(not saved" not in lines[0]
    assert any(line.endswith("(not saved: the database is busy; retrying)") for line in lines)
    assert "(not saved" not in lines[-1]  # said again once the writes got through
    assert _stored(path) == ("finished", 60.0)


def test_a_full_disk_does_not_end_the_countdown_and_the_time_is_saved_once_there_is_room(
    tmp_path: Path,
) -> None:
    path = tmp_path / "studybuddy.sqlite3"
    clock = FakeClock()
    with Database.open(path, now=T0) as real:
        database = FailingWrites(real)
        service = TimerService(database, clock, owner=OWNER, is_alive=lambda pid: True)  # type: ignore[arg-type]

        def fill() -> None:
            database.full = True

        def free() -> None:
            database.full = False

        result, lines = _countdown(service, clock, {3: fill, 40: free})

    assert result.session.state == "finished"
    assert any(line.endswith("(not saved: the disk is full; retrying)") for line in lines)
    assert _stored(path) == ("finished", 60.0)


def test_a_disk_still_full_at_the_end_is_said_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "studybuddy.sqlite3"
    clock = FakeClock()
    with Database.open(path, now=T0) as real:
        database = FailingWrites(real)
        service = TimerService(database, clock, owner=OWNER, is_alive=lambda pid: True)  # type: ignore[arg-type]

        def fill() -> None:
            database.full = True

        result, _ = _countdown(service, clock, {30: fill})

    assert result.session.state == "finished"  # the countdown ended on time, on the clock
    assert result.unsaved is not None and "is full; nothing was saved" in result.unsaved
    state, studied = _stored(path)
    assert state == "running" and 29 <= studied <= 31  # the last heartbeat that got through


def test_timer_status_answers_while_another_process_holds_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    clock_file = tmp_path / "clock"
    monkeypatch.setenv(CLOCK_FILE_ENV_VAR, str(clock_file))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    clock_file.write_text(T0.isoformat())
    assert main(["--home", str(home), "timer", "log", "30", "--subject", "algebra"]) == 0
    with Database.open(home / "studybuddy.sqlite3", now=T0) as database:
        TimerService(database, FakeClock(), owner=None).start(subject="calculus", minutes=10)
    clock_file.write_text((T0 + timedelta(minutes=20)).isoformat())  # it ended unseen: status stores it
    other = sqlite3.connect(home / "studybuddy.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock throughout
    capsys.readouterr()
    try:
        code = main(["--home", str(home), "timer", "status"])
    finally:
        other.close()

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.startswith("idle: no session running. Last: calculus, 10 min")
