"""Output piped into a reader that stops early (`studybuddy ... | head -1`): the command ends quietly,
with no BrokenPipeError traceback, in a real subprocess writing into a real pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

WAIT_LIMIT = 120.0  # seconds; only reached when something is broken
COMMANDS = [
    ("diary", "export"),
    ("diary", "list"),
    ("lessons", "list"),
    ("stats", "--year"),
    ("timer", "status"),
    ("locate",),
    ("--help",),
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A home with a diary long enough that `diary export` cannot fit in a pipe's buffer (64 KiB)."""
    diary = tmp_path / "home" / "diary"
    diary.mkdir(parents=True)
    first = date(2025, 1, 1)
    for offset in range(120):
        day = first + timedelta(days=offset)
        (diary / f"{day.isoformat()}.md").write_text(f"Day {offset}: " + "gradient " * 120 + "\n")
    environ = {
        **os.environ,
        "STUDYBUDDY_HOME": str(tmp_path / "home"),
        "STUDYBUDDY_CONFIG": str(tmp_path / "no-config.toml"),
        "NO_COLOR": "1",
    }
    # Buffered output, as a user's shell has it (unbuffered, CPython drops the unwritten part of a
    # large write to a closed pipe without an error, and there is nothing left to report).
    environ.pop("PYTHONUNBUFFERED", None)
    return environ


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_gone_before_the_first_line_ends_the_command_quietly(env, args) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written: every write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "studybuddy", *args],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            timeout=WAIT_LIMIT,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1  # as Python's own recipe does: the output did not all arrive


def test_head_reading_one_line_of_a_long_export_ends_the_command_quietly(env) -> None:
    """What `studybuddy diary export | head -1` does: one line read, then the pipe closed while the
    command is still writing (its output is larger than the pipe's buffer)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "studybuddy", "diary", "export"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    first_line = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=WAIT_LIMIT)
    assert first_line.strip()
    assert stderr == ""
    assert process.returncode == 1
