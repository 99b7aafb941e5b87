"""`studybuddy sync`: two study homes cloned from one bare repository (the remote, on disk: no network)
each study, sync, and sync again, and both then show both machines' sessions, attempts, reviews and
diary lines, with nothing left for git to commit; a session running during the sync stays running; and
the refusals (no git, not a repository, no remote, a diary line changed on both machines) change
nothing and say why in one line."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from studybuddy.cli import main
from studybuddy.core.reviews.rating import Encounter, Try
from studybuddy.services.context import StudyContext

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
DAY = T0.date()
LESSON = "sigmoid-derivative"


@dataclass
class FrozenClock:
    moment: datetime = T0

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user config, a fixed clock for the CLI, and git configured by this test alone."""
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    clock_file = tmp_path / "clock"
    clock_file.write_text(T0.isoformat())
    monkeypatch.setenv("STUDYBUDDY_CLOCK_FILE", str(clock_file))
    git_config = tmp_path / "gitconfig"
    git_config.write_text(
        "[user]\n\tname = Learner\n\temail = learner@example.org\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(git_config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=folder, check=True, capture_output=True, text=True, timeout=60
    ).stdout


@dataclass
class Machine:
    root: Path
    clock: FrozenClock
    context: StudyContext

    def sync(self) -> str:
        """`studybuddy sync` as typed in a shell of this machine (the app may stay open beside it)."""
        code, out, err = run_cli(self.root, "sync")
        assert code == 0, err
        return out


def run_cli(root: Path, *args: str) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--home", str(root), *args])
    return code, out.getvalue(), err.getvalue()


def two_machines(tmp_path: Path) -> tuple[Machine, Machine]:
    git(tmp_path, "init", "--quiet", "--bare", "remote.git")
    machines = []
    for name, minutes in (("laptop", 0), ("desktop", 7)):  # the second studies a little later
        git(tmp_path, "clone", "--quiet", "remote.git", name)
        clock = FrozenClock(T0 + timedelta(minutes=minutes))
        context = StudyContext.open(str(tmp_path / name))
        context.clock = clock
        machines.append(Machine(tmp_path / name, clock, context))
    return machines[0], machines[1]


def answer(machine: Machine, exercise: str) -> None:
    """An answer and its review, through the calls `studybuddy exercise answer` and the quiz make."""
    context, now = machine.context, machine.clock.now()
    context.progress.record_attempt(
        lesson_id=LESSON, exercise_id=exercise, answer="s*(1-s)", correct=True, verdict="proved equal"
    )
    proposal = context.reviews.propose(LESSON, exercise, Encounter((Try(True, now),)))
    assert proposal is not None
    context.reviews.save(proposal)


def study(machine: Machine, subject: str, exercise: str, *, finish: bool = True) -> None:
    machine.context.timer.start(subject=subject, minutes=60)
    machine.clock.advance(minutes=5)
    answer(machine, exercise)
    machine.context.diary.add_line(f"{subject}: worked through {exercise}")
    if finish:
        machine.clock.advance(minutes=20)
        machine.context.timer.stop()


def seen(machine: Machine) -> dict[str, Any]:
    context = machine.context
    entry = context.diary.show(DAY)
    return {
        "sessions": sorted((s.subject, s.state, s.exercises_tried) for s in context.timer.sessions_on(DAY)),
        "attempts": [
            (s.lesson_id, s.attempts, s.right) for s in context.progress.lesson_standings(context.lessons)
        ],
        "reviewed": {ex: context.reviews.card(LESSON, ex) for ex in ("sigmoid-prime", "symmetry")},
        "diary": sorted(
            line for line in (entry.entry.text if entry else "").splitlines() if "worked through" in line
        ),
    }


def assert_clean(*machines: Machine) -> None:
    for machine in machines:
        assert git(machine.root, "status", "--porcelain") == ""


def test_two_machines_that_both_studied_each_show_both_after_syncing_twice(tmp_path: Path) -> None:
    laptop, desktop = two_machines(tmp_path)
    study(laptop, "calculus", "sigmoid-prime")
    study(desktop, "linear algebra", "symmetry")

    for machine in (laptop, desktop, laptop, desktop):
        machine.sync()

    both = seen(laptop)
    assert both == seen(desktop)
    assert both["sessions"] == [("calculus", "stopped", 1), ("linear algebra", "stopped", 1)]
    assert both["attempts"] == [(LESSON, 2, 2)]
    assert all(card is not None and card.reps == 1 for card in both["reviewed"].values())
    assert both["diary"] == [
        "- 09:05 calculus: worked through sigmoid-prime",
        "- 09:12 linear algebra: worked through symmetry",
    ]
    assert_clean(laptop, desktop)
    code, out, _ = run_cli(desktop.root, "stats")  # the shell sees it too
    assert code == 0 and "50 min on 1 day" in out  # 25 min each


def test_a_session_running_during_the_sync_stays_running_and_shows_on_the_other_machine(
    tmp_path: Path,
) -> None:
    laptop, desktop = two_machines(tmp_path)
    study(laptop, "calculus", "sigmoid-prime", finish=False)
    laptop.context.timer.heartbeat()
    study(desktop, "linear algebra", "symmetry")

    for machine in (laptop, desktop, laptop):
        machine.sync()
        laptop.clock.advance(seconds=5)
        laptop.context.timer.heartbeat()  # the app on the laptop keeps beating through the syncs

    running = laptop.context.timer.status().session
    assert running is not None and (running.subject, running.state) == ("calculus", "running")
    assert running.studied_seconds == pytest.approx(5 * 60 + 15)  # no heartbeat lost
    elsewhere = desktop.context.timer.status().session
    assert elsewhere is not None and (elsewhere.subject, elsewhere.state) == ("calculus", "running")
    assert seen(laptop)["sessions"] == seen(desktop)["sessions"]

    laptop.clock.advance(minutes=10)
    laptop.context.timer.stop()
    laptop.sync()
    desktop.sync()
    assert seen(laptop) == seen(desktop)
    assert seen(desktop)["sessions"] == [("calculus", "stopped", 1), ("linear algebra", "stopped", 1)]
    assert desktop.context.timer.status().session is None
    assert_clean(laptop, desktop)


def test_a_diary_line_changed_differently_on_both_machines_is_refused_and_kept(tmp_path: Path) -> None:
    laptop, desktop = two_machines(tmp_path)
    laptop.context.diary.add_line("chain rule")
    laptop.sync()
    desktop.sync()
    day_file = "diary/2025-07-06.md"
    original = (desktop.root / day_file).read_text()
    (laptop.root / day_file).write_text(original.replace("chain rule", "chain rule, twice"))
    laptop.sync()
    (desktop.root / day_file).write_text(original.replace("chain rule", "chain rule by hand"))
    study(desktop, "calculus", "sigmoid-prime")
    mine = (desktop.root / day_file).read_text()

    code, _out, err = run_cli(desktop.root, "sync")

    assert code == 1 and "Traceback" not in err and day_file in err and len(err.strip().splitlines()) == 1
    assert (desktop.root / day_file).read_text() == mine  # the learner's text as they left it
    assert not (desktop.root / ".git" / "rebase-merge").exists()
    assert git(desktop.root, "status", "--porcelain") == ""  # committed here, not pushed
    assert "by hand" not in git(tmp_path / "remote.git", "show", f"main:{day_file}")  # nor pushed
    assert seen(desktop)["sessions"] == [("calculus", "stopped", 1)]


def test_a_home_that_is_no_repository_or_has_no_remote_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    code, _, err = run_cli(home, "sync")
    assert code == 1 and "not a git repository" in err and "Traceback" not in err

    git(home, "init", "--quiet")
    code, _, err = run_cli(home, "sync")
    assert code == 1 and "no remote" in err and "Traceback" not in err
    no_commit = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=home, capture_output=True)
    assert no_commit.returncode != 0  # a refused sync commits nothing


def test_without_git_installed_the_sync_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, _, err = run_cli(home, "sync")
    assert code == 1 and "git is not installed" in err and "Traceback" not in err


def test_a_sync_with_nothing_new_changes_nothing(tmp_path: Path) -> None:
    laptop, _desktop = two_machines(tmp_path)
    study(laptop, "calculus", "sigmoid-prime")
    laptop.sync()
    head = git(laptop.root, "rev-parse", "HEAD")
    out = laptop.sync()
    assert "nothing new to commit" in out and "nothing to push" in out
    assert git(laptop.root, "rev-parse", "HEAD") == head
    assert_clean(laptop)


def test_a_home_that_committed_its_database_stops_tracking_it_and_keeps_the_file(tmp_path: Path) -> None:
    laptop, _ = two_machines(tmp_path)
    study(laptop, "calculus", "sigmoid-prime")
    git(laptop.root, "add", "--all")  # as a learner following the old README did, database included
    git(laptop.root, "commit", "--quiet", "-m", "my study home")
    assert "studybuddy.sqlite3" in git(laptop.root, "ls-files").split()

    out = laptop.sync()

    assert "no longer tracks the database" in out
    assert "studybuddy.sqlite3" not in git(laptop.root, "ls-files").split()
    assert (laptop.root / "studybuddy.sqlite3").exists()
    assert seen(laptop)["sessions"] == [("calculus", "stopped", 1)]
    assert_clean(laptop)


def test_a_log_line_edited_into_nonsense_is_skipped_and_said_on_both_machines(tmp_path: Path) -> None:
    laptop, desktop = two_machines(tmp_path)
    study(laptop, "calculus", "sigmoid-prime")
    log_file = next((laptop.root / "log").iterdir())
    with open(log_file, "a", encoding="utf-8") as out:
        out.write("{this is not an event\n")

    assert "skipped 1 line of log/" in laptop.sync()
    assert "skipped 1 line of log/" in desktop.sync()
    assert seen(desktop)["sessions"] == [("calculus", "stopped", 1)]
    assert_clean(laptop, desktop)
