"""Which lessons and exercises exist now, for what was recorded about them (cards, attempts).

Cards and attempts outlive their lessons: a lesson removed, renamed or broken since leaves them, and
whatever lists them must say so rather than fail. This catalogue answers "does this exercise still
exist, what is it called" from the lesson library, reading each lesson needed once per version of its
file (about 4 ms a lesson), so a screen that asks again pays nothing.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.lessons import UnknownLessonError
from studybuddy.storage.lesson_library import LessonLibrary, LibraryEntry

if TYPE_CHECKING:
    from studybuddy.core.lessons import Lesson
    from studybuddy.services.lessons import LessonService

ExerciseKind = Literal["answer", "derive"]  # an expression typed in the quiz; a derivation written


@dataclass(frozen=True)
class LessonFacts:
    lesson_id: str
    title: str
    subject: str
    exercises: tuple[str, ...]  # the ids of its exercises answered by typing, in file order
    derive_exercises: tuple[str, ...]  # the ids of its `kind: derive` exercises
    listed_mistakes: dict[str, tuple[str, ...]]  # exercise id -> the feedback of each listed mistake

    def kind_of(self, exercise_id: str) -> ExerciseKind | None:
        if exercise_id in self.exercises:
            return "answer"
        if exercise_id in self.derive_exercises:
            return "derive"
        return None


class ExerciseCatalogue:
    """The library's lessons as facts, read on demand and kept while their files are unchanged."""

    def __init__(self, lessons: LessonService | None) -> None:
        self.lessons = lessons
        self._facts: dict[str, tuple[str, LessonFacts | None]] = {}  # id -> (fingerprint, facts)
        self._indexed: tuple[object, dict[str, LibraryEntry]] | None = None
        self._lock = threading.Lock()

    def version(self) -> object:
        """Changes (by identity) whenever the library is read afresh: what was worked out from the
        facts before may be stale then."""
        if self.lessons is None:
            return None
        try:
            return self.lessons.library()
        except StudybuddyError:
            return None

    def facts(self, lesson_id: str) -> LessonFacts | None:
        """The lesson as it is now (None: no lesson with that id loads)."""
        entry = self._entries().get(lesson_id)
        if entry is None or entry.summary is None:
            return None
        fingerprint = entry.summary.fingerprint
        with self._lock:
            known = self._facts.get(lesson_id)
        if known is not None and known[0] == fingerprint:
            return known[1]
        facts = self._read(lesson_id)
        with self._lock:
            self._facts[lesson_id] = (fingerprint, facts)
        return facts

    def _entries(self) -> dict[str, LibraryEntry]:
        """The library's lessons that load, by id (indexed once per reading of the library)."""
        library = self.version()
        if library is None:
            return {}
        with self._lock:
            if self._indexed is not None and self._indexed[0] is library:
                return self._indexed[1]
        assert isinstance(library, LessonLibrary)
        entries = {entry.id: entry for entry in reversed(library.entries) if entry.loads}  # the first wins
        with self._lock:
            self._indexed = (library, entries)
        return entries

    def title(self, lesson_id: str) -> str:
        facts = self.facts(lesson_id)
        return lesson_id if facts is None else facts.title

    def _read(self, lesson_id: str) -> LessonFacts | None:
        assert self.lessons is not None
        try:
            lesson = self.lessons.get(lesson_id)
        except StudybuddyError:  # changed since the library listed it, and now broken
            return None
        return LessonFacts(
            lesson_id=lesson.id,
            title=lesson.title,
            subject=lesson.subject,
            exercises=tuple(exercise.id for exercise in lesson.exercises),
            derive_exercises=tuple(exercise.id for exercise in lesson.derive_exercises),
            listed_mistakes={
                exercise.id: tuple(mistake.feedback for mistake in exercise.mistakes)
                for exercise in lesson.exercises
            },
        )


class UnknownExerciseError(StudybuddyError):
    """A lesson or exercise id that names nothing (the message says what exists, or what was meant)."""


def open_exercise(
    lessons: LessonService, lesson_id: str, exercise_id: str
) -> tuple[Lesson, ExerciseKind, int]:
    """The lesson, the exercise's kind and its index among the lesson's exercises of that kind.
    UnknownExerciseError names the closest id ("did you mean ...?") or lists the ids there are."""
    try:
        lesson = lessons.get(lesson_id)
    except UnknownLessonError:
        ids = [entry.id for entry in lessons.library().entries if entry.loads]
        raise UnknownExerciseError(
            f"no lesson has the id '{lesson_id}'{_did_you_mean(lesson_id, ids, 'lessons list')}"
        ) from None
    answer_ids = [exercise.id for exercise in lesson.exercises]
    derive_ids = [exercise.id for exercise in lesson.derive_exercises]
    if exercise_id in answer_ids:
        return lesson, "answer", answer_ids.index(exercise_id)
    if exercise_id in derive_ids:
        return lesson, "derive", derive_ids.index(exercise_id)
    every = answer_ids + derive_ids
    raise UnknownExerciseError(
        f"lesson '{lesson.id}' has no exercise '{exercise_id}'"
        + (_did_you_mean(exercise_id, every, "") or f"; its exercises are {', '.join(every) or 'none'}")
    )


def _did_you_mean(typed: str, known: list[str], where: str) -> str:
    close = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f" (studybuddy {where} shows them)" if where else ""
