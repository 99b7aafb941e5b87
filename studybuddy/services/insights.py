"""Mistake analytics and the lessons worth revisiting, for Progress, `review stats` and the weekly report.

- The diagnoses the learner gets most ("sign error: 7 times this month, mostly in Softmax"), from the
  diagnosis code each wrong attempt records; a lesson's own listed mistake is named by its feedback.
- The lessons with the lowest first-try accuracy: the first answer to an exercise on a day is the
  honest test of what stayed; later tries that day had the verdict's help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from studybuddy.core.clock import Clock
from studybuddy.core.reviews import insights
from studybuddy.core.reviews.insights import LISTED_PREFIX, FirstTries, MistakeKind, RecurringMistake
from studybuddy.core.reviews.queue import day_bounds
from studybuddy.services.exercise_catalogue import ExerciseCatalogue
from studybuddy.storage import progress
from studybuddy.storage.database import Database

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext
    from studybuddy.services.reviews import ReviewStats

MISTAKE_DAYS = 30  # "this month"
BAR_WIDTH = 24  # the forecast's longest bar
LABEL_CHARACTERS = 60


@dataclass(frozen=True)
class MistakeLine:
    """One kind of mistake and how often it was made, as a screen or report shows it."""

    label: str
    count: int
    mostly_in: str | None  # the title of the lesson with most of them (None: no lesson stands out)
    mostly_in_id: str | None

    def text(self, period: str = "this month") -> str:
        """``sign error: 7 times this month, mostly in Softmax``."""
        times = "once" if self.count == 1 else f"{self.count} times"
        where = f", mostly in {self.mostly_in}" if self.mostly_in else ""
        return f"{self.label}: {times} {period}{where}"

    def to_json(self) -> dict[str, Any]:
        return {"mistake": self.label, "count": self.count, "mostly_in": self.mostly_in_id}


@dataclass(frozen=True)
class RevisitLine:
    """A lesson worth revisiting: how often its exercises were right at the first try."""

    lesson_id: str
    title: str
    first_tries: int
    right: int

    @property
    def accuracy(self) -> float:
        return self.right / self.first_tries if self.first_tries else 0.0

    def text(self) -> str:
        share = f"{100 * self.accuracy:.0f}%"
        return f"{self.title}: {share} right at the first try ({self.right} of {self.first_tries})"

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson_id,
            "title": self.title,
            "first_tries": self.first_tries,
            "right": self.right,
            "accuracy": self.accuracy,
        }


class InsightsService:
    def __init__(self, database: Database, clock: Clock, catalogue: ExerciseCatalogue) -> None:
        self.database = database
        self.clock = clock
        self.catalogue = catalogue

    def mistakes(
        self, start: datetime | None = None, end: datetime | None = None, minimum: int = 1
    ) -> list[MistakeLine]:
        """The kinds of mistake made from ``start`` to before ``end`` (default: the last 30 days, today
        included), at least ``minimum`` times each, the most frequent first."""
        start, end = self._range(start, end, MISTAKE_DAYS)
        with self.database.read() as conn:
            attempts = progress.diagnosed_attempts(conn, start, end)
        found = insights.recurring_mistakes(attempts, self._label, minimum)
        return [self._line(mistake) for mistake in found]

    def worth_revisiting(
        self, start: datetime | None = None, end: datetime | None = None, limit: int = 3
    ) -> list[RevisitLine]:
        """The lessons with the lowest first-try accuracy from ``start`` to before ``end`` (default: all
        time), lowest first; a lesson needs two first tries, not all right, to be named."""
        now = self.clock.now()
        start = start or datetime.fromtimestamp(0, now.tzinfo)
        end = end or day_bounds(now)[1]
        with self.database.read() as conn:
            answers = progress.attempts_between(conn, start, end)
        per_lesson = insights.first_tries(answers, now.tzinfo)
        return [self._revisit(first) for first in insights.worth_revisiting(per_lesson, limit)]

    def first_tries(self, start: datetime, end: datetime) -> dict[str, FirstTries]:
        with self.database.read() as conn:
            answers = progress.attempts_between(conn, start, end)
        return insights.first_tries(answers, self.clock.now().tzinfo)

    # ---- naming ----------------------------------------------------------------------------------

    def _label(self, kind: MistakeKind) -> str:
        if not kind.code.startswith(LISTED_PREFIX) or kind.lesson_id is None or kind.exercise_id is None:
            return insights.diagnosis_label(kind.code)
        index = kind.code[len(LISTED_PREFIX) :]
        listed = self.catalogue.listed_mistakes(kind.lesson_id, kind.exercise_id)
        feedback = listed[int(index)] if index.isdigit() and int(index) < len(listed) else None
        if feedback is None:
            return f"a mistake listed by {kind.lesson_id}, exercise {kind.exercise_id}"
        return f'{kind.exercise_id}, "{_first_sentence(feedback)}"'

    def _line(self, mistake: RecurringMistake) -> MistakeLine:
        lesson = mistake.mostly_in
        return MistakeLine(
            mistake.label, mistake.count, None if lesson is None else self.catalogue.title(lesson), lesson
        )

    def _revisit(self, first: FirstTries) -> RevisitLine:
        return RevisitLine(first.lesson_id, self.catalogue.title(first.lesson_id), first.tries, first.right)

    def _range(self, start: datetime | None, end: datetime | None, days: int) -> tuple[datetime, datetime]:
        day_start, day_end = day_bounds(self.clock.now())
        return start or day_start - timedelta(days=days - 1), end or day_end


def _first_sentence(text: str) -> str:
    """A listed mistake's feedback, shortened to its first sentence (at most LABEL_CHARACTERS)."""
    text = " ".join(text.split())
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
    if len(sentence) <= LABEL_CHARACTERS:
        return sentence
    return sentence[: LABEL_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class ReviewOverview:
    """What Progress adds about reviews, and `studybuddy review stats` prints: the cards, retention,
    the next 14 days, the mistakes of the last 30 days and the lessons worth revisiting."""

    stats: ReviewStats
    mistakes: list[MistakeLine]
    worth_revisiting: list[RevisitLine]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.stats.to_json(),
            "mistakes": {"days": MISTAKE_DAYS, "kinds": [line.to_json() for line in self.mistakes]},
            "worth_revisiting": [line.to_json() for line in self.worth_revisiting],
        }


def open_insights(context: StudyContext) -> InsightsService:
    """Over the review service's catalogue (one read of each lesson for both)."""
    return InsightsService(context.database, context.clock, context.reviews.catalogue)


def review_overview(context: StudyContext, mistakes: int = 5) -> ReviewOverview:
    insight = open_insights(context)
    return ReviewOverview(context.reviews.stats(), insight.mistakes()[:mistakes], insight.worth_revisiting())


def overview_lines(overview: ReviewOverview) -> list[str]:
    """The overview as `review stats` prints it and Progress shows it."""
    stats = overview.stats
    cards = stats.cards
    total = sum(cards.values())
    lines = [
        f"Cards: {total} ({cards['new']} never reviewed, {cards['learning']} learning, {cards['review']} "
        f"in review, {cards['relearning']} relearning); mastered: {stats.mastered} "
        "(recalled three weeks on)",
        f"Retention, last 30 days: {stats.retention.text}",
        f"Today: {stats.reviews_today} reviewed, {stats.due_today} due, {stats.new_today} new to go",
        "",
        "Due in the next 14 days",
    ]
    most = max((count for _, count in stats.forecast), default=0)
    for day, count in stats.forecast:
        bar = "█" * round(BAR_WIDTH * count / most) if most and count else ""
        lines.append(f"  {day:%a %d %b}  {count:>4}  {bar}".rstrip())
    if stats.orphaned:
        lines += ["", f"Orphaned cards (their exercise is gone; kept, never served): {stats.orphaned}"]
    lines += ["", "Mistakes made most, last 30 days"]
    lines += [f"  {line.text()}" for line in overview.mistakes] or ["  none recorded"]
    lines += ["", "Worth revisiting (lowest first-try accuracy)"]
    lines += [f"  {line.text()}" for line in overview.worth_revisiting] or ["  nothing stands out yet"]
    return lines
