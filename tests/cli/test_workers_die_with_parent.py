"""A math worker dies with the command that started it: `kill -9` of `studybuddy equiv` or `lessons check`
while its worker computes leaves no orphan computing on (one grew from 157 MB to 556 MB in 90 s)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc"),
]

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lessons"
DEADLINE = 120.0  # seconds: generous, only a hang guard; every wait below polls for a state
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
# Each definition uses the one before three times: expanding the last never ends, in a little memory.
CHAIN = [("d1", "x + 1")] + [(f"d{n}", f"d{n - 1}*d{n - 1} + d{n - 1} + x") for n in range(2, 29)]


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # fields from the state on: the name may hold spaces


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")  # a zombie computes nothing


def _cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / TICKS


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE:g} s: {what}")
        time.sleep(0.05)  # a poll interval, not a wait for something to happen


def _kill_while_computing(command: list[str], tmp_path: Path, busy_cpu: float, depth: int) -> None:
    """Start ``command``, wait until a worker ``depth`` levels below it has used ``busy_cpu`` seconds of
    CPU (it is computing), SIGKILL the command, and assert every process it started is gone."""
    env = {**os.environ, "STUDYBUDDY_CONFIG": str(tmp_path / "none.toml"), "STUDYBUDDY_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "studybuddy", *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started: set[int] = set()
    try:

        def computing() -> bool:
            started.update(_descendants(process.pid))
            level = {process.pid}
            for _ in range(depth):
                level = {pid for pid in started if _parent(pid) in level}
            return any(_cpu_seconds(pid) >= busy_cpu for pid in level)

        _wait_until(computing, "a worker computing")
        process.send_signal(signal.SIGKILL)
        process.wait()
        _wait_until(lambda: not any(_alive(pid) for pid in started), "every worker gone")
    finally:
        for pid in started:  # a failed test leaves nothing running either
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()


def _parent(pid: int) -> int:
    fields = _stat(pid)
    return -1 if fields is None else int(fields[1])


def test_equiv_killed_while_its_worker_computes_leaves_no_worker(tmp_path: Path) -> None:
    definitions = [option for name, text in CHAIN for option in ("--def", f"{name}={text}")]
    command = ["equiv", CHAIN[-1][0], "x", "--var", "x", *definitions, "--timeout", "3600"]
    # The worker is the command's child; it uses about 1 s of CPU importing SymPy before its first
    # request, so 5 s means it is grading.
    _kill_while_computing(command, tmp_path, busy_cpu=5.0, depth=1)


def test_lessons_check_killed_while_its_worker_computes_leaves_no_worker(tmp_path: Path) -> None:
    lesson = (FIXTURES / "sigmoid-derivative.yaml").read_text()
    symbols = "".join(f"  {name}: real\n" for name, _ in CHAIN)
    chain = "".join(f"  {name}: {text}\n" for name, text in CHAIN)
    lesson = lesson.replace("  s: probability\n", "  s: probability\n" + symbols, 1)
    lesson = lesson.replace("  s: 1/(1 + exp(-x))\n", "  s: 1/(1 + exp(-x))\n" + chain, 1)
    path = tmp_path / "chain.yaml"
    path.write_text(lesson)
    # The workers are forked from a forkserver (the command's child) that has imported SymPy already:
    # a worker that has used a second of CPU is reading the lesson's definitions.
    _kill_while_computing(["lessons", "check", str(path), "--timeout", "3600"], tmp_path, 1.0, depth=2)
