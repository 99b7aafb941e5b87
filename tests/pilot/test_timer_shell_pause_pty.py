"""A pause, resume or stop typed in another shell shows in the open app's timer bar at once, not at
the app's next heartbeat. The real app in a pseudo-terminal, on a clock that stands still (read from
$STUDYBUDDY_CLOCK_FILE): the app's own heartbeats, due every 5 s of clock time, never come, so only
the app noticing the other process's write can bring the change to the screen. The test waits for the
screen, never for a length of time."""

from __future__ import annotations

import subprocess

from test_timer_exits_pty import COMMAND, F6, WAIT_LIMIT, StudyHome
from test_timer_exits_pty import pytestmark as pytestmark  # slow; needs the installed command


def shell(study: StudyHome, *args: str) -> str:
    result = subprocess.run(
        [str(COMMAND), "--home", str(study.home), *args],
        env=study.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_pause_resume_and_stop_from_the_shell_reach_the_apps_timer_bar(tmp_path) -> None:
    study = StudyHome(tmp_path)
    app = study.open_app()
    try:
        app.wait_for(b"Today's diary")
        app.press(F6)
        app.wait_for(b"Start a study session")
        app.press(b"calculus\r")
        app.wait_for(b"Studying")
        for command, then in (("pause", b"Paused"), ("resume", b"Studying"), ("stop", b"No session running")):
            before = len(app.shown())
            shell(study, "timer", command)
            app.wait_for(then, after=before)
    finally:
        app.close()
    assert "stopped" in shell(study, "timer", "status", "--json")
