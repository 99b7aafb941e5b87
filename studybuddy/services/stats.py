"""Study statistics for `studybuddy stats`, the dashboard and the diary export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from studybuddy.core import stats, study_minutes
from studybuddy.core.clock import Clock
from studybuddy.core.stats import Heatmap, LessonMastery, Streaks, Window
from studybuddy.services import day_minutes
from studybuddy.storage import sessions
from studybuddy.storage.database import Database


@dataclass(frozen=True)
class StatsReport:
    window: Window
    start: date
    end: date
    minutes_by_day: dict[date, int]  # every day of the window, zeros included
    minutes_by_subject: dict[str, int]  # most studied first
    streaks: Streaks
    heatmap: Heatmap

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes_by_day.values())

    @property
    def days_studied(self) -> int:
        return sum(1 for minutes in self.minutes_by_day.values() if minutes >= 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "window": self.window.value,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total_minutes": self.total_minutes,
            "days_studied": self.days_studied,
            "minutes_by_day": {day.isoformat(): minutes for day, minutes in self.minutes_by_day.items()},
            "minutes_by_subject": self.minutes_by_subject,
            "streak": {"current": self.streaks.current, "longest": self.streaks.longest},
            "heatmap": {
                "rows": "monday..sunday",
                "columns_start": [monday.isoformat() for monday in self.heatmap.column_starts()],
                "levels": [[None if c is None else c.level for c in row] for row in self.heatmap.rows],
                "level_minutes": list(stats.LEVEL_MINUTES),
            },
        }


@dataclass(frozen=True)
class Summary:
    """What the dashboard shows."""

    today_minutes: int
    week_minutes: int  # the last 7 days, today included
    current_streak: int
    longest_streak: int


class StatsService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def minutes_by_day(self, start: date, end: date) -> dict[date, int]:
        """Minutes studied on each day from ``start`` to ``end`` inclusive (days with study only)."""
        return day_minutes.minutes_by_day(self.database, start, end)

    def report(self, window: Window = Window.MONTH, today: date | None = None) -> StatsReport:
        today = today or self.clock.now().date()
        start, end = stats.window_range(window, today)
        with self.database.read() as conn:
            every_day = study_minutes.minutes_by_day(sessions.seconds_by_day(conn))  # all time, for streaks
            by_subject = sessions.seconds_by_subject(conn, start, end)
        in_window = {
            start + timedelta(days=offset): every_day.get(start + timedelta(days=offset), 0)
            for offset in range((end - start).days + 1)
        }
        subjects = {
            subject: study_minutes.whole_minutes(seconds)
            for subject, seconds in sorted(by_subject.items(), key=lambda item: (-item[1], item[0]))
        }
        return StatsReport(
            window=window,
            start=start,
            end=end,
            minutes_by_day=in_window,
            minutes_by_subject={subject: minutes for subject, minutes in subjects.items() if minutes},
            streaks=stats.streaks(every_day, today),
            heatmap=stats.heatmap(in_window, start, end),
        )

    def summary(self, today: date | None = None) -> Summary:
        report = self.report(Window.WEEK, today)
        return Summary(
            today_minutes=report.minutes_by_day[report.end],
            week_minutes=report.total_minutes,
            current_streak=report.streaks.current,
            longest_streak=report.streaks.longest,
        )

    def mastery(self, lesson_id: str | None = None) -> dict[str, LessonMastery]:
        """Per lesson: exercises tried, exercises mastered (their review card's stability reached
        three weeks), attempts and right answers."""
        from studybuddy.storage import progress  # here: `diary list` reads minutes, not mastery
        from studybuddy.storage.reviews import stabilities  # FSRS: kept off the app's start-up path

        with self.database.read() as conn:
            cards = {
                key: value
                for key, value in stabilities(conn).items()
                if lesson_id is None or key[0] == lesson_id
            }
            return stats.mastery(progress.attempt_outcomes(conn, lesson_id), cards)
