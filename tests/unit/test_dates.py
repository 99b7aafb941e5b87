"""Dates as people type them, relative to a fixed today (Wednesday 2025-07-09)."""

from datetime import date

import pytest

from studybuddy.core.dates import DateError, parse_date, parse_month_name_date

TODAY = date(2025, 7, 9)  # a Wednesday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025-07-06", date(2025, 7, 6)),
        ("2025-7-6", date(2025, 7, 6)),
        ("today", TODAY),
        ("  Today ", TODAY),
        ("yesterday", date(2025, 7, 8)),
        ("tomorrow", date(2025, 7, 10)),
        ("3 days ago", date(2025, 7, 6)),
        ("1 day ago", date(2025, 7, 8)),
        ("a week ago", date(2025, 7, 2)),
        ("2 weeks ago", date(2025, 6, 25)),
        ("last monday", date(2025, 7, 7)),
        ("last wednesday", date(2025, 7, 2)),  # "last" never means today
        ("wednesday", TODAY),  # a bare weekday is the most recent one, today included
        ("this wednesday", TODAY),
        ("Last  Sunday", date(2025, 7, 6)),
        ("July 6, 2025", date(2025, 7, 6)),
        ("6 Jul 2025", date(2025, 7, 6)),
    ],
)
def test_reads_the_forms_people_type(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


def test_a_day_that_does_not_exist_is_a_clear_error() -> None:
    with pytest.raises(DateError, match=r"'2025-02-30' does not exist: February 2025 has no day 30"):
        parse_date("2025-02-30", TODAY)


def test_a_month_that_does_not_exist_is_a_clear_error() -> None:
    with pytest.raises(DateError, match="there is no month 13"):
        parse_date("2025-13-01", TODAY)


def test_leap_day_exists_only_in_leap_years() -> None:
    assert parse_date("2024-02-29", TODAY) == date(2024, 2, 29)
    with pytest.raises(DateError, match="has no day 29"):
        parse_date("2025-02-29", TODAY)


@pytest.mark.parametrize("typed", ["yesterdya", "last funday", "", "3 fortnights ago", "07/06"])
def test_unreadable_input_lists_what_is_understood(typed: str) -> None:
    with pytest.raises(DateError, match="yesterday"):
        parse_date(typed, TODAY)


def test_month_name_dates_with_weekday_and_ordinal() -> None:
    assert parse_month_name_date("Sunday, July 6th, 2025") == date(2025, 7, 6)
    assert parse_month_name_date("not a date") is None
    with pytest.raises(DateError, match="has no day 30"):
        parse_month_name_date("February 30, 2025")
