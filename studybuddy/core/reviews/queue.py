"""The day's review queue: what is due, in what order, within the daily caps (as Anki has them).

- Cards in their short learning or relearning steps (minutes apart) are served when due, by the minute,
  and are not capped: leaving one half-learned helps nobody.
- Cards in the review state are due on their day (all of a day's are there from its start), most
  overdue first, so after a break the ones waiting longest come back first; at most ``caps.reviews``
  reviews a day.
- New exercises (never answered, from lessons the learner has opened) fill in up to ``caps.new`` a day,
  spread evenly among the reviews.
- The whole queue is interleaved across lessons: never two from one lesson in a row while another
  lesson has something waiting (interleaving is what makes a review a test of which idea applies).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from fsrs import State

NEW_PER_DAY = 20  # Anki's defaults
REVIEWS_PER_DAY = 200
FORECAST_DAYS = 14

EntryKind = Literal["learning", "review", "new"]


@dataclass(frozen=True)
class DailyCaps:
    new: int = NEW_PER_DAY
    reviews: int = REVIEWS_PER_DAY


@dataclass(frozen=True)
class DoneToday:
    """Reviews saved today: of new exercises and of review-state cards (what the caps count), and of
    cards in a short learning step (not capped)."""

    new: int = 0
    reviews: int = 0
    steps: int = 0


@dataclass(frozen=True)
class DueCard:
    """A stored card due by the end of the day (``due`` timezone-aware)."""

    lesson_id: str
    exercise_id: str
    state: State
    due: datetime
    reps: int

    @property
    def in_steps(self) -> bool:
        """In a short learning or relearning step (minutes apart) rather than due on a day."""
        return self.reps > 0 and self.state != State.Review


@dataclass(frozen=True)
class QueueEntry:
    lesson_id: str
    exercise_id: str
    kind: EntryKind  # learning (a short step), review (due on its day), new (never answered)
    due: datetime | None  # None for a new exercise

    def overdue(self, now: datetime) -> timedelta:
        """How long it has waited (zero for a new exercise or one not yet due)."""
        return max(timedelta(0), now - self.due) if self.due is not None else timedelta(0)


@dataclass(frozen=True)
class DayQueue:
    """What the Review section serves now, in order, and what waits."""

    now: datetime
    serve: tuple[QueueEntry, ...]
    steps_later_today: int  # learning steps that come due later today
    reviews_due: int  # review-state cards due today, before the cap
    reviews_capped: int  # of those, left for another day by today's cap
    new_available: int  # new exercises waiting, before the cap
    new_capped: int
    caps: DailyCaps
    done: DoneToday

    @property
    def due_today(self) -> int:
        """Reviews due today, learning steps included (what the dashboard shows)."""
        steps_now = sum(1 for entry in self.serve if entry.kind == "learning")
        return steps_now + self.steps_later_today + self.reviews_due

    @property
    def new_today(self) -> int:
        """New exercises the Review section will still serve today."""
        return self.new_available - self.new_capped


def build_queue(
    due: Iterable[DueCard],
    new: Sequence[tuple[str, str]],
    *,
    now: datetime,
    day_end: datetime,
    caps: DailyCaps = DailyCaps(),
    done: DoneToday = DoneToday(),
    reviews_due: int | None = None,
) -> DayQueue:
    """``due``: cards due before ``day_end``, oldest due first; ``new``: (lesson id, exercise id) of
    exercises never answered, in the order to introduce them. ``reviews_due``: how many review-state
    cards are due today in all, when ``due`` holds only the most overdue of them (at least as many as
    today's cap leaves room for): the rest are only counted."""
    steps_now: list[QueueEntry] = []
    steps_later = 0
    reviews: list[QueueEntry] = []
    for card in due:
        if card.in_steps:
            if card.due <= now:
                steps_now.append(QueueEntry(card.lesson_id, card.exercise_id, "learning", card.due))
            elif card.due < day_end:
                steps_later += 1
        elif card.due < day_end:
            reviews.append(QueueEntry(card.lesson_id, card.exercise_id, "review", card.due))
    review_room = max(0, caps.reviews - done.reviews)
    new_room = max(0, caps.new - done.new)
    served_reviews = reviews[:review_room]
    served_new = [QueueEntry(lesson, exercise, "new", None) for lesson, exercise in new[:new_room]]
    order = interleave([*steps_now, *spread(served_reviews, served_new)])
    waiting = len(reviews) if reviews_due is None else max(reviews_due, len(reviews))
    return DayQueue(
        now=now,
        serve=tuple(order),
        steps_later_today=steps_later,
        reviews_due=waiting,
        reviews_capped=waiting - len(served_reviews),
        new_available=len(new),
        new_capped=len(new) - len(served_new),
        caps=caps,
        done=done,
    )


def spread(reviews: Sequence[QueueEntry], new: Sequence[QueueEntry]) -> list[QueueEntry]:
    """New exercises placed evenly among the reviews (each list keeps its own order)."""
    keyed = [((index + 1) / (len(reviews) + 1), 0, entry) for index, entry in enumerate(reviews)]
    keyed += [((index + 1) / (len(new) + 1), 1, entry) for index, entry in enumerate(new)]
    return [entry for _, _, entry in sorted(keyed, key=lambda item: (item[0], item[1]))]


def interleave(entries: Sequence[QueueEntry]) -> list[QueueEntry]:
    """``entries`` in their order, except that the next one from another lesson comes before a second
    one in a row from the same lesson (while another lesson has one left)."""
    heads: list[tuple[int, str]] = []  # (position of a lesson's next entry, lesson)
    by_lesson: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        by_lesson.setdefault(entry.lesson_id, []).append(position)
    for lesson, positions in by_lesson.items():
        positions.reverse()  # popped from the end: earliest first
        heads.append((positions.pop(), lesson))
    heapq.heapify(heads)
    order: list[QueueEntry] = []
    last: str | None = None
    while heads:
        position, lesson = heapq.heappop(heads)
        if lesson == last and heads:
            position, lesson = heapq.heapreplace(heads, (position, lesson))
        order.append(entries[position])
        last = lesson
        rest = by_lesson[lesson]
        if rest:
            heapq.heappush(heads, (rest.pop(), lesson))
    return order


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The start and end of ``now``'s local day (in ``now``'s zone: the clock's local time)."""
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def forecast(
    dues: Iterable[datetime], today: date, zone: tzinfo | None, days: int = FORECAST_DAYS
) -> list[tuple[date, int]]:
    """Cards coming due on each of ``days`` days from ``today``; anything overdue counts for today."""
    counts = [0] * days
    for due in dues:
        offset = (due.astimezone(zone).date() - today).days
        if offset < days:
            counts[max(0, offset)] += 1
    return [(today + timedelta(days=offset), count) for offset, count in enumerate(counts)]
