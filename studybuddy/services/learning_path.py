"""The learner's path, as the lesson browser, the dashboard and a finished quiz show it: every lesson
that loads in learning order (``core.learning_path``) with its progress, how many are done, and the
next one to study; and what one sitting with a lesson's exercises came to.

Read in one go from the library's summaries (no lesson file is parsed) and three small queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from studybuddy.core.learning_path import LessonProgress, PathNode, Stage, learning_order, lesson_progress
from studybuddy.core.stats import AttemptOutcome
from studybuddy.storage import progress

if TYPE_CHECKING:
    from studybuddy.core.lessons import Lesson
    from studybuddy.storage.database import Database
    from studybuddy.storage.lesson_library import LibraryEntry


@dataclass(frozen=True)
class PathLesson:
    id: str
    title: str
    subject: str
    topic: str
    requires: tuple[str, ...]
    position: int  # 1 for the first lesson on the path
    progress: LessonProgress

    @property
    def stage(self) -> Stage:
        return self.progress.stage

    @property
    def done(self) -> bool:
        return self.progress.done


@dataclass(frozen=True)
class LearnerPath:
    lessons: tuple[PathLesson, ...]  # in learning order
    problems: tuple[str, ...]  # what in the requires graph could not be followed (a cycle, a lost id)

    @property
    def done_count(self) -> int:
        return sum(lesson.done for lesson in self.lessons)

    def headline(self) -> str:
        """``12 of 29 lessons done``."""
        total = len(self.lessons)
        return f"{self.done_count} of {total} lesson{'s' if total != 1 else ''} done"

    def lesson(self, lesson_id: str) -> PathLesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def next_lesson(self, leaving: str | None = None) -> PathLesson | None:
        """The first lesson on the path not done yet (other than ``leaving``, the one just finished):
        None when every lesson is done."""
        return next((item for item in self.lessons if not item.done and item.id != leaving), None)

    def prerequisites(self, lesson: PathLesson) -> list[PathLesson]:
        """The lessons ``lesson`` requires that are on the path, in path order."""
        wanted = set(lesson.requires)
        return [item for item in self.lessons if item.id in wanted]


def learner_path(database: Database, entries: Sequence[LibraryEntry]) -> LearnerPath:
    """The path through the lessons of ``entries`` that load (StudybuddyError when the database
    cannot be read). The tie order is the browser's by topic: subject, topic, title."""
    from studybuddy.storage.reviews import stabilities  # FSRS: kept off the app's start-up path

    lessons = sorted(
        (entry for entry in entries if entry.loads and entry.summary is not None),
        key=lambda entry: (entry.subject, entry.topic, entry.title, entry.id),
    )
    with database.read() as conn:
        read = progress.steps_read(conn)
        solved = progress.solved_exercises(conn)
        cards = stabilities(conn)
    stability: dict[str, dict[str, float | None]] = {}
    for (lesson_id, exercise_id), days in cards.items():
        stability.setdefault(lesson_id, {})[exercise_id] = days
    summaries = {entry.id: entry.summary for entry in lessons if entry.summary is not None}
    order = learning_order(
        [PathNode(entry.id, entry.topic, tuple(name for name, _ in summary.requires)) for entry, summary in
         ((entry, summaries[entry.id]) for entry in lessons)]
    )  # fmt: skip
    path = []
    for position, lesson_id in enumerate(order.ids, start=1):
        summary = summaries[lesson_id]
        path.append(
            PathLesson(
                id=lesson_id,
                title=summary.title,
                subject=summary.subject,
                topic=summary.topic,
                requires=tuple(name for name, _ in summary.requires),
                position=position,
                progress=lesson_progress(
                    steps=summary.step_count,
                    exercise_ids=summary.exercise_ids,
                    steps_read=read.get(lesson_id, 0),
                    solved=solved.get(lesson_id, set()),
                    stability=stability.get(lesson_id, {}),
                ),
            )
        )
    return LearnerPath(tuple(path), order.problems)


# ---- one sitting with a lesson's exercises ---------------------------------------------------------


@dataclass(frozen=True)
class ExerciseOutcome:
    number: int  # 1 for the lesson's first exercise
    exercise_id: str
    outcome: str  # one of OUTCOMES


OUTCOMES = (
    "right first time",
    "right after a wrong try",
    "right with hints",
    "solution seen",
    "not solved yet",
)


@dataclass(frozen=True)
class SittingSummary:
    """What a pass through a lesson's exercises came to, from the answers recorded since it began."""

    lesson_id: str
    exercises: tuple[ExerciseOutcome, ...]
    minutes: int  # since the lesson (or its exercises) was opened, in whole minutes

    def count(self, outcome: str) -> int:
        return sum(item.outcome == outcome for item in self.exercises)

    def lines(self) -> list[str]:
        """``3 right first time``, … (the outcomes that occur, in OUTCOMES' order), then the time."""
        lines = [f"{self.count(outcome)} {outcome}" for outcome in OUTCOMES if self.count(outcome)]
        return [*lines, f"{self.minutes} min spent"]


def sitting_summary(database: Database, lesson: Lesson, began: datetime, now: datetime) -> SittingSummary:
    """Each exercise of ``lesson`` by its answers from ``began`` on: right first time (no hint, no wrong
    try), right after a wrong try, right with hints, solution seen (answered only after it was shown),
    or not solved yet."""
    with database.read() as conn:
        attempts = [item for item in progress.attempt_outcomes(conn, lesson.id) if began <= item.at <= now]
    attempts.sort(key=lambda item: item.at)
    outcomes = []
    for number, exercise in enumerate(lesson.exercises, start=1):
        tries = [item for item in attempts if item.exercise_id == exercise.id]
        outcomes.append(ExerciseOutcome(number, exercise.id, _outcome(tries)))
    minutes = max(0, int((now - began).total_seconds() // 60))
    return SittingSummary(lesson.id, tuple(outcomes), minutes)


def _outcome(tries: Sequence[AttemptOutcome]) -> str:
    right = next((index for index, item in enumerate(tries) if item.correct and not item.solution_seen), None)
    if right is None:
        return "solution seen" if any(item.solution_seen for item in tries) else "not solved yet"
    if any(item.hints_used for item in tries[: right + 1]):
        return "right with hints"
    return "right first time" if right == 0 else "right after a wrong try"
