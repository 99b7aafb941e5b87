"""What the learner's history says: retention, the mistakes they make most, and the lessons whose
exercises they most often get wrong at the first try.

Pure functions over plain rows; the service reads them and names lessons and listed mistakes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from fsrs import Rating, State

from studybuddy.core.stats import AttemptOutcome

# What the grader's and the derivation checker's diagnosis codes mean, in a learner's words. A listed
# mistake ("listed:<i>") is named by the lesson's own feedback instead; an unknown code by itself.
DIAGNOSIS_LABELS: dict[str, str] = {
    "sign": "sign error",
    "factor": "wrong constant factor",
    "constant-factor": "wrong constant factor",
    "missing-factor": "missing factor",
    "missing-chain-factor": "missing chain-rule factor",
    "extra-factor": "extra factor",
    "additive": "off by a constant",
    "dropped-term": "dropped term",
    "wrong-derivative-rule": "wrong derivative rule",
    "transpose": "transposed",
}
LISTED_PREFIX = "listed:"
MIN_FIRST_TRIES = 2  # a lesson needs this many first tries before it can be "worth revisiting"


@dataclass(frozen=True)
class Retention:
    """Reviews of cards that had reached the review state (recall after a day or more), and how many
    of them were right (rated Hard, Good or Easy)."""

    reviews: int
    right: int

    @property
    def share(self) -> float | None:
        return self.right / self.reviews if self.reviews else None

    @property
    def text(self) -> str:
        share = self.share
        return "no reviews yet" if share is None else f"{100 * share:.0f}% of {self.reviews}"


def retention(reviews: Iterable[tuple[State | None, Rating]]) -> Retention:
    """``reviews``: (the card's state before the review, the rating); first reviews and learning steps
    test the short term, not retention, and are left out."""
    counted = right = 0
    for state_before, rating in reviews:
        if state_before == State.Review:
            counted += 1
            right += rating != Rating.Again
    return Retention(counted, right)


@dataclass(frozen=True)
class DiagnosedAttempt:
    lesson_id: str
    exercise_id: str
    diagnosis: str  # the code the grader gave
    at: datetime


@dataclass(frozen=True)
class MistakeKind:
    """A kind of mistake: a diagnosis code, or one lesson exercise's listed mistake."""

    code: str
    lesson_id: str | None = None  # set for a listed mistake, which only means something in its lesson
    exercise_id: str | None = None


@dataclass(frozen=True)
class RecurringMistake:
    kind: MistakeKind
    label: str
    count: int
    lessons: tuple[tuple[str, int], ...]  # (lesson id, times), most first

    @property
    def mostly_in(self) -> str | None:
        """The lesson with most of them (None when no lesson has more than another)."""
        if not self.lessons:
            return None
        if len(self.lessons) > 1 and self.lessons[0][1] == self.lessons[1][1]:
            return None
        return self.lessons[0][0]


def mistake_kind(attempt: DiagnosedAttempt) -> MistakeKind:
    if attempt.diagnosis.startswith(LISTED_PREFIX):
        return MistakeKind(attempt.diagnosis, attempt.lesson_id, attempt.exercise_id)
    return MistakeKind(attempt.diagnosis)


def recurring_mistakes(
    attempts: Iterable[DiagnosedAttempt], label: Callable[[MistakeKind], str], minimum: int = 1
) -> list[RecurringMistake]:
    """The kinds of mistake made at least ``minimum`` times, the most frequent first (then by label).
    Kinds with one label (two codes meaning the same) are counted as one."""
    by_label: dict[str, Counter[str]] = {}
    kinds: dict[str, MistakeKind] = {}
    for attempt in attempts:
        kind = mistake_kind(attempt)
        name = label(kind)
        kinds.setdefault(name, kind)
        by_label.setdefault(name, Counter())[attempt.lesson_id] += 1
    found = [
        RecurringMistake(kinds[name], name, sum(lessons.values()), tuple(lessons.most_common()))
        for name, lessons in by_label.items()
    ]
    return sorted(
        (mistake for mistake in found if mistake.count >= minimum), key=lambda m: (-m.count, m.label)
    )


def diagnosis_label(code: str) -> str:
    """A diagnosis code in words (a listed mistake's needs its lesson: see the service)."""
    return DIAGNOSIS_LABELS.get(code, code)


@dataclass(frozen=True)
class FirstTries:
    """How often a lesson's exercises were right at the first try of a sitting."""

    lesson_id: str
    tries: int
    right: int
    exercises: frozenset[str] = field(default_factory=frozenset)

    @property
    def accuracy(self) -> float:
        return self.right / self.tries if self.tries else 0.0


def first_tries(answers: Iterable[AttemptOutcome], zone: tzinfo | None) -> dict[str, FirstTries]:
    """Per lesson: the first answer to each exercise on each local day (a sitting's first try), and how
    many of those were right (an answer given after the worked solution never counts as right)."""
    seen: set[tuple[str, str, object]] = set()
    tries: Counter[str] = Counter()
    right: Counter[str] = Counter()
    exercises: dict[str, set[str]] = {}
    for answer in sorted(answers, key=lambda a: a.at):
        key = (answer.lesson_id, answer.exercise_id, answer.at.astimezone(zone).date())
        if key in seen:
            continue
        seen.add(key)
        tries[answer.lesson_id] += 1
        right[answer.lesson_id] += answer.correct and answer.unaided
        exercises.setdefault(answer.lesson_id, set()).add(answer.exercise_id)
    return {
        lesson: FirstTries(lesson, tries[lesson], right[lesson], frozenset(exercises[lesson]))
        for lesson in tries
    }


def worth_revisiting(
    per_lesson: dict[str, FirstTries], limit: int = 3, minimum: int = MIN_FIRST_TRIES
) -> list[FirstTries]:
    """The lessons with the lowest first-try accuracy (at least ``minimum`` first tries, and not all
    right), lowest first."""
    candidates = [f for f in per_lesson.values() if f.tries >= minimum and f.right < f.tries]
    return sorted(candidates, key=lambda f: (f.accuracy, -f.tries, f.lesson_id))[:limit]
