"""Which lessons and exercises exist now, for what was recorded about them (cards, attempts).

Cards and attempts outlive their lessons: a lesson removed, renamed or broken since leaves them, and
whatever lists them must say so rather than fail. This catalogue answers "does this exercise still
exist, what is it called" from the lesson library's summaries (cached at start-up: no lesson file is
parsed for a lesson's title or its typed exercises). What a summary does not hold (a lesson's derive
exercises, the feedback of its listed mistakes) is read from the file when first asked for, once per
version of the file (about 4 ms a lesson), so a screen that asks again pays nothing.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.lessons import UnknownLessonError
from studybuddy.storage.lesson_library import LessonLibrary

if TYPE_CHECKING:
    from studybuddy.core.lessons import Lesson
    from studybuddy.services.lessons import LessonService

ExerciseKind = Literal["answer", "derive"]  # an expression typed in the quiz; a derivation written


@dataclass(frozen=True)
class LessonFacts:
    """What the library's summary says of a lesson (no file read)."""

    lesson_id: str
    title: str
    subject: str
    exercises: tuple[str, ...]  # the ids of its exercises answered by typing, in file order
    fingerprint: str


@dataclass(frozen=True)
class LessonDetails:
    """What only the lesson file says: its derive exercises and its listed mistakes."""

    derive_exercises: tuple[str, ...]  # the ids of its `kind: derive` exercises
    listed_mistakes: dict[str, tuple[str, ...]]  # exercise id (either kind) -> each listed mistake's feedback


class ExerciseCatalogue:
    """The library's lessons as facts, from its summaries, and details read on demand and kept while
    their files are unchanged."""

    def __init__(self, lessons: LessonService | None) -> None:
        self.lessons = lessons
        self._details: dict[str, tuple[str, LessonDetails | None]] = {}  # id -> (fingerprint, details)
        self._indexed: tuple[object, dict[str, LessonFacts]] | None = None
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
        """The lesson as the library lists it now (None: no lesson with that id loads)."""
        return self._facts_by_id().get(lesson_id)

    def kind_of(self, lesson_id: str, exercise_id: str) -> ExerciseKind | None:
        """How ``exercise_id`` of the lesson is worked (None: the lesson has no such exercise now, or
        no longer loads). Only an id that is not a typed exercise needs the lesson file."""
        facts = self.facts(lesson_id)
        if facts is None:
            return None
        if exercise_id in facts.exercises:
            return "answer"
        details = self._details_of(facts)
        if details is not None and exercise_id in details.derive_exercises:
            return "derive"
        return None

    def listed_mistakes(self, lesson_id: str, exercise_id: str) -> tuple[str, ...]:
        """The feedback of each mistake the exercise lists (a typed or a derive exercise), in file
        order: what a recorded ``listed:<i>`` diagnosis names. Empty when it lists none or is gone."""
        facts = self.facts(lesson_id)
        details = None if facts is None else self._details_of(facts)
        return () if details is None else details.listed_mistakes.get(exercise_id, ())

    def title(self, lesson_id: str) -> str:
        facts = self.facts(lesson_id)
        return lesson_id if facts is None else facts.title

    def _facts_by_id(self) -> dict[str, LessonFacts]:
        """The library's lessons that load, by id (worked out once per reading of the library)."""
        library = self.version()
        if library is None:
            return {}
        with self._lock:
            if self._indexed is not None and self._indexed[0] is library:
                return self._indexed[1]
        assert isinstance(library, LessonLibrary)
        facts = {}
        for entry in reversed(library.entries):  # the first in library order wins
            summary = entry.summary
            if entry.loads and summary is not None:
                facts[summary.id] = LessonFacts(
                    summary.id, summary.title, summary.subject, summary.exercise_ids, summary.fingerprint
                )
        with self._lock:
            self._indexed = (library, facts)
        return facts

    def _details_of(self, facts: LessonFacts) -> LessonDetails | None:
        with self._lock:
            known = self._details.get(facts.lesson_id)
        if known is not None and known[0] == facts.fingerprint:
            return known[1]
        details = self._read(facts.lesson_id)
        with self._lock:
            self._details[facts.lesson_id] = (facts.fingerprint, details)
        return details

    def _read(self, lesson_id: str) -> LessonDetails | None:
        assert self.lessons is not None
        try:
            lesson = self.lessons.get(lesson_id)
        except StudybuddyError:  # changed since the library listed it, and now broken
            return None
        mistakes = {typed.id: tuple(m.feedback for m in typed.mistakes) for typed in lesson.exercises}
        derives = lesson.derive_exercises
        mistakes |= {derive.id: tuple(m.feedback for m in derive.mistakes) for derive in derives}
        return LessonDetails(tuple(derive.id for derive in derives), mistakes)


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
