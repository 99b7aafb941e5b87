"""Reviews survive a kill during a review: the real `studybuddy` in a pseudo-terminal, killed with
SIGKILL while an exercise of the Review section is on screen (its answer graded, its rating not yet
saved); the reviews saved before are all there, whole, at the next start. The processes read the
time from $STUDYBUDDY_CLOCK_FILE; the test waits for what the app wrote or showed, never for a time."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import timedelta
from pathlib import Path

from test_timer_exits_pty import COMMAND, CTRL_Q, T0, WAIT_LIMIT, StudyHome, pytestmark, wait_until

__all__ = ["pytestmark"]  # slow, and skipped without the installed command, as the timer's pty tests

F5, F10 = b"\x1b[15~", b"\x1b[21~"
LOGS = "SELECT c.exercise_id, l.rating FROM review_logs l JOIN cards c USING (card_id) ORDER BY l.rowid"


def answer_from_the_shell(study: StudyHome, answer: str) -> None:
    command = [str(COMMAND), "--home", str(study.home), "exercise", "answer", "--at", T0.isoformat()]
    result = subprocess.run(
        [*command, "sigmoid-derivative", "sigmoid-prime", answer],
        env=study.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # wrong: saved as Again, due in a minute


def test_a_kill_during_a_review_keeps_every_review_saved_before_it(tmp_path: Path) -> None:
    study = StudyHome(tmp_path)
    answer_from_the_shell(study, "s*(1+s)")
    study.set_time(T0 + timedelta(minutes=5))
    app = study.open_app()
    try:
        app.wait_for(b"Today's diary")
        app.press(F10)
        app.wait_for(b"Review: ")
        app.press(b"s*(1-s)\r")
        app.wait_for(b"Proposed:")
        app.press(b"\r")  # the proposed rating, saved; on to the next exercise due
        wait_until(lambda: len(study.rows(LOGS)) == 2, "the review saved")
        shown = len(app.shown())
        app.wait_for(b"Review: ", after=shown)
        app.press(b"1/4\r")  # the next one answered, its rating on screen, not saved: then killed
        app.wait_for(b"Proposed:", after=shown)
        os.killpg(app.process.pid, signal.SIGKILL)
        app.wait_for_exit()
    finally:
        app.close()

    assert [exercise for exercise, _ in study.rows(LOGS)] == ["sigmoid-prime", "sigmoid-prime"]
    assert study.rows("PRAGMA integrity_check") == [("ok",)]
    reopened = study.open_app()
    try:
        reopened.wait_for(b"Today's diary")
        reopened.press(F5)
        reopened.wait_for(b"2 reviewed")
        reopened.press(CTRL_Q)
        assert reopened.wait_for_exit() == 0, reopened.last_screen()
    finally:
        reopened.close()
