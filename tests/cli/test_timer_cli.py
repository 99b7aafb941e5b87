"""`studybuddy timer` as a user runs it, faults included: killed, terminal closed, two writers at once,
a damaged database. Subprocesses read the time from $STUDYBUDDY_CLOCK_FILE, so every figure is exact;
the tests wait for what the process wrote, never for a length of time."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studybuddy.cli import main

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
WAIT_LIMIT = 20.0  # seconds; only reached when something is broken


class Home:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock_file = root / "clock.txt"
        self.database = root / "home" / "studybuddy.sqlite3"
        self.notifications = root / "notifications.txt"
        bin_dir = root / "bin"  # a stand-in notify-send that records what it was asked to show
        bin_dir.mkdir()
        notifier = bin_dir / "notify-send"
        notifier.write_text(f'#!/bin/sh\necho "$@" >> "{self.notifications}"\n')
        notifier.chmod(0o755)
        config = root / "config.toml"
        config.write_text('[timer]\nrotation = ["linear algebra", "calculus", "deep learning"]\n')
        self.env = {
            **os.environ,
            "STUDYBUDDY_HOME": str(root / "home"),
            "STUDYBUDDY_CONFIG": str(config),
            "STUDYBUDDY_CLOCK_FILE": str(self.clock_file),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "NO_COLOR": "1",
        }
        self.set_time(T0)

    def set_time(self, moment: datetime) -> None:
        partial = self.clock_file.with_suffix(".partial")
        partial.write_text(moment.isoformat())
        os.replace(partial, self.clock_file)  # the CLI never reads half a time

    def set_time_and_wait_for_heartbeat(self, moment: datetime) -> None:
        """Move time on, as a running countdown sees it: its next heartbeat lands at ``moment``."""
        self.set_time(moment)
        wait_until(
            lambda: self.rows("SELECT 1 FROM sessions WHERE last_heartbeat_at = ?", moment.timestamp()),
            f"the heartbeat at {moment:%H:%M:%S}",
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "studybuddy", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "studybuddy", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=WAIT_LIMIT,
        )

    def rows(self, sql: str, *params: object) -> list[tuple]:
        if not self.database.exists():
            return []
        with sqlite3.connect(self.database, timeout=5) as conn:
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError:  # the schema is being created right now
                return []


def wait_until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path)


def start_and_heartbeat(home: Home, beats: int, step: timedelta) -> subprocess.Popen[str]:
    """Start `timer start`, then move the clock on ``beats`` times, each time until its heartbeat lands."""
    process = home.popen("timer", "start", "--minutes", "60", "--subject", "calculus")
    wait_until(lambda: home.rows("SELECT id FROM sessions WHERE state = 'running'"), "the session row")
    for beat in range(1, beats + 1):
        home.set_time_and_wait_for_heartbeat(T0 + beat * step)
    return process


def recover_with_next_start(home: Home, *options: str) -> subprocess.CompletedProcess[str]:
    """The next `timer start` (whose new session a `timer stop` from another shell then ends)."""
    process = home.popen("timer", "start", "--minutes", "60", "--subject", "algebra", *options)
    wait_until(lambda: home.rows("SELECT 1 FROM sessions WHERE subject = 'algebra'"), "the new session")
    assert home.run("timer", "stop").returncode == 0
    out, err = process.communicate(timeout=WAIT_LIMIT)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.slow
def test_a_killed_timer_loses_at_most_a_heartbeat_and_is_offered_for_recovery(home: Home) -> None:
    step = timedelta(seconds=30)
    process = start_and_heartbeat(home, beats=4, step=step)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=WAIT_LIMIT)
    assert home.rows("SELECT state FROM sessions") == [("running",)]
    assert "interrupted: calculus" in home.run("timer", "status").stdout

    home.set_time(T0 + timedelta(hours=3))  # the user comes back later
    result = recover_with_next_start(home)  # not a terminal: it keeps the session, and says so

    assert result.returncode == 0, result.stderr
    assert "Kept 2 min of calculus" in result.stdout
    assert "keeping it up to its last heartbeat" in result.stderr
    [(state, studied, ended)] = home.rows(
        "SELECT state, studied_seconds, ended_at FROM sessions WHERE subject = 'calculus'"
    )
    assert state == "stopped"
    assert abs(studied - 4 * step.total_seconds()) <= 5  # exact here; the promise is one update interval
    assert ended == (T0 + 4 * step).timestamp()
    assert "locked" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM"])
@pytest.mark.parametrize("state", ["running", "paused"])
def test_a_closed_terminal_or_a_polite_kill_leaves_the_session_counting(
    home: Home, how: str, state: str
) -> None:
    process = start_and_heartbeat(home, beats=4, step=timedelta(seconds=30))
    if state == "paused":
        home.run("timer", "pause")
        home.set_time_and_wait_for_heartbeat(T0 + timedelta(minutes=3))
    process.send_signal(getattr(signal, how))
    process.communicate(timeout=WAIT_LIMIT)
    assert process.returncode == 128 + getattr(signal, how)
    home.set_time(T0 + timedelta(minutes=10))

    status = json.loads(home.run("timer", "status", "--json").stdout)
    assert status["interrupted"] == [] and status["state"] == state
    assert status["session"]["studied_seconds"] == (600 if state == "running" else 120)
    stopped = home.run("timer", "stop")
    assert f"Stopped: calculus, {10 if state == 'running' else 2} min studied" in stopped.stdout


@pytest.mark.slow
def test_the_hour_rings_and_suggests_the_next_subject_and_the_diary(home: Home) -> None:
    process = home.popen("timer", "start", "--minutes", "1", "--subject", "calculus")
    wait_until(lambda: home.rows("SELECT id FROM sessions"), "the session row")
    home.set_time(T0 + timedelta(minutes=5))
    out, err = process.communicate(timeout=WAIT_LIMIT)
    assert process.returncode == 0, err
    assert "\a" in out and "Time's up: 1 min of calculus recorded." in out
    assert "Next in your rotation: deep learning" in out
    assert 'studybuddy diary add "calculus: ' in out
    assert "Time's up" in home.notifications.read_text()
    assert home.rows("SELECT state, studied_seconds FROM sessions") == [("finished", 60.0)]


@pytest.mark.slow
def test_pause_and_resume_from_another_shell_show_in_the_countdown(home: Home) -> None:
    process = home.popen("timer", "start", "--minutes", "60", "--subject", "calculus")
    wait_until(lambda: home.rows("SELECT id FROM sessions"), "the session row")
    paused = home.run("timer", "pause")
    assert paused.returncode == 0 and "Paused: calculus" in paused.stdout
    wait_until(lambda: home.rows("SELECT 1 FROM pauses"), "the pause")
    home.set_time_and_wait_for_heartbeat(T0 + timedelta(minutes=10))  # it beats while paused, too
    assert "0 min studied" in home.run("timer", "resume").stdout
    home.set_time_and_wait_for_heartbeat(T0 + timedelta(minutes=25))
    stopped = home.run("timer", "stop")
    assert "Stopped: calculus, 15 min studied" in stopped.stdout
    out, _ = process.communicate(timeout=WAIT_LIMIT)
    assert "paused" in out and "Stopped: 15 min of calculus recorded." in out


WRITER = """
import sys
from studybuddy.cli import main
for number in range(300):
    if main(["timer", "log", "1", "--subject", f"{sys.argv[1]}-{number}"]) != 0:
        raise SystemExit(1)
"""


@pytest.mark.slow
def test_two_writers_at_once_store_every_session_and_never_show_database_is_locked(home: Home) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name],
            env=home.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("cli", "other")
    ]
    results = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err and "busy" not in err
    subjects = {subject for (subject,) in home.rows("SELECT subject FROM sessions")}
    assert subjects == {f"{name}-{n}" for name in ("cli", "other") for n in range(300)}


def test_a_damaged_database_is_set_aside_with_a_clear_message_and_the_diary_untouched(
    home: Home, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in home.env.items():
        monkeypatch.setenv(name, value)
    diary = home.root / "home" / "diary"
    diary.mkdir(parents=True)
    (diary / "2025-07-05.md").write_text("backprop by hand\n")
    home.database.write_bytes(b"\x00garbage that is not SQLite\n" * 100)

    assert main(["timer", "status"]) == 0
    err = capsys.readouterr().err
    assert "could not be used" in err and "studybuddy.sqlite3.corrupt-20250706T" in err
    assert "diary is untouched" in err and "Traceback" not in err
    [kept] = home.database.parent.glob("studybuddy.sqlite3.corrupt-*")
    assert kept.read_bytes() == b"\x00garbage that is not SQLite\n" * 100
    assert (diary / "2025-07-05.md").read_text() == "backprop by hand\n"
    assert main(["timer", "log", "30", "--subject", "calculus"]) == 0  # the fresh one works


@pytest.fixture
def in_process(home: Home, monkeypatch: pytest.MonkeyPatch) -> Home:
    for name, value in home.env.items():
        monkeypatch.setenv(name, value)
    return home


def test_status_json_reports_idle_then_the_last_session(in_process: Home, capsys) -> None:
    assert main(["timer", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "state": "idle",
        "session": None,
        "interrupted": [],
        "last": None,
    }
    main(["timer", "log", "45", "--subject", "calculus", "--date", "yesterday"])
    capsys.readouterr()
    main(["timer", "status", "--json"])
    status = json.loads(capsys.readouterr().out)
    assert status["last"]["subject"] == "calculus" and status["last"]["day"] == "2025-07-05"
    assert status["last"]["studied_seconds"] == 2700


def test_a_date_that_does_not_exist_is_refused_clearly(in_process: Home, capsys) -> None:
    assert main(["timer", "log", "45", "--subject", "calculus", "--date", "2025-02-30"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_pause_with_nothing_running_says_how_to_start(in_process: Home, capsys) -> None:
    assert main(["timer", "pause"]) == 1
    assert "no session is running (start one with `studybuddy timer start`)" in capsys.readouterr().err


def test_an_interrupted_session_shows_in_status_and_can_be_discarded(in_process: Home, capsys) -> None:
    main(["timer", "status"])  # creates the database
    with sqlite3.connect(in_process.database) as conn:  # a session whose process vanished long ago
        conn.execute(
            "INSERT INTO sessions (subject, planned_seconds, started_at, day, state, last_heartbeat_at, "
            "studied_seconds, owner_pid, owner_host) VALUES ('calculus', 3600, ?, '2025-07-06', 'running', "
            "?, 600, 999999, 'elsewhere')",
            ((T0 - timedelta(hours=2)).timestamp(), (T0 - timedelta(minutes=110)).timestamp()),
        )
    capsys.readouterr()
    main(["timer", "status"])
    assert "interrupted: calculus" in capsys.readouterr().out
    assert main(["timer", "recover", "discard"]) == 0
    assert "Discarded the session of calculus" in capsys.readouterr().out
    main(["timer", "status", "--json"])
    assert json.loads(capsys.readouterr().out)["interrupted"] == []
