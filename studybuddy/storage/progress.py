"""Exercise attempts and per-lesson progress (last opened, derivation steps revealed)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from studybuddy.core.stats import AttemptOutcome
from studybuddy.storage.sessions import from_seconds, to_seconds

if TYPE_CHECKING:
    from studybuddy.core.reviews.insights import DiagnosedAttempt


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    last_opened_at: datetime
    steps_revealed: int  # how far through the derivation the user got: where to pick up


def attempt_id(conn: sqlite3.Connection, uid: str) -> int:
    """The row number of the attempt logged as ``uid``."""
    return int(conn.execute("SELECT id FROM attempts WHERE uid = ?", (uid,)).fetchone()[0])


def attempt_outcomes(conn: sqlite3.Connection, lesson_id: str | None = None) -> list[AttemptOutcome]:
    query = "SELECT lesson_id, exercise_id, correct, at, hints_used, solution_seen FROM attempts"
    rows = conn.execute(query + " WHERE lesson_id = ?", (lesson_id,)) if lesson_id else conn.execute(query)
    return [
        AttemptOutcome(lesson, exercise, bool(correct), from_seconds(at), hints, bool(solution))
        for lesson, exercise, correct, at, hints, solution in rows
    ]


def attempts_between(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[AttemptOutcome]:
    """Every attempt from ``start`` to before ``end``, oldest first."""
    rows = conn.execute(
        "SELECT lesson_id, exercise_id, correct, at, hints_used, solution_seen FROM attempts "
        "WHERE at >= ? AND at < ? ORDER BY at, id",
        (to_seconds(start), to_seconds(end)),
    )
    return [
        AttemptOutcome(lesson, exercise, bool(correct), from_seconds(at), hints, bool(solution))
        for lesson, exercise, correct, at, hints, solution in rows
    ]


def diagnosed_attempts(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[DiagnosedAttempt]:
    """Wrong answers the grader explained (the diagnosis code it gave), from ``start`` to before ``end``."""
    from studybuddy.core.reviews.insights import DiagnosedAttempt  # imports FSRS: off the start-up path

    rows = conn.execute(
        "SELECT lesson_id, exercise_id, diagnosis, at FROM attempts "
        "WHERE at >= ? AND at < ? AND correct = 0 AND diagnosis IS NOT NULL ORDER BY at, id",
        (to_seconds(start), to_seconds(end)),
    )
    return [DiagnosedAttempt(lesson, exercise, code, from_seconds(at)) for lesson, exercise, code, at in rows]


def recent_lessons(conn: sqlite3.Connection, limit: int) -> list[LessonProgress]:
    rows = conn.execute(
        "SELECT lesson_id, last_opened_at, steps_revealed FROM lesson_progress "
        "ORDER BY last_opened_at DESC LIMIT ?",
        (limit,),
    )
    return [LessonProgress(lesson_id, from_seconds(at), steps) for lesson_id, at, steps in rows]


def steps_read(conn: sqlite3.Connection) -> dict[str, int]:
    """Every lesson opened: how many derivation steps were revealed (the furthest ever)."""
    return dict(conn.execute("SELECT lesson_id, steps_revealed FROM lesson_progress"))


def solved_exercises(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Per lesson, the exercises answered right at least once without the worked solution shown."""
    solved: dict[str, set[str]] = {}
    for lesson_id, exercise_id in conn.execute(
        "SELECT DISTINCT lesson_id, exercise_id FROM attempts WHERE correct = 1 AND solution_seen = 0"
    ):
        solved.setdefault(lesson_id, set()).add(exercise_id)
    return solved
