"""How quick the shell commands are, as whole processes, beside their baselines from the same run.

    .venv/bin/python benchmarks/shell_commands.py [--runs N]

Targets (issue 14): one-shot math commands (`equiv` with one comparison, `derive` with a short file)
cost at most 1.2x `python -c "import sympy, numpy"`; `diary list`, `diary search` and `timer status`
at most 3x `python -c pass`. Each command and its baseline run in turn (A B A B ...) on a generated
study home (60 diary days, 120 sessions); each pair's ratio is taken, and the median of those ratios
printed, so a machine whose speed drifts during the run shows in both sides of a pair. CPU is user +
system time of the process and every process it waited for (the grading worker included); wall is
the time to exit.

Python's bytecode of studybuddy is written first (compileall): with PYTHONDONTWRITEBYTECODE set and
sources newer than their .pyc, every run would compile them again, which no installed copy does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import studybuddy

PYTHON = sys.executable
COMMAND = [PYTHON, "-m", "studybuddy"]
DAYS = 60
TODAY = date(2025, 7, 6)
DERIVATION = """L = -log(s1)
s1 = exp(z1)/(exp(z1)+exp(z2)+exp(z3))
dL/dz1 = s1 - 1
"""


@dataclass(frozen=True)
class Case:
    name: str
    command: list[str]
    baseline_name: str
    baseline: list[str]
    target: float


def make_home(root: Path) -> Path:
    home = root / "home"
    diary = home / "diary"
    diary.mkdir(parents=True)
    for offset in range(DAYS):
        day = TODAY - timedelta(days=offset)
        tag = ("#backprop", "#softmax", "#linear-algebra")[offset % 3]
        text = f"# {day:%A %d %B %Y}\n\nDerived the softmax Jacobian by hand {tag}; diag(s) - s s^T.\n"
        (diary / f"{day.isoformat()}.md").write_text(text, encoding="utf-8")
    from studybuddy.services.context import StudyContext

    context = StudyContext.open(str(home))
    for offset in range(DAYS * 2):  # two sessions a day
        subject = ("calculus", "linear algebra", "probability")[offset % 3]
        context.timer.log(subject=subject, minutes=45, day=TODAY - timedelta(days=offset // 2))
    context.close()
    (root / "softmax.txt").write_text(DERIVATION, encoding="utf-8")
    return home


def environment(root: Path) -> dict[str, str]:
    env = {**os.environ, "STUDYBUDDY_CONFIG": str(root / "no-config.toml")}
    env.pop("STUDYBUDDY_HOME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, read from .pyc after
    return env


def run_once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, exit status) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    return usage.ru_utime + usage.ru_stime, wall, process.returncode


def measure(case: Case, runs: int, env: dict[str, str], cwd: Path) -> dict[str, float]:
    for command in (case.command, case.baseline):  # warm-up: file caches, .pyc
        run_once(command, env, cwd)
    cpu_a, cpu_b, wall_a, wall_b, cpu_ratios, wall_ratios = [], [], [], [], [], []
    for _ in range(runs):
        a_cpu, a_wall, status = run_once(case.command, env, cwd)
        if status not in (0, 1):
            raise SystemExit(f"{case.name}: exit status {status}")
        b_cpu, b_wall, _ = run_once(case.baseline, env, cwd)
        cpu_a.append(a_cpu)
        cpu_b.append(b_cpu)
        wall_a.append(a_wall)
        wall_b.append(b_wall)
        cpu_ratios.append(a_cpu / b_cpu)
        wall_ratios.append(a_wall / b_wall)
    return {
        "cpu": statistics.median(cpu_a),
        "base_cpu": statistics.median(cpu_b),
        "cpu_ratio": statistics.median(cpu_ratios),
        "wall": statistics.median(wall_a),
        "base_wall": statistics.median(wall_b),
        "wall_ratio": statistics.median(wall_ratios),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="pairs per command (default 9)")
    runs = parser.parse_args().runs
    compileall.compile_dir(Path(studybuddy.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="studybuddy-shell-bench-") as scratch:
        root = Path(scratch)
        home = make_home(root)
        env = environment(root)
        at_home = [*COMMAND, "--home", str(home)]
        math = [PYTHON, "-c", "import sympy, numpy"]
        bare = [PYTHON, "-c", "pass"]
        cases = [
            Case(
                "equiv, one comparison",
                [*COMMAND, "equiv", "s - s^2", "s*(1-s)", "--var", "s:probability"],
                'python -c "import sympy, numpy"',
                math,
                1.2,
            ),
            Case(
                "derive, a 3-line file",
                [*COMMAND, "derive", str(root / "softmax.txt")],
                'python -c "import sympy, numpy"',
                math,
                1.2,
            ),
            Case("diary list", [*at_home, "diary", "list"], "python -c pass", bare, 3.0),
            Case("diary search", [*at_home, "diary", "search", "#backprop"], "python -c pass", bare, 3.0),
            Case("timer status", [*at_home, "timer", "status"], "python -c pass", bare, 3.0),
        ]
        print(f"{runs} pairs each, medians; CPU = user + system of the process and its worker\n")
        columns = ("command", "CPU s", "baseline", "CPU s", "CPU x", "wall x", "target")
        header = "{:24} {:>7} {:>32} {:>7} {:>6} {:>6} {:>9}".format(*columns)
        print(header)
        print("-" * len(header))
        for case in cases:
            figures = measure(case, runs, env, root)
            verdict = "ok" if figures["cpu_ratio"] <= case.target else "OVER"
            target = f"<={case.target:g} {verdict}"
            print(
                f"{case.name:24} {figures['cpu']:7.3f} {case.baseline_name:>32} {figures['base_cpu']:7.3f} "
                f"{figures['cpu_ratio']:6.2f} {figures['wall_ratio']:6.2f} {target:>9}"
            )


if __name__ == "__main__":
    main()
