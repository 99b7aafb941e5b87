"""Spaced review: the rating proposed for an answer and what each choice would schedule, saving the
chosen one, and the day's queue. The app's screens and the shell (`studybuddy exercise answer`,
`review list`, `review stats`) all go through here.

A review is two calls. ``propose`` takes how the sitting with an exercise went (core.reviews.rating)
and returns the proposed rating, why, and the next interval on each of the four choices; nothing is
written. ``save`` stores the chosen rating (the proposed one, or the one the learner changed it to):
the card's new state and FSRS's review log in one short transaction, so a process killed at any
moment leaves every earlier review whole and this one either saved or not at all. A proposal carries
the card's review count; saving it after another window reviewed the same card is refused, never
applied to a card it was not computed for.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fsrs import Rating, ReviewLog, State

from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.reviews import insights
from studybuddy.core.reviews.cards import RATING_NAMES, CardState, Outcome, interval_text, outcomes
from studybuddy.core.reviews.queue import (
    FORECAST_DAYS,
    DailyCaps,
    DayQueue,
    DueCard,
    EntryKind,
    QueueEntry,
    build_queue,
    day_bounds,
    forecast,
)
from studybuddy.core.reviews.rating import Encounter, propose
from studybuddy.core.stats import MASTERED_STABILITY_DAYS, is_mastered
from studybuddy.services.exercise_catalogue import ExerciseCatalogue, ExerciseKind
from studybuddy.services.journal import Journal, new_event_id
from studybuddy.storage import log_cards, log_events, progress, reviews
from studybuddy.storage.database import Database
from studybuddy.storage.sessions import from_seconds, to_seconds

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext
    from studybuddy.services.lessons import LessonService
    from studybuddy.services.timer import TimerService

RETENTION_DAYS = 30


class ReviewConflict(StudybuddyError):
    """The card changed since the proposal was made (reviewed in another window): nothing was saved."""


@dataclass(frozen=True)
class RatingChoice:
    """One of the four ratings a review offers, with what it would schedule."""

    rating: Rating
    due: datetime
    interval: timedelta
    proposed: bool

    @property
    def name(self) -> str:
        return RATING_NAMES[self.rating].capitalize()

    @property
    def key(self) -> str:
        """The digit that picks it (1 Again ... 4 Easy, as in Anki)."""
        return str(int(self.rating))

    @property
    def interval_text(self) -> str:
        return interval_text(self.interval)


@dataclass(frozen=True)
class ReviewProposal:
    """The rating proposed for a sitting with an exercise, and the four choices (see the module)."""

    lesson_id: str
    exercise_id: str
    rating: Rating  # proposed
    reason: str  # why: "right after a hint"
    at: datetime  # the review's moment
    duration_ms: int | None
    choices: tuple[RatingChoice, ...]  # Again to Easy
    card_id: int | None  # None: the exercise has no card yet; this review makes it
    card_reps: int  # the card's review count when proposed (what save checks)
    kind: EntryKind  # the queue it counts in: new, learning (a short step) or review
    _outcomes: tuple[Outcome, ...] = field(repr=False, compare=False, default=())

    def choice(self, rating: Rating) -> RatingChoice:
        return self.choices[int(rating) - 1]

    @property
    def proposed_choice(self) -> RatingChoice:
        return self.choice(self.rating)

    def text(self) -> str:
        """``Proposed: Hard (right after a hint)`` and the four choices with their intervals."""
        choices = "  ".join(f"{c.key} {c.name} {c.interval_text}" for c in self.choices)
        return f"Proposed: {self.proposed_choice.name} ({self.reason})\n{choices}"

    def to_json(self) -> dict[str, Any]:
        return {
            "proposed": RATING_NAMES[self.rating],
            "reason": self.reason,
            "choices": {
                RATING_NAMES[c.rating]: {"due": c.due.isoformat(), "interval": c.interval_text}
                for c in self.choices
            },
        }


@dataclass(frozen=True)
class SavedReview:
    lesson_id: str
    exercise_id: str
    card_id: int
    rating: Rating
    proposed: Rating
    due: datetime
    interval: timedelta

    @property
    def changed(self) -> bool:
        """The learner chose another rating than the one proposed."""
        return self.rating != self.proposed

    def text(self) -> str:
        how = f"{RATING_NAMES[self.rating].capitalize()}"
        if self.changed:
            how += f" (proposed {RATING_NAMES[self.proposed].capitalize()})"
        return f"Saved as {how}; next review in {interval_text(self.interval)}."


@dataclass(frozen=True)
class QueueItem:
    """One exercise to review, with what a screen shows of it."""

    lesson_id: str
    exercise_id: str
    lesson_title: str
    kind: EntryKind
    exercise_kind: ExerciseKind  # answer (typed, the quiz) or derive (written line by line)
    due: datetime | None
    overdue: timedelta

    @property
    def overdue_text(self) -> str:
        """``new``, ``due now``, ``3 days overdue``."""
        if self.kind == "new":
            return "new"
        if self.overdue < timedelta(hours=1):
            return "due now"
        return f"{interval_text(self.overdue)} overdue"


@dataclass(frozen=True)
class OrphanedCard:
    """A card whose exercise no longer exists: kept (with its history), never served."""

    lesson_id: str
    exercise_id: str
    reason: str  # "the lesson is gone (removed, renamed or broken)" | "the lesson has no such exercise now"
    due: datetime


@dataclass(frozen=True)
class ReviewQueue:
    """What the Review section serves now, in order, and the day's counts."""

    items: tuple[QueueItem, ...]
    day: DayQueue
    orphaned: tuple[OrphanedCard, ...]

    @property
    def due_today(self) -> int:
        return self.day.due_today

    @property
    def new_today(self) -> int:
        return self.day.new_today

    def to_json(self) -> dict[str, Any]:
        day = self.day
        return {
            "at": day.now.isoformat(),
            "due_today": day.due_today,
            "new_today": day.new_today,
            "serve": [
                {
                    "lesson": item.lesson_id,
                    "exercise": item.exercise_id,
                    "title": item.lesson_title,
                    "kind": item.kind,
                    "exercise_kind": item.exercise_kind,
                    "due": None if item.due is None else item.due.isoformat(),
                    "overdue_seconds": round(item.overdue.total_seconds()),
                }
                for item in self.items
            ],
            "later_today": day.steps_later_today,
            "reviews_due": day.reviews_due,
            "reviews_left_for_later_days": day.reviews_capped,
            "new_waiting": day.new_available,
            "caps": {"new": day.caps.new, "reviews": day.caps.reviews},
            "done_today": {"new": day.done.new, "reviews": day.done.reviews},
            "orphaned": [
                {
                    "lesson": o.lesson_id,
                    "exercise": o.exercise_id,
                    "reason": o.reason,
                    "due": o.due.isoformat(),
                }
                for o in self.orphaned
            ],
        }


@dataclass(frozen=True)
class ReviewStats:
    """What `review stats` and Progress show of the cards."""

    at: datetime
    cards: dict[str, int]  # new (never reviewed), learning, review, relearning
    mastered: int
    retention: insights.Retention  # over the last RETENTION_DAYS days
    reviews_today: int
    due_today: int
    new_today: int
    forecast: list[tuple[date, int]]  # the next FORECAST_DAYS days, today (with anything overdue) first
    orphaned: int

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "cards": self.cards,
            "mastered": self.mastered,
            "retention": {
                "days": RETENTION_DAYS,
                "reviews": self.retention.reviews,
                "right": self.retention.right,
                "share": self.retention.share,
            },
            "reviews_today": self.reviews_today,
            "due_today": self.due_today,
            "new_today": self.new_today,
            "forecast": {day.isoformat(): count for day, count in self.forecast},
            "orphaned": self.orphaned,
        }


class ReviewService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        lessons: LessonService | None = None,
        timer: TimerService | None = None,
        caps: DailyCaps | None = None,
        catalogue: ExerciseCatalogue | None = None,
        journal: Journal | None = None,
    ) -> None:
        """``lessons``: for the queue (which exercises exist, which are new); ``timer``: a review saved
        while a study session runs is linked to it; ``journal``: where reviews are logged (default:
        the timer's, else the database alone)."""
        self.database = database
        self.journal = journal or (timer.journal if timer is not None else Journal(database))
        self.clock = clock
        self.timer = timer
        self.caps = caps or DailyCaps()
        self.catalogue = catalogue or ExerciseCatalogue(lessons)
        self._index: _KeyIndex | None = None

    # ---- one review ------------------------------------------------------------------------------

    def propose(self, lesson_id: str, exercise_id: str, encounter: Encounter) -> ReviewProposal | None:
        """The proposed rating for ``encounter`` and the four choices (None: no try to rate). Reads only."""
        proposed = propose(encounter)
        if proposed is None:
            return None
        now = self.clock.now()
        with self.database.read() as conn:
            stored = reviews.get_card(conn, lesson_id, exercise_id)
        card = stored.card if stored is not None else CardState()
        choices = outcomes(card, now, _seed(lesson_id, exercise_id))
        seconds = encounter.seconds
        return ReviewProposal(
            lesson_id=lesson_id,
            exercise_id=exercise_id,
            rating=proposed.rating,
            reason=proposed.reason,
            at=now,
            duration_ms=None if seconds is None else round(seconds * 1000),
            choices=tuple(
                RatingChoice(o.rating, _local(o.card.due, now), o.interval, o.rating == proposed.rating)
                for o in choices
            ),
            card_id=None if stored is None else stored.card_id,
            card_reps=card.reps,
            kind=_queue_kind(stored.card if stored is not None else None),
            _outcomes=choices,
        )

    def save(self, proposal: ReviewProposal, rating: Rating | None = None) -> SavedReview:
        """Store the review rated ``rating`` (default: as proposed). ReviewConflict when the card was
        reviewed since the proposal (nothing is saved then: propose again)."""
        chosen = proposal.rating if rating is None else Rating(rating)
        session_id = self.timer.live_session_id() if self.timer is not None else None
        with self.database.write() as conn:
            stored = reviews.get_card(conn, proposal.lesson_id, proposal.exercise_id)
            now_reps = None if stored is None else stored.card.reps
            then_reps = None if proposal.card_id is None else proposal.card_reps
            if now_reps != then_reps:
                raise ReviewConflict(
                    f"exercise {proposal.exercise_id} of {proposal.lesson_id} was reviewed elsewhere since "
                    "this rating was proposed; nothing was saved"
                )
            self.journal.record(
                conn,
                {
                    "id": new_event_id(),
                    "type": "review",
                    "at": proposal.at.timestamp(),
                    "lesson": proposal.lesson_id,
                    "exercise": proposal.exercise_id,
                    "rating": int(chosen),
                    "proposed": int(proposal.rating),
                    "duration_ms": proposal.duration_ms,
                    "kind": proposal.kind,
                    "day": proposal.at.date().isoformat(),
                    "session": log_events.session_uid(conn, session_id),
                    "before": None if stored is None or stored.card.is_new else int(stored.card.state),
                    "card": log_cards.card_fields(proposal._outcomes[int(chosen) - 1].card),
                },
            )  # the card's new state: the outcome shown for ``chosen`` (FSRS's step from ``stored``)
            saved = reviews.get_card(conn, proposal.lesson_id, proposal.exercise_id)
            assert saved is not None
            card_id = saved.card_id
        choice = proposal.choice(chosen)
        return SavedReview(
            proposal.lesson_id,
            proposal.exercise_id,
            card_id,
            chosen,
            proposal.rating,
            choice.due,
            choice.interval,
        )

    def card(self, lesson_id: str, exercise_id: str) -> CardState | None:
        with self.database.read() as conn:
            stored = reviews.get_card(conn, lesson_id, exercise_id)
        return None if stored is None else stored.card

    # ---- the day ---------------------------------------------------------------------------------

    def queue(self) -> ReviewQueue:
        """What to review now, in order, within today's caps; cards of exercises that no longer exist
        are listed apart as orphaned (kept, never served). New exercises come from the lessons the
        learner has opened (the latest first), then from those they answered only (from the shell).

        Reads only what it serves: the learning steps due today, the most overdue reviews today's cap
        leaves room for, and counts (10,000 cards: see benchmarks/reviews.py)."""
        now = self.clock.now()
        _, day_end = day_bounds(now)
        with self.database.read() as conn:
            index = self._key_index(conn)
            orphan_rows = reviews.cards_by_id(conn, list(index.orphans))
            done = reviews.done_on(conn, now.date())
            steps = [row for row in reviews.steps_due(conn, day_end) if row[0] not in index.reasons]
            room = max(0, self.caps.reviews - done.reviews)
            candidates = (row for row in reviews.reviews_due(conn, day_end) if row[0] not in index.reasons)
            most_overdue = list(itertools.islice(candidates, room))
            due_in_all = reviews.count_reviews_due(conn, day_end)
            opened = [item.lesson_id for item in progress.recent_lessons(conn, limit=-1)]  # -1: all
        end = to_seconds(day_end)
        orphans_due = sum(1 for row in orphan_rows if row[4] < end and not _in_steps(row))
        waiting = []
        for lesson in dict.fromkeys([*opened, *index.lessons]):
            facts = self.catalogue.facts(lesson)
            if facts is not None:
                answered = index.answered.get(lesson, frozenset())
                waiting.append(
                    [(lesson, exercise) for exercise in facts.exercises if exercise not in answered]
                )
        new = _round_robin(waiting)
        day = build_queue(
            [_due_card(row, now) for row in [*steps, *most_overdue]],
            new,
            now=now,
            day_end=day_end,
            caps=self.caps,
            done=done,
            reviews_due=due_in_all - orphans_due,
        )
        items = tuple(self._item(entry, now) for entry in day.serve)
        orphaned = tuple(
            OrphanedCard(lesson, exercise, index.reasons[card_id], _at(due, now))
            for card_id, lesson, exercise, _, due, _ in orphan_rows
        )
        return ReviewQueue(items, day, orphaned)

    def next_due(self) -> datetime | None:
        """When the next card comes due from now (None: no card will; orphaned cards never do)."""
        now = self.clock.now()
        with self.database.read() as conn:
            index = self._key_index(conn)
            for row in reviews.due_after(conn, now):
                if row[0] not in index.reasons:
                    return _at(row[4], now)
        return None

    def forecast(self, days: int = FORECAST_DAYS) -> list[tuple[date, int]]:
        """Cards coming due on each of the next ``days`` days, today first (with anything overdue);
        orphaned cards are left out."""
        now = self.clock.now()
        day_start, _ = day_bounds(now)
        with self.database.read() as conn:
            index = self._key_index(conn)
            per_day = reviews.due_per_day(conn, day_start, days)
            orphan_rows = reviews.cards_by_id(conn, list(index.orphans))
        dues = [per_day.get(offset, 0) for offset in range(days)]
        orphaned = forecast([_at(row[4], now) for row in orphan_rows], now.date(), now.tzinfo, days)
        for offset, (_, count) in enumerate(orphaned):
            dues[offset] -= count
        return [(now.date() + timedelta(days=offset), count) for offset, count in enumerate(dues)]

    def retention(self, days: int = RETENTION_DAYS) -> insights.Retention:
        """Reviews of cards in the review state over the last ``days`` days, and the share right."""
        now = self.clock.now()
        day_start, day_end = day_bounds(now)
        with self.database.read() as conn:
            rated = reviews.review_ratings(conn, day_start - timedelta(days=days - 1), day_end)
        return insights.retention(rated)

    def stats(self) -> ReviewStats:
        now = self.clock.now()
        queue = self.queue()
        with self.database.read() as conn:
            cards = reviews.cards_by_state(conn)
            mastered = reviews.mastered_count(conn, MASTERED_STABILITY_DAYS)
            index = self._key_index(conn)
            orphan_stability = [
                stored.card.stability
                for row in reviews.cards_by_id(conn, list(index.orphans))
                if (stored := reviews.get_card(conn, row[1], row[2])) is not None
            ]
        done = queue.day.done
        return ReviewStats(
            at=now,
            cards=cards,
            mastered=mastered - sum(1 for stability in orphan_stability if is_mastered(stability)),
            retention=self.retention(),
            reviews_today=done.new + done.reviews + done.steps,
            due_today=queue.due_today,
            new_today=queue.new_today,
            forecast=self.forecast(),
            orphaned=len(queue.orphaned),
        )

    def review_logs(self) -> list[ReviewLog]:
        """Every review in FSRS's format, oldest first, for ``fsrs.Optimizer`` to fit the learner's own
        parameters."""
        with self.database.read() as conn:
            return reviews.review_logs(conn)

    # ---- plumbing --------------------------------------------------------------------------------

    def _key_index(self, conn: sqlite3.Connection) -> _KeyIndex:
        """Which cards are orphaned, which exercises are answered, from every card's key: worked out
        once per reading of the lesson library, then only for the cards added since (cards are never
        removed or re-keyed)."""
        generation = reviews.card_generation(conn)
        version = self.catalogue.version()
        known = self._index
        if known is None or known.version is not version:
            known = _KeyIndex(0, version, (), {}, {})
        if known.generation == generation:
            return known
        reasons = dict(known.reasons)
        keys = reviews.card_keys(conn, after=known.generation)
        added: dict[str, set[str]] = {}
        for _, lesson, exercise in keys:
            added.setdefault(lesson, set()).add(exercise)
        missing = self._missing_exercises(added)
        for card_id, lesson, exercise in keys:  # in card order: the orphans are listed oldest first
            gone = missing[lesson]
            if gone is None:
                reasons[card_id] = "the lesson is gone (removed, renamed, or its file does not load)"
            elif exercise in gone:
                reasons[card_id] = "the lesson has no such exercise now"
        index = _KeyIndex(
            generation,
            version,
            tuple(reasons),
            reasons,
            known.answered
            | {lesson: known.answered.get(lesson, frozenset()) | new for lesson, new in added.items()},
        )
        self._index = index
        return index

    def _missing_exercises(self, answered: dict[str, set[str]]) -> dict[str, set[str] | None]:
        """For each lesson, which of the ``answered`` exercises it no longer has (None: the lesson is
        gone). Asked once a lesson, not once a card: a typed exercise is in the lesson's facts, and only
        the rest are asked of the catalogue (a derive exercise is known from its file)."""
        missing: dict[str, set[str] | None] = {}
        for lesson, exercises in answered.items():
            facts = self.catalogue.facts(lesson)
            if facts is None:
                missing[lesson] = None
                continue
            untyped = exercises.difference(facts.exercises)
            missing[lesson] = {
                exercise for exercise in untyped if self.catalogue.kind_of(lesson, exercise) is None
            }
        return missing

    def _item(self, entry: QueueEntry, now: datetime) -> QueueItem:
        facts = self.catalogue.facts(entry.lesson_id)
        kind = self.catalogue.kind_of(entry.lesson_id, entry.exercise_id)
        assert facts is not None and kind is not None  # orphans are never served
        return QueueItem(
            lesson_id=entry.lesson_id,
            exercise_id=entry.exercise_id,
            lesson_title=facts.title,
            kind=entry.kind,
            exercise_kind=kind,
            due=entry.due,
            overdue=entry.overdue(now),
        )


@dataclass(frozen=True)
class _KeyIndex:
    generation: int  # storage.reviews.card_generation when read
    version: object  # the catalogue's version when read
    orphans: tuple[int, ...]  # card ids, oldest first
    reasons: dict[int, str]  # orphaned card id -> why
    answered: dict[str, frozenset[str]]  # lesson id -> exercise ids with a card

    @property
    def lessons(self) -> list[str]:
        """The lessons with cards."""
        return sorted(self.answered)


def open_reviews(context: StudyContext) -> ReviewService:
    """The factory the UI and CLI use (``context.reviews`` holds the shared one)."""
    return ReviewService(
        context.database, context.clock, lessons=context.lessons, timer=context.timer, journal=context.journal
    )


def _seed(lesson_id: str, exercise_id: str) -> str:
    return log_cards.card_seed(lesson_id, exercise_id)  # what the log's replay uses too


def _queue_kind(card: CardState | None) -> EntryKind:
    if card is None:
        return "new"
    if card.reps > 0 and card.state != State.Review:  # in a learning or relearning step
        return "learning"
    return "review"


def _in_steps(row: reviews.ScheduleRow) -> bool:
    return _due_card(row, None).in_steps


def _due_card(row: reviews.ScheduleRow, now: datetime | None) -> DueCard:
    _, lesson, exercise, state, due, reps = row
    return DueCard(lesson, exercise, State(state), from_seconds(due) if now is None else _at(due, now), reps)


def _at(seconds: float, now: datetime) -> datetime:
    """Stored Unix seconds as a time in the clock's zone."""
    return from_seconds(seconds).astimezone(now.tzinfo)


def _local(moment: datetime | None, now: datetime) -> datetime:
    assert moment is not None
    return moment.astimezone(now.tzinfo)


def _round_robin(groups: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """One from each group in turn (the first group first), until all are taken."""
    order: list[tuple[str, str]] = []
    depth = 0
    while True:
        layer = [group[depth] for group in groups if depth < len(group)]
        if not layer:
            return order
        order += layer
        depth += 1
