"""What the learner did in lessons: exercise attempts, where they stopped, for "recent lessons"."""

from __future__ import annotations

from studybuddy.core.clock import Clock
from studybuddy.services.timer import TimerService
from studybuddy.storage import progress, sessions
from studybuddy.storage.database import Database
from studybuddy.storage.progress import LessonProgress


class ProgressService:
    def __init__(self, database: Database, clock: Clock, timer: TimerService) -> None:
        self.database = database
        self.clock = clock
        self.timer = timer

    def record_attempt(
        self,
        *,
        lesson_id: str,
        exercise_id: str,
        answer: str,
        correct: bool,
        verdict: str,
        diagnosis: str | None = None,
    ) -> int:
        """Store an answer and its grade; it also counts in the live study session, if one runs."""
        session_id = self.timer.live_session_id()
        with self.database.write() as conn:
            attempt_id = progress.insert_attempt(
                conn,
                lesson_id=lesson_id,
                exercise_id=exercise_id,
                answer=answer,
                correct=correct,
                verdict=verdict,
                diagnosis=diagnosis,
                at=self.clock.now(),
                session_id=session_id,
            )
            if session_id is not None:
                sessions.count_exercise(conn, session_id, correct)
        return attempt_id

    def lesson_opened(self, lesson_id: str, steps_revealed: int | None = None) -> None:
        """Remember the lesson as recently opened, and how far into its derivation the user got."""
        with self.database.write() as conn:
            progress.touch_lesson(conn, lesson_id, self.clock.now(), steps_revealed)

    def recent_lessons(self, limit: int = 5) -> list[LessonProgress]:
        with self.database.read() as conn:
            return progress.recent_lessons(conn, limit)
