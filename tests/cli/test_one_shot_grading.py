"""`studybuddy equiv` and `derive` pay for SymPy once: their grading worker is forked from the command's
own process (which has imported the math engine) instead of spawned as a second interpreter that
imports it again, and the command skips the interpreter's teardown once its output is out. The worker
keeps every limit of a spawned one: the time limit (an overrun is "unknown" and the worker replaced),
the memory cap, and it dies with the command (tests/cli/test_workers_die_with_parent.py).

These run in a fresh process, as the command does: a forked worker needs a process with one thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from studybuddy.services.grading import fork_is_safe

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only"),
]
WAIT_LIMIT = 300.0  # seconds; a hang guard only

# One process, as `studybuddy equiv --jsonl` is: grade, stall past a short limit, fill memory, grade on.
SCRIPT = """
import json, sys
from studybuddy.core.mathexpr import Domain, Variable
from studybuddy.services.grading import GradingService

X = [Variable("x", Domain.REAL)]
report = {}
with GradingService(timeout=120.0, stall_on="STALL", one_shot=True) as service:
    report["first"] = service.grade("x^2", "x*x", X).kind
    report["start_method"] = service.start_method
    service.timeout = 0.5  # only the request that never answers meets it
    stalled = service.grade("STALL", "x", X)
    service.timeout = 120.0
    report["stalled"] = [stalled.kind, stalled.strength]
    report["after_stall"] = service.grade("2x", "x", X).kind
    tower = service.grade("2^9^x^e^9^2^e^2^x^e^1.0001^9", "x", X)
    report["tower"] = [tower.kind, tower.strength]
    report["after_tower"] = service.grade("x + x", "2x", X).kind
    report["restarts"] = service.restarts
    report["still_forked"] = service.start_method
print(json.dumps(report))
"""


def test_a_one_shot_worker_is_forked_and_keeps_the_time_limit_and_the_memory_cap(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**os.environ, "STUDYBUDDY_CONFIG": str(tmp_path / "none.toml")},
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "first": "equivalent",
        "start_method": "fork",
        "stalled": ["unknown", "time limit"],
        "after_stall": "different",
        "tower": ["unknown", "memory limit"],
        "after_tower": "equivalent",
        "restarts": 2,
        "still_forked": "fork",
    }


@pytest.mark.parametrize(
    ("arguments", "status", "first_line"),
    [
        (["s - s^2", "s*(1-s)", "--var", "s:probability"], 0, "equivalent (proved equal)"),
        (["s - s^3", "s*(1-s)", "--var", "s:probability"], 1, "different (e.g. at s = "),
        (["s - ", "s"], 2, "invalid"),
    ],
)
def test_equiv_as_a_program_says_its_whole_verdict_and_exit_status(
    tmp_path: Path, arguments: list[str], status: int, first_line: str
) -> None:
    """The quick exit comes after the output: all of it reaches a pipe, and the status is the verdict's."""
    result = subprocess.run(
        [sys.executable, "-m", "studybuddy", "equiv", *arguments],
        env={**os.environ, "STUDYBUDDY_CONFIG": str(tmp_path / "none.toml")},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT,
    )
    assert result.returncode == status, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(first_line) and len(lines) >= 2, result.stdout


def test_no_fork_while_another_thread_runs() -> None:
    """A fork copies only the calling thread: a lock another thread held stays held in the worker.
    So a process with threads (the app) always spawns its worker."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not fork_is_safe()
    finally:
        stop.set()
        other.join()
