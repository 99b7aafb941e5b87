"""The Review section's walk through the day's queue: which exercise to serve next, as a fresh variant,
and, when nothing is due, when the next one will be.

The queue itself (what is due, the daily caps, most overdue first, interleaved across lessons, orphaned
cards left out) is ``ReviewService.queue``; this only walks it. Each turn reads the queue afresh, so
a review just saved (its card due again later) or an exercise answered in another window is never
served twice. An exercise the learner skipped without answering goes to the back of the round; one
whose lesson no longer loads is passed over and named, never served.

Grading and rating go through the same ``QuizSession`` as a lesson's exercises (services.quiz): the
turn hands out the lesson with the exercise drawn afresh where it has parameters. A derive exercise is
served as one (``ReviewTurn.derive``): written line by line, worked through services.derive_exercise,
and rated from the finished derivation like any exercise.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.lessons.variants import describe, instantiate
from studybuddy.core.reviews.cards import interval_text

if TYPE_CHECKING:
    from fsrs import Rating

    from studybuddy.core.lessons.model import Lesson
    from studybuddy.services.context import StudyContext
    from studybuddy.services.exercise_catalogue import ExerciseKind
    from studybuddy.services.quiz import QuizSession
    from studybuddy.services.reviews import QueueItem, ReviewProposal, ReviewQueue, SavedReview

Key = tuple[str, str]  # (lesson id, exercise id)


@dataclass(frozen=True)
class ReviewTurn:
    """One exercise to review now."""

    item: QueueItem
    lesson: Lesson  # the lesson, its exercise to review drawn afresh where it has parameters
    index: int  # the exercise's place among ``lesson.exercises`` (a derive exercise's: among its derive ones)
    waiting: int  # served now, this one included
    passed_over: tuple[str, ...]  # why some due exercises are not served here

    @property
    def key(self) -> Key:
        return (self.item.lesson_id, self.item.exercise_id)

    @property
    def derive(self) -> bool:
        """A derive exercise: ``index`` is among ``lesson.derive_exercises``."""
        return self.item.exercise_kind == "derive"

    def heading(self) -> str:
        """``Review 1 of 12 · Softmax · 3 days overdue`` (and the variant drawn, when there is one)."""
        drawn = None if self.derive else self.lesson.exercises[self.index].drawn
        variant = f" · variant {describe(drawn)}" if drawn else ""
        return (
            f"Review: {self.waiting} waiting · {self.item.lesson_title} · {self.item.overdue_text}{variant}"
        )


@dataclass(frozen=True)
class NothingDue:
    """Nothing to serve now: when the next review is due, and what waits for other reasons."""

    now: datetime
    next_due: datetime | None
    reviews_capped: int  # due, but left for the coming days by the daily cap
    cap: int
    passed_over: tuple[str, ...]

    def text(self) -> str:
        lines = ["Nothing to review now."]
        if self.next_due is None:
            lines.append(
                "Exercises you answer in a lesson come back here when they are due (the first ones within "
                "minutes)."
            )
        else:
            lines.append(f"The next review is due {when(self.next_due, self.now)}.")
        if self.reviews_capped:
            lines.append(
                f"Today's cap of {self.cap} reviews is reached: {self.reviews_capped} more wait for the "
                "coming days."
            )
        lines += self.passed_over
        return "\n".join(lines)


def when(moment: datetime, now: datetime) -> str:
    """``in 8 min (09:38)``, ``today at 17:05``, ``tomorrow at 09:30``, ``on Mon 14 Jul at 09:30``."""
    moment = moment.astimezone(now.tzinfo)
    if moment - now < timedelta(hours=1):
        return f"in {interval_text(moment - now)} ({moment:%H:%M})"
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"today at {moment:%H:%M}"
    if days == 1:
        return f"tomorrow at {moment:%H:%M}"
    return f"on {moment:%a %d %b} at {moment:%H:%M}"


class ReviewRound:
    """The Review section's pass through the queue, for as long as the section is open."""

    def __init__(self, context: StudyContext) -> None:
        self.context = context
        self._skipped: list[Key] = []  # skipped without an answer, the first skipped first

    def skip(self, key: Key) -> None:
        """The learner moved on without answering: serve the others first."""
        if key in self._skipped:
            self._skipped.remove(key)
        self._skipped.append(key)

    def next_turn(self) -> ReviewTurn | NothingDue:
        """What to serve now (reads the queue afresh; StudybuddyError when the database cannot be read)."""
        queue = self.context.reviews.queue()
        passed: list[str] = []
        servable: list[tuple[QueueItem, Lesson]] = []
        for item in queue.items:
            try:
                lesson = self.context.lessons.get(item.lesson_id)
            except StudybuddyError as error:  # changed on disk since the queue was read
                passed.append(f"{item.lesson_title} ({item.exercise_id}) is passed over: {error}")
                continue
            if item.exercise_id in _ids(lesson, item.exercise_kind):
                servable.append((item, lesson))
        self._skipped = [key for key in self._skipped if any(key == _key(item) for item, _ in servable)]
        if not servable:
            return self._nothing(queue, tuple(passed))
        order = {key: place for place, key in enumerate(self._skipped)}
        item, lesson = min(servable, key=lambda pair: order.get(_key(pair[0]), -1))  # stable: queue order
        return self._turn(item, lesson, len(servable), tuple(passed))

    def _turn(self, item: QueueItem, lesson: Lesson, waiting: int, passed: tuple[str, ...]) -> ReviewTurn:
        index = _ids(lesson, item.exercise_kind).index(item.exercise_id)
        if item.exercise_kind == "derive":  # no parameters: served as written
            return ReviewTurn(item, lesson, index, waiting, passed)
        now = self.context.clock.now()
        exercises = list(lesson.exercises)
        exercises[index] = instantiate(exercises[index], variant_seed(item.lesson_id, item.exercise_id, now))
        return ReviewTurn(item, replace(lesson, exercises=tuple(exercises)), index, waiting, passed)

    def _nothing(self, queue: ReviewQueue, passed: tuple[str, ...]) -> NothingDue:
        day = queue.day
        return NothingDue(
            day.now, self.context.reviews.next_due(), day.reviews_capped, day.caps.reviews, passed
        )


def variant_seed(lesson_id: str, exercise_id: str, now: datetime) -> int:
    """A seed of its own for each review of an exercise (the same moment gives the same variant)."""
    return zlib.crc32(f"{lesson_id}\x1f{exercise_id}\x1f{now.isoformat()}".encode())


def _ids(lesson: Lesson, kind: ExerciseKind) -> list[str]:
    """The ids of the lesson's exercises of ``kind``, in file order."""
    exercises = lesson.derive_exercises if kind == "derive" else lesson.exercises
    return [exercise.id for exercise in exercises]


def _key(item: QueueItem) -> Key:
    return (item.lesson_id, item.exercise_id)


def save_on_leaving(
    session: QuizSession, exercise_id: str, chosen: tuple[ReviewProposal, Rating] | None
) -> SavedReview | None:
    """The learner leaves an exercise: save the rating they had in front of them (``chosen``), or, for
    a sitting with only wrong tries, the Again it earns. None when there was nothing to rate (no try,
    or an answer still being graded: its rating then comes with its grade)."""
    if chosen is not None:
        return session.save_rating(*chosen)
    pending = session.pending_proposal(exercise_id)
    if pending is None:
        return None
    return session.save_rating(pending)
