"""Review cards scheduled by FSRS (py-fsrs, the Open Spaced Repetition project's scheduler).

A ``CardState`` is what FSRS keeps of a card (its state, learning step, stability, difficulty, due and
last review) plus two counts (reviews, lapses); never the exercise's content, as py-fsrs advises. A
review offers four ratings; ``outcomes`` gives what each would do to the card, and saving a review
stores exactly the outcome of the rating chosen, so the interval shown on each choice is the one kept.

FSRS spreads intervals with a little random "fuzz" (so exercises answered together do not all come
back on one day). py-fsrs draws it from the global random generator, which would make the interval
shown differ from the one saved; here the scheduler runs without fuzz and the same fuzz (FSRS's own
ranges) is drawn from a generator seeded with the card's identity and review count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import FUZZ_RANGES

RATINGS: tuple[Rating, ...] = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
RATING_NAMES: dict[Rating, str] = {
    Rating.Again: "again",
    Rating.Hard: "hard",
    Rating.Good: "good",
    Rating.Easy: "easy",
}
STATE_NAMES: dict[State, str] = {
    State.Learning: "learning",
    State.Review: "review",
    State.Relearning: "relearning",
}

# FSRS's defaults (Anki's too): desired retention 0.9, learning steps of 1 and 10 minutes, a relearning
# step of 10 minutes. Fuzz is applied below, deterministically.
SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_named(name: str) -> Rating:
    """``again``, ``hard``, ``good`` or ``easy`` (any case) as a Rating; ValueError names the four."""
    for rating, rating_name in RATING_NAMES.items():
        if name.strip().lower() == rating_name:
            return rating
    raise ValueError(f"{name!r} is not a rating: use again, hard, good or easy")


@dataclass(frozen=True)
class CardState:
    """FSRS's state of one card; times are timezone-aware UTC. A card never reviewed has ``reps`` 0."""

    state: State = State.Learning
    step: int | None = 0
    stability: float | None = None  # days; None before the first review
    difficulty: float | None = None
    due: datetime | None = None  # None: not scheduled yet (due now)
    last_review: datetime | None = None
    reps: int = 0  # reviews saved
    lapses: int = 0  # times forgotten after it had reached the review state

    @property
    def is_new(self) -> bool:
        return self.reps == 0

    def to_fsrs(self, card_id: int, now: datetime) -> Card:
        return Card(
            card_id=card_id,
            state=self.state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=(self.due or now).astimezone(UTC),
            last_review=None if self.last_review is None else self.last_review.astimezone(UTC),
        )

    def retrievability(self, at: datetime) -> float:
        """FSRS's predicted chance of recalling the card at ``at`` (0 before its first review)."""
        return SCHEDULER.get_card_retrievability(self.to_fsrs(0, at), at.astimezone(UTC))


@dataclass(frozen=True)
class Outcome:
    """What one rating does to a card reviewed at ``at``."""

    rating: Rating
    card: CardState
    at: datetime

    @property
    def interval(self) -> timedelta:
        assert self.card.due is not None
        return self.card.due - self.at


def review(card: CardState, rating: Rating, at: datetime, seed: str) -> CardState:
    """The card after a review rated ``rating`` at ``at``; ``seed`` (the card's identity) fixes the fuzz."""
    moment = at.astimezone(UTC)
    reviewed, _ = SCHEDULER.review_card(card.to_fsrs(0, moment), rating, moment)
    due = reviewed.due
    if reviewed.state == State.Review:
        due = moment + fuzzed(due - moment, f"{seed}\x1f{card.reps}")
    lapsed = rating == Rating.Again and card.state == State.Review
    return CardState(
        state=reviewed.state,
        step=reviewed.step,
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        due=due,
        last_review=moment,
        reps=card.reps + 1,
        lapses=card.lapses + lapsed,
    )


def outcomes(card: CardState, at: datetime, seed: str) -> tuple[Outcome, ...]:
    """The four choices of a review at ``at``, Again to Easy."""
    moment = at.astimezone(UTC)
    return tuple(Outcome(rating, review(card, rating, moment, seed), moment) for rating in RATINGS)


def fuzzed(interval: timedelta, seed: str) -> timedelta:
    """``interval`` fuzzed within FSRS's ranges (none under 2.5 days), the draw fixed by ``seed``."""
    days = interval.days
    if days < 2.5:
        return interval
    delta = 1.0
    for fuzz in FUZZ_RANGES:
        delta += fuzz["factor"] * max(min(float(days), fuzz["end"]) - fuzz["start"], 0.0)
    maximum = SCHEDULER.maximum_interval
    high = min(round(days + delta), maximum)
    low = min(max(2, round(days - delta)), high)
    drawn = random.Random(seed).random() * (high - low + 1) + low
    return timedelta(days=min(round(drawn), maximum))


def interval_text(interval: timedelta) -> str:
    """An interval as a learner reads it on a choice: ``1 min``, ``6 min``, ``3 h``, ``4 days``,
    ``2.5 months``, ``1.2 years``."""
    seconds = max(0.0, interval.total_seconds())
    minutes = seconds / 60
    if minutes < 59.5:
        return f"{max(1, round(minutes))} min"
    hours = minutes / 60
    if hours < 23.5:
        return f"{round(hours)} h"
    days = hours / 24
    if days < 30.5:
        whole = round(days)
        return f"{whole} day" if whole == 1 else f"{whole} days"
    if days < 365:
        return f"{days / 30.44:.1f} months"
    return f"{days / 365.25:.1f} years"
