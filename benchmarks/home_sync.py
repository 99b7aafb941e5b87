"""The study home in git: the database as a cache of 10 years of logs, and `studybuddy sync`.

    .venv/bin/python benchmarks/home_sync.py

Targets (issue 15): opening the app on a home with 10 years of logs within today's first-paint ratio
(the log-to-database update runs after the first paint: the app opens the database on its first
timer read, after Textual's Ready), and a sync of a home with no changes within 1 s beside `git status`
in the same run. Each figure is printed beside a baseline measured in the same run: opening the same
database with nothing to apply, a minimal Textual app's first paint (the app's on this home, with its
database built and as a fresh clone has it, with none), and `git status` of the same repository.

The log is generated: 3,650 days with 3 sessions each (started and finished: 2 events), 4 answers,
2 lessons opened and 3 reviews (over 300 exercises, each carrying the card state FSRS gave it, as the
app logs them), about 55,000 events. The other machine's day is generated on its own (its reviews start
from new cards), so the cards it touches are replayed, as after a sync where both reviewed them.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fsrs import Rating
from tui_startup import COMMAND, MINIMAL_APP, first_paint  # the same pseudo-terminal measure

from studybuddy.core.reviews.cards import CardState, review
from studybuddy.services.journal import Journal
from studybuddy.storage import event_log
from studybuddy.storage.database import Database
from studybuddy.storage.event_log import EventLog
from studybuddy.storage.log_cards import card_fields, card_seed

DAYS = 3650
TODAY = date(2025, 7, 6)
SUBJECTS = ("linear algebra", "calculus", "probability", "deep learning")
LESSONS = [f"lesson-{n}" for n in range(30)]
EXERCISES = [(lesson, f"exercise-{n}") for lesson in LESSONS for n in range(10)]
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def day_events(
    day: date, rng: random.Random, serial: int, cards: dict[tuple[str, str], CardState]
) -> list[dict]:
    """One studied day's events, as the services log them."""
    events: list[dict] = []
    for number in range(3):
        start = datetime(day.year, day.month, day.day, 8 + 3 * number, tzinfo=UTC).timestamp()
        uid = f"s{serial}-{number}"
        session = {
            "type": "session",
            "session": uid,
            "subject": rng.choice(SUBJECTS),
            "lesson": None,
            "planned": 3600,
            "started": start,
            "day": day.isoformat(),
            "pauses": [],
        }
        events.append(
            {**session, "id": f"{uid}-a", "at": start, "state": "running", "ended": None, "studied": 0.0}
        )
        end = start + 3600
        events.append(
            {**session, "id": f"{uid}-b", "at": end, "state": "finished", "ended": end, "studied": 3600.0}
        )
        for answer in range(4 if number == 0 else 0):
            lesson, exercise = rng.choice(EXERCISES)
            events.append(
                {
                    "id": f"{uid}-t{answer}",
                    "type": "attempt",
                    "at": start + 60 * (answer + 1),
                    "session": uid,
                    "lesson": lesson,
                    "exercise": exercise,
                    "answer": "s*(1-s)",
                    "correct": rng.random() < 0.7,
                    "verdict": "proved equal",
                    "diagnosis": None,
                    "hints": 0,
                    "solution": False,
                    "seed": None,
                    "wrong_lines": None,
                }
            )
    for opened in range(2):
        events.append(
            {
                "id": f"l{serial}-{opened}",
                "type": "lesson",
                "at": events[0]["at"] + opened,
                "lesson": rng.choice(LESSONS),
                "steps": rng.randrange(6),
            }
        )
    for number in range(3):
        lesson, exercise = rng.choice(EXERCISES)
        at = events[0]["at"] + 600 + 60 * number
        rating = rng.choice((1, 3, 3, 3, 4))
        before = cards.get((lesson, exercise), CardState())
        after = review(before, Rating(rating), datetime.fromtimestamp(at, UTC), card_seed(lesson, exercise))
        cards[(lesson, exercise)] = after
        events.append(
            {
                "id": f"r{serial}-{number}",
                "type": "review",
                "at": at,
                "lesson": lesson,
                "exercise": exercise,
                "rating": rating,
                "proposed": 3,
                "duration_ms": None,
                "kind": "review",
                "day": day.isoformat(),
                "session": f"s{serial}-0",
                "before": None if before.is_new else int(before.state),
                "card": card_fields(after),  # as ReviewService.save logs it
            }
        )
    return events


def write_log(root: Path, machine: str, days: list[date], seed: int) -> int:
    rng = random.Random(seed)
    (root / "log").mkdir(parents=True, exist_ok=True)
    (root / event_log.MACHINE_FILE).write_text(machine + "\n")
    count = 0
    cards: dict[tuple[str, str], CardState] = {}
    with open(root / "log" / f"{machine}.jsonl", "ab") as out:
        for serial, day in enumerate(days):
            for event in day_events(day, rng, seed * 100_000 + serial, cards):
                out.write(event_log.encode(event))
                count += 1
    return count


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median(action: Callable[[], object], repeat: int) -> float:
    action()
    return statistics.median(seconds(action) for _ in range(repeat))


def open_and_catch_up(root: Path) -> None:
    with Database.open(root / "studybuddy.sqlite3", now=datetime.now(UTC)) as database:
        Journal(database, EventLog(root)).catch_up()


def open_only(root: Path) -> None:
    database = Database.open(root / "studybuddy.sqlite3", now=datetime.now(UTC))
    with database, database.read() as conn:
        conn.execute("SELECT count(*) FROM log_files").fetchone()


def first_paints(root: Path, folder: Path, rounds: int = 5) -> list[tuple[str, str, str]]:
    """The app's first paint on this home, with its database built and as a fresh clone has it (no
    database: it is built from the log after the first paint), beside a minimal Textual app's, the
    three interleaved in each round (medians): issue 15's "within today's first-paint ratio"."""
    minimal = folder / "minimal.py"
    minimal.write_text(MINIMAL_APP)
    clone = folder / "clone"
    clone.mkdir()
    shutil.copytree(root / "log", clone / "log")
    times: dict[str, list[float]] = {"minimal": [], "built": [], "clone": []}
    for _ in range(rounds):
        for database in clone.glob("studybuddy.sqlite3*"):
            database.unlink()  # each round, the clone's first open
        times["minimal"].append(first_paint([sys.executable, str(minimal)], folder / "m"))
        times["built"].append(first_paint([str(COMMAND)], root))
        times["clone"].append(first_paint([str(COMMAND)], clone))
    base = statistics.median(times["minimal"])
    rows = []
    for key, what in (("built", "first paint, this home"), ("clone", "first paint, a fresh clone of it")):
        shown = statistics.median(times[key])
        rows.append((what, f"{shown * 1000:.0f} ms", f"{base * 1000:.0f} ms ({shown / base:.2f}x)"))
    return rows


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def main() -> None:
    days = [TODAY - timedelta(days=n) for n in range(DAYS, 0, -1)]
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "home"
        events = write_log(root, "a1b2c3d4e5f6", days, 1)
        size = (root / "log" / "a1b2c3d4e5f6.jsonl").stat().st_size
        rebuild = seconds(lambda: open_and_catch_up(root))
        rows.append(
            ("first open: database built from the whole log", f"{rebuild * 1000:.0f} ms", "once a home")
        )
        nothing = median(lambda: open_and_catch_up(root), 20)
        bare = median(lambda: open_only(root), 20)
        rows.append(
            (
                "open with nothing to apply (every command)",
                f"{nothing * 1000:.2f} ms",
                f"{bare * 1000:.2f} ms",
            )
        )
        other = EventLog(root)
        other_days = [TODAY + timedelta(days=n) for n in range(1)]
        write_log(root, "0f9e8d7c6b5a", other_days, 2)  # another machine's day, just pulled
        (root / event_log.MACHINE_FILE).write_text("a1b2c3d4e5f6\n")
        pulled = seconds(lambda: open_and_catch_up(root))
        rows.append(
            ("open after pulling another machine's day", f"{pulled * 1000:.1f} ms", f"{bare * 1000:.2f} ms")
        )
        assert other.files()
        rows += first_paints(root, Path(folder))

        remote = Path(folder) / "remote.git"
        git(Path(folder), "init", "--quiet", "--bare", str(remote))
        git(root, "init", "--quiet")
        git(root, "remote", "add", "origin", str(remote))
        command = [sys.executable, "-m", "studybuddy", "--home", str(root), "sync"]
        env = {**os.environ, **GIT_ENV, "STUDYBUDDY_CONFIG": str(Path(folder) / "none.toml")}
        first_sync = seconds(lambda: subprocess.run(command, check=True, capture_output=True, env=env))
        rows.append(("first sync (commit and push 10 years)", f"{first_sync * 1000:.0f} ms", ""))
        status = median(
            lambda: subprocess.run(["git", "status"], cwd=root, check=True, capture_output=True), 5
        )
        idle = median(lambda: subprocess.run(command, check=True, capture_output=True, env=env), 5)
        rows.append(
            ("sync with no changes, beside git status", f"{idle * 1000:.0f} ms", f"{status * 1000:.0f} ms")
        )

    print(f"{events:,} events in {size / 1e6:.1f} MB of log ({DAYS:,} days)\n")
    print(f"{'what':<50} {'time':>10} {'baseline':>12}")
    for what, time_text, baseline in rows:
        print(f"{what:<50} {time_text:>10} {baseline:>12}")
    print(
        "\nbaselines: opening the same database with no log to look at; a minimal Textual app's first paint"
        " (80x24 pseudo-terminal, medians of 5 interleaved rounds); `git status` of the same home"
    )


if __name__ == "__main__":
    main()
