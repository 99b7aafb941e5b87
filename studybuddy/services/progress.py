"""What the learner did in lessons: exercise attempts and the help they had, where they stopped.

The hints and worked solutions shown are remembered per exercise for as long as this service lives
(the app's run, so leaving a quiz and coming back does not forget them) or until the exercise's review
is saved, and are recorded with each attempt; an answer given after the solution was shown is kept but
never counts as right. An exercise is mastered when its review card's FSRS stability reaches three
weeks (core.stats.MASTERED_STABILITY_DAYS), not when it was once right.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studybuddy.core import stats
from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.journal import new_event_id
from studybuddy.services.timer import TimerService
from studybuddy.storage import log_events, progress
from studybuddy.storage.database import Database
from studybuddy.storage.progress import LessonProgress

if TYPE_CHECKING:
    from datetime import date

    from studybuddy.core.stats import Window
    from studybuddy.services.context import StudyContext
    from studybuddy.services.lessons import LessonService
    from studybuddy.services.stats import StatsReport


@dataclass(frozen=True)
class AidsShown:
    """The help shown for one exercise so far: how many hints, and whether the worked solution."""

    hints: int = 0
    solution: bool = False


@dataclass(frozen=True)
class LessonStanding:
    """How far and how well one lesson has gone: what F5 and `studybuddy stats` show for it."""

    lesson_id: str
    title: str
    steps_seen: int
    steps_total: int | None  # None: the lesson no longer loads (deleted or broken); its history stays
    exercises: int | None
    mastered: int  # exercises whose review card's stability reached MASTERED_STABILITY_DAYS
    attempts: int
    right: int  # right answers given without the worked solution
    after_solution: int  # answers given after the worked solution was shown (kept, never counted)

    def accuracy(self) -> float | None:
        """Right answers over all answers (None before any)."""
        return self.right / self.attempts if self.attempts else None

    @property
    def steps_text(self) -> str:
        """``3/5``: derivation steps seen, of the lesson's (``3/?`` once the lesson no longer loads)."""
        return f"{self.steps_seen}/{'?' if self.steps_total is None else self.steps_total}"

    @property
    def mastered_text(self) -> str:
        """``1/5``: exercises mastered, of the lesson's (``1/?`` once the lesson no longer loads)."""
        return f"{self.mastered}/{'?' if self.exercises is None else self.exercises}"

    @property
    def accuracy_text(self) -> str:
        """``50%``, or ``-`` before any answer."""
        accuracy = self.accuracy()
        return "-" if accuracy is None else f"{100 * accuracy:.0f}%"


@dataclass(frozen=True)
class StudyOverview:
    """What Progress (F5) and ``studybuddy stats`` show: the study time of a window of days, and how far
    and how well every lesson opened or answered has gone."""

    report: StatsReport
    lessons: list[LessonStanding]


def study_overview(context: StudyContext, window: Window, today: date | None = None) -> StudyOverview:
    return StudyOverview(
        context.stats.report(window, today), context.progress.lesson_standings(context.lessons)
    )


class ProgressService:
    def __init__(self, database: Database, clock: Clock, timer: TimerService) -> None:
        self.database = database
        self.clock = clock
        self.timer = timer
        self._aids: dict[tuple[str, str], AidsShown] = {}
        self._aids_lock = threading.Lock()

    def aids_shown(self, lesson_id: str, exercise_id: str) -> AidsShown:
        with self._aids_lock:
            return self._aids.get((lesson_id, exercise_id), AidsShown())

    def show_hint(self, lesson_id: str, exercise_id: str, hints: int) -> None:
        """Hints 1..``hints`` of the exercise have been shown (the count never goes back)."""
        with self._aids_lock:
            shown = self._aids.get((lesson_id, exercise_id), AidsShown())
            self._aids[(lesson_id, exercise_id)] = AidsShown(max(shown.hints, hints), shown.solution)

    def show_solution(self, lesson_id: str, exercise_id: str) -> None:
        with self._aids_lock:
            shown = self._aids.get((lesson_id, exercise_id), AidsShown())
            self._aids[(lesson_id, exercise_id)] = AidsShown(shown.hints, True)

    def forget_aids(self, lesson_id: str, exercise_id: str) -> None:
        """The exercise's review was saved: its next sitting starts with no hint or solution shown."""
        with self._aids_lock:
            self._aids.pop((lesson_id, exercise_id), None)

    def record_attempt(
        self,
        *,
        lesson_id: str,
        exercise_id: str,
        answer: str,
        correct: bool,
        verdict: str,
        diagnosis: str | None = None,
        hints_used: int = 0,
        solution_seen: bool = False,
        variant_seed: int | None = None,
        wrong_lines: tuple[int, ...] | None = None,
    ) -> int:
        """Store an answer, its grade and the help it had (and the seed of the variant it answered, for
        an exercise with parameters); it also counts in the live study session, if one runs (an answer
        given after the solution counts there as tried, not as right). ``wrong_lines``: a derivation's
        lines (1-based) that did not hold (None for an answer)."""
        session_id = self.timer.live_session_id()
        event_id = new_event_id()
        with self.database.write() as conn:
            event = {
                "id": event_id,
                "type": "attempt",
                "at": self.clock.now().timestamp(),
                "session": log_events.session_uid(conn, session_id),
                "lesson": lesson_id,
                "exercise": exercise_id,
                "answer": answer,
                "correct": bool(correct),
                "verdict": verdict,
                "diagnosis": diagnosis,
                "hints": int(hints_used),
                "solution": bool(solution_seen),
                "seed": None if variant_seed is None else int(variant_seed),
                "wrong_lines": None if wrong_lines is None else [int(line) for line in wrong_lines],
            }
            self.timer.journal.record(conn, event)
            return progress.attempt_id(conn, event_id)

    def lesson_opened(self, lesson_id: str, steps_revealed: int | None = None) -> None:
        """Remember the lesson as recently opened, and how far into its derivation the user got."""
        with self.database.write() as conn:
            self.timer.journal.record(
                conn,
                {
                    "id": new_event_id(),
                    "type": "lesson",
                    "at": self.clock.now().timestamp(),
                    "lesson": lesson_id,
                    "steps": steps_revealed or 0,
                },
            )

    def recent_lessons(self, limit: int = 5) -> list[LessonProgress]:
        with self.database.read() as conn:
            return progress.recent_lessons(conn, limit)

    def lesson_standings(self, lessons: LessonService, limit: int = 500) -> list[LessonStanding]:
        """Every lesson opened or answered, the most recently opened first, then those only answered."""
        from studybuddy.storage.reviews import stabilities  # FSRS: kept off the app's start-up path

        with self.database.read() as conn:
            opened = {item.lesson_id: item for item in progress.recent_lessons(conn, limit)}
            mastery = stats.mastery(progress.attempt_outcomes(conn), stabilities(conn))
        standings = []
        for lesson_id in [*opened, *(key for key in mastery if key not in opened)]:
            try:
                lesson = lessons.get(lesson_id)
                title, steps, exercises = lesson.title, len(lesson.derivation), len(lesson.exercises)
            except StudybuddyError:  # deleted or broken since: keep its history, without totals
                title, steps, exercises = lesson_id, None, None
            done = mastery.get(lesson_id)
            standings.append(
                LessonStanding(
                    lesson_id=lesson_id,
                    title=title,
                    steps_seen=opened[lesson_id].steps_revealed if lesson_id in opened else 0,
                    steps_total=steps,
                    exercises=exercises,
                    mastered=done.exercises_mastered if done else 0,
                    attempts=done.attempts if done else 0,
                    right=done.right_attempts if done else 0,
                    after_solution=done.after_solution if done else 0,
                )
            )
        return standings
