"""The real `studybuddy` app in a pseudo-terminal, left with a session running or paused by a signal:
SIGTERM (a polite kill), SIGHUP (the terminal closed: the test closes it, and the kernel hangs up), and
SIGKILL. Then what the learner sees next: `studybuddy timer status`, and the app opened again.

SIGTERM and SIGHUP quit the app the way ctrl+q does (the terminal restored, the session let go of and
still counting). SIGKILL leaves no chance to let go: the session is interrupted, keeps the time of its
last heartbeat, and the next start offers to keep it. (ctrl+q, the palette's Quit and a crash are
in-process, in test_timer_exits.py.)

The processes read the time from $STUDYBUDDY_CLOCK_FILE, so every figure is exact; the tests wait for
what the app wrote or showed, never for a length of time.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

COMMAND = Path(sys.executable).with_name("studybuddy")
T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
WAIT_LIMIT = 60.0  # seconds; only reached when something is broken
F6, CTRL_Q = b"\x1b[17~", b"\x11"
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
# Starts the app as the leader of a new session whose controlling terminal is the pty, as a shell in a
# terminal window does: closing the pty then hangs up and the kernel sends the app SIGHUP.
AS_CONTROLLING_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which(str(COMMAND)), reason="the studybuddy command is not installed"),
]


def wait_until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


class StudyHome:
    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        self.database = self.home / "studybuddy.sqlite3"
        self.clock_file = root / "clock.txt"
        self.env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": "100",
            "LINES": "30",
            "STUDYBUDDY_CONFIG": str(root / "none.toml"),
            "STUDYBUDDY_CLOCK_FILE": str(self.clock_file),
        }
        self.env.pop("STUDYBUDDY_HOME", None)
        self.set_time(T0)

    def set_time(self, moment: datetime) -> None:
        partial = self.clock_file.with_suffix(".partial")
        partial.write_text(moment.isoformat())
        os.replace(partial, self.clock_file)

    def set_time_and_wait_for_heartbeat(self, moment: datetime) -> None:
        self.set_time(moment)
        wait_until(
            lambda: self.rows("SELECT 1 FROM sessions WHERE last_heartbeat_at = ?", moment.timestamp()),
            f"the app's heartbeat at {moment:%H:%M}",
        )

    def rows(self, sql: str, *params: object) -> list[tuple]:
        if not self.database.exists():
            return []
        with sqlite3.connect(self.database, timeout=5) as conn:
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError:  # the schema is being created right now
                return []

    def timer_status(self) -> dict:
        result = subprocess.run(
            [str(COMMAND), "--home", str(self.home), "timer", "status", "--json"],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=WAIT_LIMIT,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def open_app(self) -> AppInTerminal:
        return AppInTerminal(self)


class AppInTerminal:
    """`studybuddy` in a 100x30 pseudo-terminal; a thread keeps reading what it draws."""

    def __init__(self, study: StudyHome) -> None:
        self.fd, child_fd = pty.openpty()
        fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-c", AS_CONTROLLING_TERMINAL, str(COMMAND), "--home", str(study.home)],
            stdin=child_fd,
            stdout=child_fd,
            stderr=child_fd,
            env=study.env,
            start_new_session=True,
        )
        os.close(child_fd)
        self._shown = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # the app has closed its side
                    return
                if not data:
                    return
                with self._lock:
                    self._shown += data

    def shown(self) -> bytes:
        with self._lock:
            return bytes(self._shown)

    def wait_for(self, text: bytes, after: int = 0) -> None:
        try:
            wait_until(lambda: text in self.shown()[after:], f"{text!r} on the screen")
        except AssertionError:
            raise AssertionError(
                f"{text!r} never appeared; the screen showed: {self.last_screen()!r}"
            ) from None

    def press(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def hang_up(self) -> None:
        """Close the terminal, as closing its window does."""
        self._stop.set()
        self._reader.join()
        os.close(self.fd)
        self.fd = -1

    def wait_for_exit(self) -> int:
        return self.process.wait(timeout=WAIT_LIMIT)

    def last_screen(self) -> str:
        """For a failure's message: the end of what the app drew."""
        return self.shown()[-3000:].decode("utf-8", "replace")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=WAIT_LIMIT)
        if self.fd >= 0:
            self._stop.set()
            self._reader.join()
            os.close(self.fd)
            self.fd = -1


def start_and_study(study: StudyHome, app: AppInTerminal, state: str) -> None:
    """F6, a subject, Enter: then 10 minutes studied (and, for a paused session, 5 minutes of pause)."""
    app.wait_for(b"Today's diary")
    app.press(F6)
    app.wait_for(b"Start a study session")
    app.press(b"calculus\r")
    wait_until(lambda: study.rows("SELECT 1 FROM sessions WHERE state = 'running'"), "the session row")
    study.set_time_and_wait_for_heartbeat(T0 + timedelta(minutes=10))
    if state == "paused":
        app.press(F6)
        wait_until(lambda: study.rows("SELECT 1 FROM sessions WHERE state = 'paused'"), "the pause")
        study.set_time_and_wait_for_heartbeat(T0 + timedelta(minutes=15))  # it beats while paused too


@pytest.mark.parametrize("state", ["running", "paused"])
@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP"])
def test_a_polite_kill_or_a_closed_terminal_quits_cleanly_and_the_session_counts_on(
    tmp_path: Path, how: str, state: str
) -> None:
    study = StudyHome(tmp_path)
    app = study.open_app()
    try:
        start_and_study(study, app, state)
        before_signal = len(app.shown())
        if how == "SIGHUP":
            app.hang_up()
        else:
            app.process.send_signal(signal.SIGTERM)
        assert app.wait_for_exit() == 128 + getattr(signal, how), app.last_screen()
        if how == "SIGTERM":  # the terminal is still there, and handed back as it was found
            app.wait_for(LEAVE_ALTERNATE_SCREEN, after=before_signal)
    finally:
        app.close()

    status = study.timer_status()
    assert status["interrupted"] == [] and status["state"] == state
    assert status["session"]["studied_seconds"] == 600
    study.set_time(T0 + timedelta(minutes=20))
    expected = 1200 if state == "running" else 600  # a running session counts on without the app
    assert study.timer_status()["session"]["studied_seconds"] == expected

    reopened = study.open_app()
    try:
        reopened.wait_for(b"40:00" if state == "running" else b"50:00")
        assert b"calculus" in reopened.shown() and b"interrupted" not in reopened.shown()
        reopened.press(CTRL_Q)
        assert reopened.wait_for_exit() == 0, reopened.last_screen()
    finally:
        reopened.close()
    assert study.timer_status()["state"] == state


@pytest.mark.parametrize("state", ["running", "paused"])
def test_a_killed_app_loses_at_most_a_heartbeat_and_the_next_start_offers_to_keep_it(
    tmp_path: Path, state: str
) -> None:
    study = StudyHome(tmp_path)
    app = study.open_app()
    try:
        start_and_study(study, app, state)
        if state == "running":
            study.set_time_and_wait_for_heartbeat(T0 + timedelta(minutes=15))
        study.set_time(T0 + timedelta(minutes=15, seconds=4))  # killed between two heartbeats
        os.killpg(app.process.pid, signal.SIGKILL)
        app.wait_for_exit()
    finally:
        app.close()

    status = study.timer_status()
    assert status["state"] == "idle"
    [interrupted] = status["interrupted"]
    assert interrupted["studied_seconds"] == (900 if state == "running" else 600)

    reopened = study.open_app()
    try:
        reopened.wait_for(b"An interrupted session was found")
        assert b"Known studied time: " + (b"10" if state == "paused" else b"15") + b" min" in reopened.shown()
    finally:
        reopened.close()
