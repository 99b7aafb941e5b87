"""Session store figures on a generated home: 50,000 sessions over 10 years.

    .venv/bin/python benchmarks/sessions.py

Targets (issue 4): one session write <= 1 ms, `stats` <= 50 ms. Each is printed beside the time to
simply read the same rows with plain sqlite3 in the same run, so a noisy machine shows in both.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from studybuddy.cli.stats import render_report
from studybuddy.core.stats import Window
from studybuddy.services.stats import StatsService
from studybuddy.services.timer import TimerService
from studybuddy.storage.database import Database

SESSIONS = 50_000
YEARS = 10
TODAY = date(2025, 7, 6)
SUBJECTS = ("linear algebra", "calculus", "probability", "deep learning", "optimisation", "statistics")


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def generate(database: Database) -> None:
    rng = random.Random(20250706)
    first = TODAY - timedelta(days=365 * YEARS)
    rows = []
    for _ in range(SESSIONS):
        day = first + timedelta(days=rng.randrange(365 * YEARS))
        start = datetime(day.year, day.month, day.day, rng.randrange(6, 22), tzinfo=UTC).timestamp()
        studied = rng.choice((3600, 3600, 3600, 1800, 2700, 900))
        rows.append(
            (rng.choice(SUBJECTS), 3600, start, day.isoformat(), start + studied, start + studied, studied)
        )
    with database.write() as conn:
        conn.executemany(
            "INSERT INTO sessions (subject, planned_seconds, started_at, day, state, last_heartbeat_at, "
            "ended_at, studied_seconds) VALUES (?, ?, ?, ?, 'finished', ?, ?, ?)",
            rows,
        )


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm caches, as any second run of a command would be
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "studybuddy.sqlite3"
        clock = FixedClock(datetime(2025, 7, 6, 21, tzinfo=UTC))
        database = Database.open(path, now=clock.now())
        generate(database)
        timer = TimerService(database, clock)
        stats = StatsService(database, clock)
        plain = sqlite3.connect(path)
        last_id = timer.log(subject="calculus", minutes=60).id

        results = [
            (
                "session write (timer log: INSERT, commit)",
                median_ms(lambda: timer.log(subject="calculus", minutes=60), 300),
                "read that row back",
                median_ms(
                    lambda: plain.execute("SELECT * FROM sessions WHERE id = ?", (last_id,)).fetchall(), 300
                ),
                1.0,
            ),
        ]
        live = timer.start(subject="calculus")
        results.append(
            (
                "heartbeat (read, UPDATE, commit)",
                median_ms(lambda: timer.heartbeat(live.id), 300),
                "read that row back",
                median_ms(
                    lambda: plain.execute("SELECT * FROM sessions WHERE id = ?", (live.id,)).fetchall(), 300
                ),
                1.0,
            )
        )
        timer.stop()
        every_row = "SELECT day, subject, studied_seconds FROM sessions WHERE state != 'discarded'"
        for window in Window:
            results.append(
                (
                    f"stats --{window} (all-time streaks + render)",
                    median_ms(lambda window=window: render_report(stats.report(window)), 20),
                    f"read all {SESSIONS:,} rows",
                    median_ms(lambda: plain.execute(every_row).fetchall(), 20),
                    50.0,
                )
            )
        results.append(
            (
                "open the database (ownership, schema checks)",
                median_ms(lambda: Database.open(path, now=clock.now()).close(), 20),
                "plain sqlite3 connect + 1 query",
                median_ms(lambda: sqlite3.connect(path).execute("SELECT 1").fetchall(), 20),
                50.0,
            )
        )
        database.close()
        plain.close()

    print(f"{SESSIONS:,} sessions over {YEARS} years; medians in ms")
    print(f"{'operation':<46}{'ms':>8}  {'target':>7}  {'baseline':<32}{'ms':>8}{'ratio':>8}")
    for name, ms, baseline_name, baseline_ms, target in results:
        ratio = ms / baseline_ms if baseline_ms else float("inf")
        flag = "" if ms <= target else "  OVER"
        figures = f"{ms:>8.3f}  {target:>7.0f}  {baseline_name:<32}{baseline_ms:>8.3f}{ratio:>7.1f}x"
        print(f"{name:<46}{figures}{flag}")


if __name__ == "__main__":
    main()
