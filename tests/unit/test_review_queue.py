"""The day's review queue: learning steps by the minute, reviews on their day most overdue first,
daily caps for new exercises and reviews as in Anki, everything interleaved across lessons."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from fsrs import State

from studybuddy.core.reviews.queue import (
    DailyCaps,
    DoneToday,
    DueCard,
    QueueEntry,
    build_queue,
    day_bounds,
    forecast,
    interleave,
)

NOW = datetime(2025, 7, 6, 15, 0, tzinfo=UTC)
START, END = day_bounds(NOW)


def review_card(lesson: str, exercise: str, days_overdue: float) -> DueCard:
    return DueCard(lesson, exercise, State.Review, NOW - timedelta(days=days_overdue), reps=3)


def step_card(lesson: str, exercise: str, minutes: float) -> DueCard:
    return DueCard(lesson, exercise, State.Learning, NOW + timedelta(minutes=minutes), reps=1)


def keys(entries) -> list[tuple[str, str]]:
    return [(entry.lesson_id, entry.exercise_id) for entry in entries]


def test_after_a_break_the_most_overdue_come_first_and_the_cap_leaves_the_rest() -> None:
    due = sorted(
        [review_card(f"lesson{n % 7}", f"e{n}", days_overdue=n) for n in range(300)], key=lambda c: c.due
    )
    queue = build_queue(due, [], now=NOW, day_end=END, caps=DailyCaps(new=20, reviews=200))
    served = [int(entry.exercise_id[1:]) for entry in queue.serve]
    assert len(served) == 200 and queue.reviews_due == 300 and queue.reviews_capped == 100
    assert set(served) == set(range(100, 300)), "the 200 waiting longest"
    assert served[0] == 299
    assert queue.due_today == 300


def test_reviews_done_today_use_up_the_cap_and_learning_steps_are_never_capped() -> None:
    due = [
        step_card("a", "s1", -5),
        step_card("b", "s2", -1),
        review_card("a", "r1", 2),
        review_card("b", "r2", 1),
    ]
    due.sort(key=lambda c: c.due)
    queue = build_queue(due, [], now=NOW, day_end=END, caps=DailyCaps(reviews=10), done=DoneToday(reviews=9))
    assert [entry.kind for entry in queue.serve].count("learning") == 2
    assert keys(e for e in queue.serve if e.kind == "review") == [("a", "r1")]
    assert queue.reviews_capped == 1


def test_a_learning_step_later_today_waits_and_one_tomorrow_is_not_due() -> None:
    due = [step_card("a", "now", -1), step_card("a", "soon", 30), step_card("a", "tomorrow", 60 * 10)]
    queue = build_queue(due, [], now=NOW, day_end=END)
    assert keys(queue.serve) == [("a", "now")]
    assert queue.steps_later_today == 1
    assert queue.due_today == 2


def test_a_review_due_later_today_is_served_from_the_start_of_its_day() -> None:
    due = [DueCard("a", "tonight", State.Review, NOW + timedelta(hours=8), reps=2)]
    assert keys(build_queue(due, [], now=NOW, day_end=END).serve) == [("a", "tonight")]


def test_new_exercises_are_capped_per_day_counting_those_introduced_today() -> None:
    new = [("a", f"n{n}") for n in range(30)]
    queue = build_queue([], new, now=NOW, day_end=END, caps=DailyCaps(new=20), done=DoneToday(new=15))
    assert keys(queue.serve) == new[:5]
    assert (queue.new_available, queue.new_capped, queue.new_today) == (30, 25, 5)


def test_new_exercises_are_spread_among_the_reviews() -> None:
    due = [review_card(f"l{n}", f"r{n}", days_overdue=10 - n) for n in range(6)]
    queue = build_queue(due, [("x", "n1"), ("y", "n2")], now=NOW, day_end=END)
    kinds = [entry.kind for entry in queue.serve]
    assert kinds == ["review", "review", "new", "review", "review", "new", "review", "review"]


@pytest.mark.parametrize("seed", range(20))
def test_interleaving_never_serves_one_lesson_twice_in_a_row_while_another_waits(seed: int) -> None:
    import random

    chooser = random.Random(seed)
    entries = [
        QueueEntry(chooser.choice("abc"), f"e{n}", "review", NOW - timedelta(days=20 - n)) for n in range(20)
    ]
    order = interleave(entries)
    assert sorted(keys(order)) == sorted(keys(entries)), "nothing lost or repeated"
    for first, second in itertools.pairwise(order):
        if first.lesson_id == second.lesson_id:
            rest = order[order.index(second) :]
            assert {entry.lesson_id for entry in rest} == {first.lesson_id}, "only that lesson was left"
    assert order[0] == entries[0], "the most overdue still comes first"


def test_forecast_counts_each_day_with_the_overdue_today() -> None:
    zone = timezone(timedelta(hours=2))
    today = date(2025, 7, 6)
    dues = [
        datetime(2025, 6, 1, tzinfo=UTC),  # long overdue: today
        datetime(2025, 7, 6, 21, 30, tzinfo=UTC),  # 23:30 local: today
        datetime(2025, 7, 6, 22, 30, tzinfo=UTC),  # 00:30 local on the 7th
        datetime(2025, 7, 19, 12, tzinfo=UTC),  # the 14th day
        datetime(2025, 7, 20, 12, tzinfo=UTC),  # past the window
    ]
    counts = forecast(dues, today, zone, days=14)
    assert counts[0] == (today, 2) and counts[1] == (date(2025, 7, 7), 1)
    assert counts[13] == (date(2025, 7, 19), 1) and sum(count for _, count in counts) == 4
