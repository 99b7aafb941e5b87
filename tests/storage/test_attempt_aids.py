"""The help an attempt had (hints, the worked solution), stored with it, and what mastery counts.

Schema 2 added the two columns: a database made by schema 1 (an earlier studybuddy) is migrated in
place, its attempts kept and read as given without help.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studybuddy.core.stats import AttemptOutcome, mastery
from studybuddy.services.progress import AidsShown, ProgressService
from studybuddy.services.stats import StatsService
from studybuddy.services.timer import TimerService
from studybuddy.storage.database import APPLICATION_ID, Database, DatabaseError
from studybuddy.storage.schema import MIGRATIONS, SCHEMA_VERSION

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    moment: datetime = T0

    def now(self) -> datetime:
        return self.moment


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_an_answer_after_the_solution_is_an_attempt_but_never_right() -> None:
    result = mastery(
        [
            AttemptOutcome("sigmoid", "prime", True, at(1), hints_used=3, solution_seen=True),
            AttemptOutcome("sigmoid", "slope", False, at(1)),
            AttemptOutcome("sigmoid", "slope", True, at(2), hints_used=2),  # hints alone: still its own
        ]
    )["sigmoid"]
    assert result.exercises_tried == 2
    assert (result.attempts, result.right_attempts, result.after_solution) == (3, 1, 1)
    assert result.exercises_mastered == 0, "mastery is a review card's stability, never one right answer"


def schema_1_database(path: Path) -> None:
    """The file an earlier studybuddy (schema 1) left, with one attempt in it."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(
            "INSERT INTO attempts (lesson_id, exercise_id, answer, correct, verdict, diagnosis, at) "
            "VALUES ('sigmoid', 'prime', 's*(1-s)', 1, 'equivalent', NULL, ?)",
            (T0.timestamp(),),
        )
    conn.close()


def test_a_schema_1_database_is_migrated_with_its_attempts_kept_as_unaided(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 2
    path = tmp_path / "studybuddy.sqlite3"
    schema_1_database(path)
    clock = FakeClock()
    with Database.open(path, now=T0) as database:
        assert database.schema_version == SCHEMA_VERSION
        assert database.set_aside is None, "migrated in place, not replaced"
        progress = ProgressService(database, clock, TimerService(database, clock))
        progress.record_attempt(
            lesson_id="sigmoid",
            exercise_id="slope",
            answer="1/4",
            correct=True,
            verdict="equivalent",
            hints_used=2,
            solution_seen=True,
        )
        with database.read() as conn:
            rows = conn.execute(
                "SELECT exercise_id, correct, hints_used, solution_seen FROM attempts ORDER BY id"
            ).fetchall()
        assert rows == [("prime", 1, 0, 0), ("slope", 1, 2, 1)]
        result = StatsService(database, clock).mastery()["sigmoid"]
        assert (result.exercises_mastered, result.right_attempts, result.after_solution) == (0, 1, 1)


def test_the_database_refuses_a_negative_hint_count(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "studybuddy.sqlite3", now=T0)
    with database, pytest.raises(DatabaseError, match="CHECK constraint"), database.write() as conn:
        conn.execute(
            "INSERT INTO attempts (lesson_id, exercise_id, answer, correct, verdict, at, hints_used) "
            "VALUES ('l', 'e', 'x', 1, 'equivalent', 0, -1)"
        )


def test_the_help_shown_is_remembered_per_exercise_and_never_goes_back(tmp_path: Path) -> None:
    clock = FakeClock()
    with Database.open(tmp_path / "studybuddy.sqlite3", now=T0) as database:
        progress = ProgressService(database, clock, TimerService(database, clock))
        progress.show_hint("sigmoid", "prime", 2)
        progress.show_hint("sigmoid", "prime", 1)
        progress.show_solution("sigmoid", "prime")
        assert progress.aids_shown("sigmoid", "prime") == AidsShown(hints=2, solution=True)
        assert progress.aids_shown("sigmoid", "slope") == AidsShown(hints=0, solution=False)
