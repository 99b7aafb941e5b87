"""Study statistics from per-day and per-subject totals: windows, streaks, the heatmap, mastery.

Pure functions over plain mappings; the service fetches the totals and hands them in. Seconds become
minutes by ``core.study_minutes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

# Heatmap levels 1..4 start at these many minutes a day; 0 minutes is level 0. Fixed (not quantiles)
# so a colour means the same amount of study in every window and every year.
LEVEL_MINUTES = (1, 30, 60, 120)

# An exercise is mastered when its review card's FSRS stability (the days after which it is still
# recalled 90% of the time) reaches three weeks: Anki calls a card with such an interval "mature".
MASTERED_STABILITY_DAYS = 21.0


class Window(StrEnum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"

    @property
    def days(self) -> int:
        return {Window.WEEK: 7, Window.MONTH: 30, Window.YEAR: 365}[self]


def study_time(minutes: int) -> str:
    """Minutes as people say them: ``45 min``, ``1 h``, ``2 h 05 min``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02} min" if rest else f"{hours} h"


def window_range(window: Window, today: date) -> tuple[date, date]:
    """The last 7, 30 or 365 days, today included (rolling, so every window is full)."""
    return today - timedelta(days=window.days - 1), today


@dataclass(frozen=True)
class Streaks:
    current: int  # consecutive study days ending today, or yesterday when today has none yet
    longest: int


def streaks(minutes: Mapping[date, int], today: date) -> Streaks:
    """A day counts when it has at least one minute of study. Today not studied yet does not break
    a streak that ran to yesterday; days after today are ignored."""
    days = sorted(day for day, value in minutes.items() if value >= 1 and day <= today)
    longest = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    if previous is None or (today - previous).days > 1:
        return Streaks(current=0, longest=longest)
    return Streaks(current=run, longest=longest)


def level(minutes: int) -> int:
    """0 (nothing) to 4 (two hours or more)."""
    return sum(1 for threshold in LEVEL_MINUTES if minutes >= threshold)


@dataclass(frozen=True)
class HeatmapCell:
    day: date
    minutes: int
    level: int


@dataclass(frozen=True)
class Heatmap:
    """A calendar of study minutes: 7 rows (Monday to Sunday) by one column per week, oldest first.
    Cells before the start or after the end of the range are None."""

    rows: tuple[tuple[HeatmapCell | None, ...], ...]

    @property
    def weeks(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def column_starts(self) -> tuple[date, ...]:
        """The Monday of each column."""
        column, cell = next(
            (column, cell)
            for column in range(self.weeks)
            for row in self.rows
            if (cell := row[column]) is not None
        )
        first_monday = cell.day - timedelta(days=cell.day.weekday(), weeks=column)
        return tuple(first_monday + timedelta(weeks=week) for week in range(self.weeks))


def heatmap(minutes: Mapping[date, int], start: date, end: date) -> Heatmap:
    if end < start:
        raise ValueError(f"heatmap range ends ({end}) before it starts ({start})")
    first_monday = start - timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    rows = []
    for weekday in range(7):
        row: list[HeatmapCell | None] = []
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if start <= day <= end:
                value = minutes.get(day, 0)
                row.append(HeatmapCell(day, value, level(value)))
            else:
                row.append(None)
        rows.append(tuple(row))
    return Heatmap(tuple(rows))


@dataclass(frozen=True)
class AttemptOutcome:
    lesson_id: str
    exercise_id: str
    correct: bool
    at: datetime
    hints_used: int = 0
    solution_seen: bool = False  # given after the worked solution was shown: never counts as mastery

    @property
    def unaided(self) -> bool:
        """An answer the learner found without the worked solution in front of them (hints allowed)."""
        return not self.solution_seen


@dataclass(frozen=True)
class LessonMastery:
    lesson_id: str
    exercises_tried: int
    exercises_mastered: int  # exercises whose review card's stability reached MASTERED_STABILITY_DAYS
    attempts: int
    right_attempts: int  # right, and given without the solution
    after_solution: int = 0  # attempts given after the worked solution was shown (kept, not counted)

    def fraction(self, exercises_in_lesson: int | None = None) -> float:
        """Mastered exercises over the lesson's exercises (or over those tried, when not known)."""
        total = exercises_in_lesson if exercises_in_lesson else self.exercises_tried
        return self.exercises_mastered / total if total else 0.0


def is_mastered(stability: float | None) -> bool:
    """A review card FSRS expects to be recalled (90%) three weeks or more after its last review."""
    return stability is not None and stability >= MASTERED_STABILITY_DAYS


def mastery(
    attempts: Iterable[AttemptOutcome], stability: Mapping[tuple[str, str], float | None] | None = None
) -> dict[str, LessonMastery]:
    """Per lesson: answers, right answers, and exercises mastered. An exercise is mastered when its
    review card's ``stability`` (by (lesson id, exercise id), in days) has reached
    MASTERED_STABILITY_DAYS: being right once, or right today, says little about three weeks from now.
    An answer given after the worked solution counts as an attempt, never as right."""
    stability = stability or {}
    tried: dict[str, set[str]] = {}
    counts: dict[str, list[int]] = {}
    for attempt in attempts:
        tried.setdefault(attempt.lesson_id, set()).add(attempt.exercise_id)
        tally = counts.setdefault(attempt.lesson_id, [0, 0, 0])
        tally[0] += 1
        if not attempt.unaided:
            tally[2] += 1
            continue
        tally[1] += attempt.correct
    mastered: dict[str, int] = {}
    for (lesson_id, exercise_id), days in stability.items():
        tried.setdefault(lesson_id, set()).add(exercise_id)
        counts.setdefault(lesson_id, [0, 0, 0])
        mastered[lesson_id] = mastered.get(lesson_id, 0) + is_mastered(days)
    return {
        lesson_id: LessonMastery(
            lesson_id,
            exercises_tried=len(tried[lesson_id]),
            exercises_mastered=mastered.get(lesson_id, 0),
            attempts=attempts_,
            right_attempts=right,
            after_solution=aided,
        )
        for lesson_id, (attempts_, right, aided) in sorted(counts.items())
    }
