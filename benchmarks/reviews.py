"""Review queue figures on a generated home: 10,000 review cards over 300 lessons.

    .venv/bin/python benchmarks/reviews.py

Target (issue 13): the due list (what `review list` and the Review section show, and the dashboard's
counts) within 20 ms over 10,000 cards. Each figure is printed beside the time to simply read the
same rows with plain sqlite3 in the same run, so a noisy machine shows in both.

Two days are measured: an ordinary one (about 8% of the cards due, a few in learning steps) and the
day after a long break (every card overdue: the most overdue 200 served, the rest counted). The lesson
catalogue is built once beforehand, as the app holds it after its first queue (reading a lesson file
costs ~4 ms, once per version of the file). Which cards are orphaned is worked out from every
card's key, again only when a card was added (cards are never removed): measured apart.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from studybuddy.core.reviews.cards import CardState, review
from studybuddy.services.exercise_catalogue import ExerciseCatalogue, LessonFacts
from studybuddy.services.reviews import ReviewService
from studybuddy.storage.database import Database
from studybuddy.storage.sessions import to_seconds

CARDS = 10_000
LESSONS = 300
TARGET_MS = 20.0
NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


class GeneratedCatalogue(ExerciseCatalogue):
    """The lessons as facts, without lesson files (the real catalogue keeps exactly these)."""

    def __init__(self, facts: dict[str, LessonFacts]) -> None:
        super().__init__(None)
        self._generated = facts

    def facts(self, lesson_id: str) -> LessonFacts | None:
        return self._generated.get(lesson_id)


def generate(database: Database, overdue_all: bool) -> dict[str, LessonFacts]:
    """CARDS cards, each with FSRS state from a few real reviews; 1% of them orphaned (their lesson gone)."""
    rng = random.Random(20250706)
    per_lesson = -(-CARDS // LESSONS)
    facts = {
        f"lesson-{n:03}": LessonFacts(
            f"lesson-{n:03}", f"Lesson {n}", "ml", tuple(f"e{k}" for k in range(per_lesson)), f"file-{n}"
        )
        for n in range(LESSONS)
    }
    templates = []
    for reviews in range(2, 8):  # real FSRS states after 2..7 good reviews (the review state)
        card = CardState()
        moment = NOW - timedelta(days=400)
        for _ in range(reviews):
            card = review(card, 3, moment, "template")  # type: ignore[arg-type]
            assert card.due is not None
            moment = card.due
        templates.append(card)
    rows = []
    for number in range(CARDS):
        lesson = f"lesson-{number % LESSONS:03}" if number % 100 else "removed-lesson"
        card = rng.choice(templates)
        if overdue_all:
            due = NOW - timedelta(days=rng.uniform(1, 300))
        elif number % 50 == 0:  # a learning step, due within the hour
            due = NOW + timedelta(minutes=rng.uniform(-30, 30))
        else:
            due = NOW + timedelta(days=rng.uniform(-2, 60))  # ~8% due today or overdue
        state = 1 if number % 50 == 0 and not overdue_all else int(card.state)
        rows.append(
            (
                lesson,
                f"e{number // LESSONS}" if number % 100 else f"gone-{number}",
                state,
                None if card.state == 2 else card.step,
                card.stability,
                card.difficulty,
                to_seconds(due),
                to_seconds(due - timedelta(days=3)),
                card.reps,
                0,
                to_seconds(NOW - timedelta(days=400)),
            )
        )
    with database.write() as conn:
        conn.executemany(
            "INSERT INTO cards (lesson_id, exercise_id, state, step, stability, difficulty, due, "
            "last_review, reps, lapses, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return facts


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm caches, as any second run would be
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def median_ms_after_a_new_card(action: Callable[[], object], plain: sqlite3.Connection, repeat: int) -> float:
    """``action`` timed just after a card was added (by another connection, untimed): the first queue
    after a new exercise's first review reads every card's key again. The cards added are exercises of
    lesson-000 that have none yet (its generated cards are the orphaned ones)."""
    times = []
    for number in range(repeat):
        plain.execute(
            "INSERT INTO cards (lesson_id, exercise_id, due, created_at) VALUES ('lesson-000', ?, ?, 0)",
            (f"e{number}", to_seconds(NOW + timedelta(days=30))),  # lesson-000's cards are all orphaned
        )
        plain.commit()
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def measure(overdue_all: bool) -> list[tuple[str, float, str, float, float | None]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "studybuddy.sqlite3"
        clock = FixedClock(NOW)
        database = Database.open(path, now=NOW)
        facts = generate(database, overdue_all)
        catalogue = GeneratedCatalogue(facts)
        service = ReviewService(database, clock, catalogue=catalogue)
        plain = sqlite3.connect(path)
        every_row = "SELECT lesson_id, exercise_id, state, due, reps FROM cards ORDER BY due"
        queue = service.queue()
        day = "after a break" if overdue_all else "ordinary day"
        served = f"{len(queue.items)} served of {queue.due_today} due, {len(queue.orphaned)} orphaned"
        results: list[tuple[str, float, str, float, float | None]] = [
            (
                f"due list, {day} ({served})",
                median_ms(service.queue, 30),
                f"read all {CARDS:,} rows",
                median_ms(lambda: plain.execute(every_row).fetchall(), 30),
                TARGET_MS,
            ),
            (
                f"due list, {day}, the first of a run (every key read)",
                median_ms(lambda: ReviewService(database, clock, catalogue=catalogue).queue(), 10),
                f"read all {CARDS:,} rows",
                median_ms(lambda: plain.execute(every_row).fetchall(), 10),
                None,
            ),
            (
                f"due list, {day}, just after a card was added",
                median_ms_after_a_new_card(service.queue, plain, 10),
                f"read all {CARDS:,} rows",
                median_ms(lambda: plain.execute(every_row).fetchall(), 10),
                None,
            ),
            (
                f"14-day forecast, {day}",
                median_ms(service.forecast, 30),
                "read the rows due in 14 days",
                median_ms(
                    lambda: plain.execute(
                        "SELECT lesson_id, exercise_id, due FROM cards WHERE due < ?",
                        (to_seconds(NOW + timedelta(days=14)),),
                    ).fetchall(),
                    30,
                ),
                None,
            ),
            (
                f"review stats, {day}",
                median_ms(service.stats, 10),
                f"read all {CARDS:,} rows",
                median_ms(lambda: plain.execute(every_row).fetchall(), 10),
                None,
            ),
        ]
        database.close()
        plain.close()
    return results


def main() -> None:
    results = measure(overdue_all=False) + measure(overdue_all=True)
    print(f"{CARDS:,} review cards over {LESSONS} lessons; medians in ms")
    print(f"{'operation':<72}{'ms':>8}  {'target':>6}  {'baseline':<30}{'ms':>8}{'ratio':>8}")
    for name, ms, baseline_name, baseline_ms, target in results:
        ratio = ms / baseline_ms if baseline_ms else float("inf")
        flag = "  OVER" if target is not None and ms > target else ""
        shown_target = "-" if target is None else f"{target:.0f}"
        figures = f"{ms:>8.2f}  {shown_target:>6}  {baseline_name:<30}{baseline_ms:>8.2f}{ratio:>7.1f}x"
        print(f"{name:<72}{figures}{flag}")


if __name__ == "__main__":
    main()
