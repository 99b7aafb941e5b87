"""Every `studybuddy ...` command in the README's shell blocks runs, exits 0 and prints what it should,
so the README can never show a command that fails.

Each command runs in a real subprocess, in a temporary study home holding a few days of diary and study
time, with no config file ($STUDYBUDDY_CONFIG names a missing one), the clock fixed by
$STUDYBUDDY_CLOCK_FILE at Wednesday 2025-07-09 10:00 UTC, and the README's own files beside it
(old-diary.md, my-lessons/, and softmax.txt, written from the README's own text block). The README's
other shell lines are not run here: the quick start's `python3 -m venv ... pip install ...` lines
(`.ci/run` runs command 2 word for word) and the development block's tools (`.venv/bin/...`,
`.ci/newest`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NOW = datetime(2025, 7, 9, 10, 0, tzinfo=UTC)  # a Wednesday
WAIT_LIMIT = 120.0  # seconds; only reached when something is broken

# Commands another change is fixing right now: strict, so the test flips (and the entry must go) when
# the fix lands. Keyed by the command's words as the README writes them.
KNOWN_FAILURES: dict[tuple[str, ...], str] = {}


def readme_commands() -> list[list[str]]:
    """The words of each `studybuddy ...` line in the README's shell blocks, comments removed."""
    commands = []
    in_shell_block = False
    for line in README.read_text(encoding="utf-8").splitlines():
        fence = line.strip()
        if fence.startswith("```"):
            in_shell_block = not in_shell_block and fence in ("```sh", "```bash", "```shell", "```console")
            continue
        if in_shell_block:
            words = shlex.split(line, comments=True)
            if words and words[0] == "studybuddy":
                commands.append(words)
    return commands


COMMANDS = readme_commands()


def readme_derivation() -> str:
    """The text block the README calls softmax.txt: the derivation its `derive` commands read."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"This `softmax.txt` is.*?```text\n(.*?)```", text, re.S)
    assert block, "the README's softmax.txt block is gone"
    return block.group(1)


def test_the_readme_shows_commands_to_run() -> None:
    assert len(COMMANDS) >= 10, COMMANDS


# ---- the study home and files the commands expect --------------------------------------------------

YESTERDAY_TEXT = "Chain rule through the softmax, by hand. #backprop\n"
OLD_DIARY = """\
# My learning diary

## July 1, 2025
Dot products and norms. #linear-algebra

## July 2, 2025
Gradient of the squared norm: 2x. #calculus
"""


class Home:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.work = root / "work"  # the folder the commands run in
        self.home = root / "home"
        self.clock_file = root / "clock.txt"
        self.clock_file.write_text(NOW.isoformat(), encoding="utf-8")
        self.env = {
            **os.environ,
            "STUDYBUDDY_HOME": str(self.home),
            "STUDYBUDDY_CONFIG": str(root / "no-config.toml"),
            "STUDYBUDDY_CLOCK_FILE": str(self.clock_file),
            "TZ": "UTC",
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "PATH": f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",  # a silent notify-send
        }
        self.work.mkdir()
        bin_dir = root / "bin"
        bin_dir.mkdir()
        (bin_dir / "notify-send").write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / "notify-send").chmod(0o755)

    def seed(self) -> None:
        """Last Monday's, yesterday's and today's entries (each tagged #backprop), two days' study time,
        the README's old-diary.md and my-lessons/."""
        diary = self.home / "diary"
        diary.mkdir(parents=True)
        today = NOW.date()
        entries = {
            date(2025, 6, 30): "Backprop through a linear layer. #backprop\n",  # Monday of last week
            date(2025, 7, 7): "Backprop through the sigmoid. #backprop\n",  # Monday of this week
            today - timedelta(days=1): YESTERDAY_TEXT,
            today: "Softmax Jacobian, diag(s) - s s^T. #backprop\n",
        }
        for day, text in entries.items():
            (diary / f"{day.isoformat()}.md").write_text(text, encoding="utf-8")
        for minutes, day in ((45, "yesterday"), (30, "2025-07-07")):
            self.run("timer", "log", str(minutes), "--subject", "calculus", "--date", day)
        (self.work / "old-diary.md").write_text(OLD_DIARY, encoding="utf-8")
        (self.work / "my-lessons").mkdir()
        shutil.copy(ROOT / "lessons" / "activations" / "sigmoid-derivative.yaml", self.work / "my-lessons")
        (self.work / "softmax.txt").write_text(readme_derivation(), encoding="utf-8")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "studybuddy", *args],
            cwd=self.work,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=WAIT_LIMIT,
        )
        return done

    def run_countdown(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`timer start` counts down until the session ends: once it has started (its first line is
        out), the clock moves past the hour and the countdown ends on its own."""
        process = subprocess.Popen(
            [sys.executable, "-m", "studybuddy", *args],
            cwd=self.work,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            partial = self.clock_file.with_suffix(".partial")
            partial.write_text((NOW + timedelta(hours=1, minutes=1)).isoformat(), encoding="utf-8")
            os.replace(partial, self.clock_file)  # the countdown never reads half a time
            out, err = process.communicate(timeout=WAIT_LIMIT)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        return subprocess.CompletedProcess(process.args, process.returncode, first + out, err)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path)
    home.seed()
    return home


# ---- what each command should print, beyond exit 0 and some output ---------------------------------


def check_output(command: list[str], done: subprocess.CompletedProcess[str], home: Home) -> None:
    out = done.stdout
    match command[1:3]:
        case ["timer", "start"]:
            assert "Studying deep learning for 60 min" in out
        case ["timer", "status"]:
            status = json.loads(out)
            assert status["state"] == "idle" and status["last"]["subject"] == "calculus"
        case ["diary", "add"] if command[3] == "--date":
            assert command[4] == "yesterday"
            day = (NOW.date() - timedelta(days=1)).isoformat()
            assert command[5] in (home.home / "diary" / f"{day}.md").read_text(encoding="utf-8")
        case ["diary", "add"]:
            today = (home.home / "diary" / f"{NOW.date().isoformat()}.md").read_text(encoding="utf-8")
            assert command[3] in today
        case ["diary", "show"]:
            assert YESTERDAY_TEXT.strip() in out
        case ["diary", "search"]:
            assert "#backprop" in out
        case ["diary", "import"]:
            assert "2 entries found" in out
            assert not (home.home / "diary" / "2025-07-01.md").exists(), "--dry-run writes nothing"
        case ["diary", "export"]:
            exported = (home.work / command[command.index("--output") + 1]).read_text(encoding="utf-8")
            assert YESTERDAY_TEXT.strip() in exported
        case ["stats", *_]:
            assert "calculus" in out
        case ["equiv", *_]:
            assert re.search(r"\bequal\b", out, re.IGNORECASE) and "different" not in out.lower(), out
        case ["derive", _, "--json"]:
            marks = json.loads(out)
            assert marks["first_error"] is None, out
        case ["derive", *_]:
            assert "dL/dz1 = s1 - 1" in out and "WRONG" not in out, out
        case ["lessons", "check"]:
            assert "sigmoid-derivative" in out
        case ["locate", *_]:
            assert str(home.home) in out


@pytest.mark.parametrize(
    "words",
    [
        pytest.param(
            words,
            id=shlex.join(words),
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[tuple(words)])]
            if tuple(words) in KNOWN_FAILURES
            else [],
        )
        for words in COMMANDS
    ],
)
def test_a_readme_command_runs(home: Home, words: list[str]) -> None:
    done = home.run_countdown(*words[1:]) if words[1:3] == ["timer", "start"] else home.run(*words[1:])
    report = (
        f"$ {shlex.join(words)}\nexit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    )
    assert done.returncode == 0, report
    assert done.stdout.strip(), report
    assert "Traceback" not in done.stderr, report
    check_output(words, done, home)
