"""Dates as people type them: ``2025-07-06``, ``today``, ``yesterday``, ``last monday``, ``3 days ago``.

Hand-written on purpose: the grammar a diary command needs is a dozen forms, and a general library
(dateparser and friends) guesses across languages and formats, so a typo silently becomes some other
day. Here every input maps to exactly one date relative to an injected ``today``, or to a clear error
(``2025-02-30`` says the day does not exist; ``yesterdya`` lists what is understood).

The month-name and US forms (``July 6, 2025``, ``07/12/24``) are used by the diary importer.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from studybuddy.core.errors import StudybuddyError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

UNDERSTOOD = "YYYY-MM-DD, today, yesterday, tomorrow, monday, last monday, 3 days ago, 2 weeks ago"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_AGO = re.compile(r"(\d+|a|an|one)\s+(day|week)s?\s+ago")
_LAST_WEEKDAY = re.compile(r"(last|this)\s+(\w+)")
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1}


class DateError(StudybuddyError, ValueError):
    """A date that cannot be read, or that does not exist."""


def make_date(year: int, month: int, day: int, *, written: str) -> date:
    """``date(...)`` with an error message a person understands (``2025-02-30`` does not exist)."""
    if not 1 <= month <= 12:
        raise DateError(f"{written!r} is not a date: there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        month_name = MONTHS[month - 1].title()
        raise DateError(f"{written!r} does not exist: {month_name} {year} has no day {day}") from None


def parse_date(text: str, today: date) -> date:
    """The date ``text`` names, relative to ``today``. Raises DateError with a clear message."""
    written = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise DateError(f"no date given (use {UNDERSTOOD})")
    if match := _ISO.fullmatch(text):
        return make_date(*(int(part) for part in match.groups()), written=written)
    if text in ("today", "now"):
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text == "tomorrow":
        return today + timedelta(days=1)
    if match := _AGO.fullmatch(text):
        count_text, unit = match.groups()
        count = _WORD_NUMBERS.get(count_text) or int(count_text)
        if count > 100_000:
            raise DateError(f"{written!r} is too far back")
        return today - timedelta(days=count * (7 if unit == "week" else 1))
    if text in WEEKDAYS:
        # A bare weekday means the most recent one (today included): diaries look back.
        return _most_recent(today, WEEKDAYS.index(text), include_today=True)
    if (match := _LAST_WEEKDAY.fullmatch(text)) and match.group(2) in WEEKDAYS:
        which, weekday = match.groups()
        return _most_recent(today, WEEKDAYS.index(weekday), include_today=which == "this")
    if month_day := parse_month_name_date(text):
        return month_day
    raise DateError(f"cannot read {written!r} as a date (use {UNDERSTOOD})")


def _most_recent(today: date, weekday: int, *, include_today: bool) -> date:
    back = (today.weekday() - weekday) % 7
    if back == 0 and not include_today:
        back = 7
    return today - timedelta(days=back)


_MONTH_NAME = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY_PREFIX = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+)?"


@functools.cache
def month_name_date_pattern() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The two month-name patterns (``July 6, 2025`` and ``6 July 2025``), for scanning lines.
    Compiled at first use: compiling them at import cost every diary command ~12 ms."""
    month_first = _WEEKDAY_PREFIX + _MONTH_NAME + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
    day_first = (
        _WEEKDAY_PREFIX + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_NAME + r",?\s+(?P<year>\d{4})"
    )
    return re.compile(month_first, re.I), re.compile(day_first, re.I)


def parse_month_name_date(text: str) -> date | None:
    """``July 6, 2025``, ``Sunday, July 6th 2025``, ``6 Jul 2025``; None if ``text`` is not that form.

    A well-formed but impossible date (``February 30, 2025``) raises DateError.
    """
    text = text.strip()
    for pattern in month_name_date_pattern():
        if match := pattern.fullmatch(text):
            return date_from_month_match(match)
    return None


def date_from_month_match(match: re.Match[str]) -> date:
    month = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(match["month"].lower()[:3]))
    return make_date(int(match["year"]), month, int(match["day"]), written=match.group(0))


def expand_two_digit_year(year: int) -> int:
    """``24`` is 2024: learning diaries are recent; a four-digit year is kept as written."""
    return 2000 + year if year < 100 else year
