"""The weekly report: a week of study in one page, for `studybuddy report --week` and its screen.

The week is the last seven days, today included (as `stats --week`). It holds the minutes by subject,
the lessons worked on and the exercises answered, how many answers were right, the mistakes made more
than once, the reviews done and those due in the seven days after it, and the headings of the week's
diary entries. A week with no study says so. ``to_markdown`` is what ``--append-to-diary`` adds to the
day's entry, through the diary's one append path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from studybuddy.core.diary import prose_lines
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.stats import AttemptOutcome, Window, study_time, window_range
from studybuddy.storage import progress, reviews

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext
    from studybuddy.services.insights import MistakeLine
    from studybuddy.storage.diary_files import StoredEntry

TITLE = "Weekly report"
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")  # the report's own bullet stands for it


@dataclass(frozen=True)
class LessonWeek:
    lesson_id: str
    title: str
    exercises: int  # exercises answered this week
    answers: int
    right: int


@dataclass(frozen=True)
class DiaryDay:
    day: date
    headings: tuple[str, ...]  # the entry's Markdown headings; its first line when it has none
    problem: str | None = None  # why the entry could not be read


@dataclass(frozen=True)
class WeeklyReport:
    start: date
    end: date
    minutes_by_subject: dict[str, int]  # most studied first
    days_studied: int
    lessons: list[LessonWeek]  # most answered first
    answers: int
    right: int  # right, and given without the worked solution
    reviews_done: int
    mistakes: list[MistakeLine]  # made at least twice this week
    due_next_week: list[tuple[date, int]]  # the seven days after ``end``
    due_now: int  # due by the end of ``end`` (overdue included)
    diary: list[DiaryDay]

    @property
    def minutes(self) -> int:
        return sum(self.minutes_by_subject.values())

    @property
    def exercises(self) -> int:
        return sum(lesson.exercises for lesson in self.lessons)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def studied(self) -> bool:
        """Anything at all happened this week (time, answers, reviews or diary)."""
        return bool(self.minutes or self.answers or self.reviews_done or self.diary)

    @property
    def heading(self) -> str:
        return f"{TITLE}, {_day(self.start)} to {_day(self.end)} {self.end.year}"

    def to_markdown(self) -> str:
        lines = [f"## {self.heading}", ""]
        if not self.studied:
            lines.append(
                "No study recorded this week: no study time, no answers, no reviews, no diary entries."
            )
            lines.append("")
        else:
            lines += self._study_lines()
        due = sum(count for _, count in self.due_next_week)
        per_day = ", ".join(f"{day:%a} {count}" for day, count in self.due_next_week)
        lines.append(f"- **Reviews due next week:** {due} ({per_day}); due now: {self.due_now}")
        return "\n".join(lines) + "\n"

    def _study_lines(self) -> list[str]:
        lines = []
        if self.minutes:
            subjects = ", ".join(
                f"{subject} {study_time(m)}" for subject, m in self.minutes_by_subject.items()
            )
            days = f"{self.days_studied} day{'' if self.days_studied == 1 else 's'}"
            lines.append(f"- **Study time:** {study_time(self.minutes)} on {days}: {subjects}")
        else:
            lines.append("- **Study time:** none recorded with the timer")
        if self.lessons:
            lines.append("- **Lessons:** " + ", ".join(lesson.title for lesson in self.lessons))
            exercises = f"{self.exercises} exercise{'' if self.exercises == 1 else 's'}"
            answers = f"{self.answers} answer{'' if self.answers == 1 else 's'}"
            accuracy = "" if self.accuracy is None else f", {100 * self.accuracy:.0f}% right"
            lines.append(f"- **Exercises:** {exercises} answered ({answers}{accuracy})")
        else:
            lines.append("- **Exercises:** none answered")
        lines.append(f"- **Reviews done:** {self.reviews_done}")
        if self.mistakes:
            lines.append("- **Recurring mistakes:**")
            lines += [f"  - {mistake.text('this week')}" for mistake in self.mistakes]
        if self.diary:
            lines.append("- **Diary:**")
            for entry in self.diary:
                said = entry.problem or "; ".join(entry.headings) or "(empty)"
                lines.append(f"  - {entry.day:%a %d %b}: {said}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "studied": self.studied,
            "minutes": self.minutes,
            "days_studied": self.days_studied,
            "minutes_by_subject": self.minutes_by_subject,
            "lessons": [
                {
                    "id": lesson.lesson_id,
                    "title": lesson.title,
                    "exercises": lesson.exercises,
                    "answers": lesson.answers,
                    "right": lesson.right,
                }
                for lesson in self.lessons
            ],
            "exercises": self.exercises,
            "answers": self.answers,
            "right": self.right,
            "accuracy": self.accuracy,
            "reviews_done": self.reviews_done,
            "recurring_mistakes": [m.to_json() for m in self.mistakes],
            "due_next_week": {day.isoformat(): count for day, count in self.due_next_week},
            "due_now": self.due_now,
            "diary": [
                {"day": entry.day.isoformat(), "headings": list(entry.headings), "problem": entry.problem}
                for entry in self.diary
            ],
        }


def weekly_report(context: StudyContext) -> WeeklyReport:
    """The week ending today (the context's clock)."""
    from studybuddy.services.insights import open_insights

    now = context.clock.now()
    start, end = window_range(Window.WEEK, now.date())
    since = _midnight(now, start)
    until = _midnight(now, end + timedelta(days=1))
    stats = context.stats.report(Window.WEEK, end)
    with context.database.read() as conn:
        answers = progress.attempts_between(conn, since, until)
        reviews_done = reviews.reviews_on_days(conn, start, end)
    forecast = context.reviews.forecast(days=8)
    catalogue = context.reviews.catalogue
    return WeeklyReport(
        start=start,
        end=end,
        minutes_by_subject=stats.minutes_by_subject,
        days_studied=stats.days_studied,
        lessons=_lessons(answers, catalogue.title),
        answers=len(answers),
        right=sum(1 for answer in answers if answer.correct and answer.unaided),
        reviews_done=reviews_done,
        mistakes=open_insights(context).mistakes(since, until, minimum=2),
        due_next_week=forecast[1:],
        due_now=forecast[0][1],
        diary=_diary(context, start, end),
    )


def append_to_diary(context: StudyContext, report: WeeklyReport) -> StoredEntry:
    """Add the report's Markdown to today's diary entry (the diary's one append path)."""
    return context.diary.append(report.to_markdown(), block=True)


def _lessons(answers: list[AttemptOutcome], title: Callable[[str], str]) -> list[LessonWeek]:
    by_lesson: dict[str, list[AttemptOutcome]] = {}
    for answer in answers:
        by_lesson.setdefault(answer.lesson_id, []).append(answer)
    weeks = [
        LessonWeek(
            lesson_id,
            title(lesson_id),
            exercises=len({answer.exercise_id for answer in done}),
            answers=len(done),
            right=sum(1 for answer in done if answer.correct and answer.unaided),
        )
        for lesson_id, done in by_lesson.items()
    ]
    return sorted(weeks, key=lambda week: (-week.answers, week.title))


def _diary(context: StudyContext, start: date, end: date) -> list[DiaryDay]:
    days = []
    for summary in context.diary.list(start, end):
        if not summary.has_entry:
            continue
        try:
            stored = context.diary.show(summary.day)
        except StudybuddyError as error:
            days.append(DiaryDay(summary.day, (), f"could not be read: {error}"))
            continue
        if stored is not None:
            days.append(DiaryDay(summary.day, headings(stored.entry.body)))
    return days


def headings(body: str) -> tuple[str, ...]:
    """The Markdown headings of an entry (outside code blocks; an earlier weekly report's left out),
    or its first line of text when it has none."""
    found = []
    first_line = ""
    for line in prose_lines(body):
        match = _HEADING.match(line)
        if match:
            if not match.group(1).startswith(TITLE):
                found.append(match.group(1))
        elif not first_line and line.strip():
            first_line = " ".join(_LIST_MARKER.sub("", line).split())
    return tuple(found) if found else ((first_line,) if first_line else ())


def _midnight(now: datetime, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"
