"""The real `studybuddy` command in a pseudo-terminal: the dashboard appears, ctrl+q exits cleanly."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMMAND = Path(sys.executable).with_name("studybuddy")


def read_until(fd: int, needle: bytes, deadline: float) -> bytes:
    seen = b""
    while needle not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{needle!r} never appeared; the screen showed: {seen[-2000:]!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return seen


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which(str(COMMAND)), reason="the studybuddy command is not installed")
def test_studybuddy_opens_the_dashboard_and_quits_on_ctrl_q(tmp_path: Path) -> None:
    main_fd, child_fd = pty.openpty()
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
        "STUDYBUDDY_CONFIG": str(tmp_path / "none.toml"),
    }
    process = subprocess.Popen(
        [str(COMMAND), "--home", str(tmp_path / "home")],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=env,
        start_new_session=True,
    )
    os.close(child_fd)
    try:
        read_until(main_fd, b"Today's diary", time.monotonic() + 30)
        os.write(main_fd, b"\x11")  # ctrl+q
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(main_fd)
