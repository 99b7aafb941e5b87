"""The review rating proposed from how a sitting with an exercise went, and what each choice schedules
(FSRS through py-fsrs): the interval shown on a choice is the one saved, whatever the fuzz."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, State

from studybuddy.core.reviews.cards import (
    SCHEDULER,
    CardState,
    fuzzed,
    interval_text,
    outcomes,
    rating_named,
    review,
)
from studybuddy.core.reviews.rating import QUICK_SECONDS, Encounter, Try, propose

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("tries", "shown_at", "rating", "reason"),
    [
        ((Try(False, at(30)),), T0, Rating.Again, "not answered right"),
        ((Try(False, at(30)), Try(False, at(60))), T0, Rating.Again, "2 tries, none right"),
        ((Try(True, at(30), hints_used=3, solution_seen=True),), T0, Rating.Again, "the worked solution"),
        (
            (Try(False, at(30)), Try(True, at(60), solution_seen=True)),
            T0,
            Rating.Again,
            "the worked solution",
        ),
        ((Try(False, at(30)), Try(True, at(60))), T0, Rating.Hard, "right after a wrong try"),
        ((Try(True, at(30), hints_used=1),), T0, Rating.Hard, "right after a hint"),
        ((Try(False, at(9)), Try(True, at(20), hints_used=2)), T0, Rating.Hard, "a wrong try and 2 hints"),
        ((Try(True, at(QUICK_SECONDS)),), T0, Rating.Easy, "right first time, no hint, in 60 s"),
        ((Try(True, at(QUICK_SECONDS + 1)),), T0, Rating.Good, "right first time, no hint"),
        ((Try(True, at(5)),), None, Rating.Good, "right first time, no hint"),  # time unknown: never Easy
    ],
    ids=[
        "wrong",
        "gave-up-after-two",
        "solution-seen",
        "solution-after-wrong",
        "right-after-wrong",
        "right-after-hint",
        "wrong-then-hinted",
        "quick",
        "not-quick",
        "time-unknown",
    ],
)
def test_the_rating_proposed_follows_how_the_sitting_went(
    tries: tuple[Try, ...], shown_at: datetime | None, rating: Rating, reason: str
) -> None:
    proposal = propose(Encounter(tries, shown_at))
    assert proposal is not None
    assert proposal.rating == rating
    assert reason in proposal.reason


def test_right_at_once_after_a_sitting_left_wrong_is_hard_and_help_still_names_itself() -> None:
    quick = propose(Encounter((Try(True, at(5)),), T0, left_wrong_before=True))
    assert quick is not None and (quick.rating, quick.reason) == (
        Rating.Hard,
        "right after getting it wrong a moment ago",
    )
    hinted = propose(Encounter((Try(True, at(5), hints_used=1),), T0, left_wrong_before=True))
    assert hinted is not None and (hinted.rating, hinted.reason) == (Rating.Hard, "right after a hint")
    wrong = propose(Encounter((Try(False, at(5)),), T0, left_wrong_before=True))
    assert wrong is not None and wrong.rating == Rating.Again


def test_opening_the_lesson_during_the_sitting_is_help_like_a_hint() -> None:
    alone = propose(Encounter((Try(True, at(5)),), T0, lesson_opened=True))
    assert alone is not None and (alone.rating, alone.reason) == (
        Rating.Hard,
        "right after opening the lesson",
    )
    both = propose(Encounter((Try(False, at(5)), Try(True, at(9))), T0, lesson_opened=True))
    assert both is not None and both.reason == "right after a wrong try and opening the lesson"


def test_a_sitting_without_a_graded_answer_has_nothing_to_rate() -> None:
    assert propose(Encounter((), T0)) is None


def test_each_choice_on_a_new_card_orders_again_hard_good_easy() -> None:
    choices = outcomes(CardState(), T0, "sigmoid\x1fprime")
    intervals = [choice.interval for choice in choices]
    assert [choice.rating for choice in choices] == [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy]
    assert intervals == sorted(intervals) and len(set(intervals)) == 4
    assert [interval_text(interval) for interval in intervals[:3]] == ["1 min", "6 min", "10 min"]
    assert choices[3].card.state == State.Review and choices[3].interval >= timedelta(days=2)


def test_the_interval_shown_on_a_choice_is_the_one_saved_even_with_fuzz() -> None:
    card = CardState()
    moment = T0
    for rating in (Rating.Good, Rating.Good, Rating.Good, Rating.Good):  # into the review state: fuzzed
        shown = {o.rating: o.card for o in outcomes(card, moment, "lesson\x1fex")}
        card = review(card, rating, moment, "lesson\x1fex")
        assert card == shown[rating], "saving gives exactly the card the choice showed"
        assert card.due is not None
        moment = card.due
    assert card.state == State.Review and card.reps == 4


@pytest.mark.parametrize("days", [3, 7, 30, 400])
def test_fuzz_is_fsrs_own_drawn_from_the_card_not_the_global_generator(days: int, monkeypatch) -> None:
    import random

    import fsrs.scheduler

    interval = timedelta(days=days)
    for n in range(50):
        seed = f"lesson\x1fexercise-{n}\x1f3"
        draw = random.Random(seed).random()
        monkeypatch.setattr(fsrs.scheduler, "random", lambda draw=draw: draw)
        expected = fsrs.scheduler.Scheduler(enable_fuzzing=True)._get_fuzzed_interval(interval=interval)
        assert fuzzed(interval, seed) == expected, "py-fsrs's own fuzz for the same draw"
    assert fuzzed(interval, "a\x1fb\x1f3") == fuzzed(interval, "a\x1fb\x1f3")


def test_fuzz_spreads_cards_answered_together_and_spares_short_intervals() -> None:
    drawn = {fuzzed(timedelta(days=30), f"lesson\x1fexercise-{n}\x1f3").days for n in range(100)}
    assert len(drawn) > 3, "cards answered together do not all come back on one day"
    assert fuzzed(timedelta(days=2), "a\x1fb\x1f3") == timedelta(days=2), "no fuzz under 2.5 days"


def test_a_lapse_is_counted_and_stability_falls() -> None:
    card = CardState()
    moment = T0
    for _ in range(4):
        card = review(card, Rating.Good, moment, "s")
        assert card.due is not None
        moment = card.due
    stable = card.stability
    forgotten = review(card, Rating.Again, moment, "s")
    assert forgotten.state == State.Relearning and forgotten.lapses == 1
    assert forgotten.stability is not None and stable is not None and forgotten.stability < stable


def test_the_scheduler_fuzz_of_py_fsrs_itself_is_off() -> None:
    assert SCHEDULER.enable_fuzzing is False, "its fuzz draws from the global generator: shown != saved"


@pytest.mark.parametrize("name", ["again", "Hard", " GOOD ", "easy"])
def test_ratings_by_name(name: str) -> None:
    assert rating_named(name).name.lower() == name.strip().lower()


def test_an_unknown_rating_name_lists_the_four() -> None:
    with pytest.raises(ValueError, match="again, hard, good or easy"):
        rating_named("medium")


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (timedelta(seconds=10), "1 min"),
        (timedelta(minutes=5, seconds=30), "6 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=9), "9 days"),
        (timedelta(days=76), "2.5 months"),
        (timedelta(days=438), "1.2 years"),
    ],
)
def test_intervals_read_as_people_say_them(interval: timedelta, text: str) -> None:
    assert interval_text(interval) == text
