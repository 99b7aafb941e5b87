"""Streaks, windows, the heatmap grid and mastery, from plain per-day totals."""

from datetime import UTC, date, datetime, timedelta

import pytest

from studybuddy.core.stats import (
    MASTERED_STABILITY_DAYS,
    AttemptOutcome,
    Window,
    heatmap,
    level,
    mastery,
    streaks,
    study_time,
    window_range,
)
from studybuddy.core.study_minutes import minutes_by_day, whole_minutes

TODAY = date(2025, 7, 6)  # a Sunday


def days_ago(*offsets: int, minutes: int = 60) -> dict[date, int]:
    return {TODAY - timedelta(days=offset): minutes for offset in offsets}


def test_the_current_streak_runs_back_from_today() -> None:
    assert streaks(days_ago(0, 1, 2, 4), TODAY).current == 3


def test_today_not_studied_yet_does_not_break_a_streak_that_ran_to_yesterday() -> None:
    assert streaks(days_ago(1, 2, 3), TODAY).current == 3


def test_a_missed_day_before_yesterday_ends_the_streak() -> None:
    assert streaks(days_ago(2, 3, 4), TODAY).current == 0


def test_the_longest_streak_is_kept_even_when_it_is_long_past() -> None:
    result = streaks(days_ago(0, *range(10, 20)), TODAY)
    assert (result.current, result.longest) == (1, 10)


def test_a_day_with_no_whole_minute_does_not_count() -> None:
    assert streaks(days_ago(0, 1, minutes=0), TODAY).current == 0


def test_days_in_the_future_are_ignored() -> None:
    assert streaks({TODAY + timedelta(days=1): 60}, TODAY).longest == 0


def test_minutes_round_to_the_nearest_so_a_full_hour_reads_sixty() -> None:
    assert whole_minutes(3599.6) == 60
    assert whole_minutes(29) == 0
    assert minutes_by_day({TODAY: 90.0 * 60}) == {TODAY: 90}


@pytest.mark.parametrize(("window", "first"), [("week", 6), ("month", 29), ("year", 364)])
def test_windows_are_rolling_and_include_today(window: str, first: int) -> None:
    assert window_range(Window(window), TODAY) == (TODAY - timedelta(days=first), TODAY)


@pytest.mark.parametrize(
    ("minutes", "expected"), [(0, 0), (1, 1), (29, 1), (30, 2), (60, 3), (119, 3), (120, 4)]
)
def test_levels_mean_the_same_amount_of_study_in_every_window(minutes: int, expected: int) -> None:
    assert level(minutes) == expected


def test_the_heatmap_is_seven_weekday_rows_by_one_column_per_week() -> None:
    start, end = window_range(Window.YEAR, TODAY)
    grid = heatmap({TODAY: 125, start: 10}, start, end)
    assert len(grid.rows) == 7
    assert grid.weeks == 53
    sunday_row = grid.rows[6]
    assert sunday_row[-1] is not None and sunday_row[-1].day == TODAY and sunday_row[-1].level == 4
    first_column = [row[0] for row in grid.rows]
    assert [cell is None for cell in first_column] == [True] * 6 + [False]  # the range starts on a Sunday
    assert first_column[6].minutes == 10
    assert grid.column_starts()[0] == start - timedelta(days=6)


def test_days_outside_the_range_are_blank_not_zero() -> None:
    grid = heatmap({}, date(2025, 7, 2), date(2025, 7, 4))  # Wednesday to Friday
    assert [row[0] is not None for row in grid.rows] == [False, False, True, True, True, False, False]


def test_mastery_counts_an_exercise_when_its_card_is_recalled_three_weeks_on_not_when_it_was_right() -> None:
    t = datetime(2025, 7, 6, 9, tzinfo=UTC)
    attempts = [
        AttemptOutcome("sigmoid", "e1", False, t),
        AttemptOutcome("sigmoid", "e1", True, t + timedelta(minutes=1)),
        AttemptOutcome("sigmoid", "e2", True, t),
        AttemptOutcome("sigmoid", "e2", False, t + timedelta(minutes=2)),
        AttemptOutcome("softmax", "e1", True, t),
    ]
    stability = {
        ("sigmoid", "e1"): 2.3,  # right today: not yet mastered
        ("sigmoid", "e2"): MASTERED_STABILITY_DAYS,  # recalled three weeks on, whatever today's answer
        ("softmax", "e1"): None,  # a card never reviewed
    }
    result = mastery(attempts, stability)
    sigmoid = result["sigmoid"]
    assert (sigmoid.exercises_tried, sigmoid.exercises_mastered) == (2, 1)
    assert (sigmoid.attempts, sigmoid.right_attempts) == (4, 2)
    assert sigmoid.fraction() == 0.5
    assert sigmoid.fraction(exercises_in_lesson=4) == 0.25
    assert result["softmax"].exercises_mastered == 0
    assert mastery(attempts)["softmax"].fraction() == 0.0, "right once, with no card: not mastered"


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0 min"), (45, "45 min"), (60, "1 h"), (125, "2 h 05 min")]
)
def test_study_time_reads_as_people_say_it(minutes: int, text: str) -> None:
    assert study_time(minutes) == text
