"""What the app's first screen shows, read in one go: the last session, today's diary entry, the streak
and the week's minutes, the lessons opened lately.

A part that cannot be read is left at its empty state and named in ``problems``, so one broken part
(a database that cannot open, an unreadable entry) never blanks the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from studybuddy.core.errors import StudybuddyError

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext
    from studybuddy.services.session_view import SessionView
    from studybuddy.storage.progress import LessonProgress

EXCERPT_CHARACTERS = 600
RECENT_LESSONS = 5
T = TypeVar("T")


@dataclass(frozen=True)
class DashboardData:
    today: date
    last_session: str  # a line; empty before the first session
    diary_excerpt: str | None  # the start of today's entry; None when nothing is written yet
    recent: list[tuple[str, int]]  # (lesson id, steps revealed), newest first
    streak_days: int
    week_minutes: int
    problems: list[str]  # "what: why", one per part that could not be read


def gather_dashboard(
    context: StudyContext, today: date, pace: Callable[[], object] = lambda: None
) -> DashboardData:
    """Every read the dashboard needs (the caller's thread: the app calls it from a worker).
    ``pace`` is called before each read (where the app's start-up loads give way to its keys)."""
    problems: list[str] = []

    def attempt(what: str, read: Callable[[], T], default: T) -> T:
        pace()
        try:
            return read()
        except StudybuddyError as error:
            problems.append(f"{what}: {error}")
            return default

    last = attempt("sessions", lambda: context.timer.last_session(), None)
    entry = attempt("diary", lambda: context.diary.open_draft(today), None)
    summary = attempt("stats", lambda: context.stats.summary(today), None)
    no_lessons: list[LessonProgress] = []
    recent = attempt("lessons", lambda: context.progress.recent_lessons(limit=RECENT_LESSONS), no_lessons)
    text = "" if entry is None else entry.text.strip()
    return DashboardData(
        today=today,
        last_session=last_session_line(last),
        diary_excerpt=text[:EXCERPT_CHARACTERS] or None,
        recent=[(item.lesson_id, item.steps_revealed) for item in recent],
        streak_days=0 if summary is None else summary.current_streak,
        week_minutes=0 if summary is None else summary.week_minutes,
        problems=problems,
    )


def last_session_line(session: SessionView | None) -> str:
    """The last session in a line; empty before the first (the screen names the key to start one)."""
    if session is None:
        return ""
    subject = session.subject or "no subject"
    if session.is_open:  # the timer bar counts its minutes; a number here would stop at the first read
        state = "Paused" if session.state == "paused" else "Studying now"
        return f"{state}: {subject}, started {session.started_at:%a %d %b %H:%M}"
    minutes = int(session.studied_seconds) // 60
    return f"Last: {subject}, {minutes} min, {session.started_at:%a %d %b %H:%M}"


@dataclass(frozen=True)
class ReviewCounts:
    """The dashboard's Reviews card: what the Review section has for today."""

    due_today: int  # reviews due today (learning steps included)
    new_waiting: int  # new exercises it will still introduce today (within the daily cap)
    next_due: str | None  # when nothing is due: when the next review is ("tomorrow at 09:30")

    def text(self) -> str:
        if self.due_today or self.new_waiting:
            return f"{self.due_today} due today · {self.new_waiting} new waiting"
        if self.next_due is None:
            return "Nothing to review yet: exercises you answer come back here."
        return f"Nothing due now; the next review is {self.next_due}."


def gather_review_counts(context: StudyContext, pace: Callable[[], object] = lambda: None) -> ReviewCounts:
    """The day's review counts (after the first paint, in a worker). ``pace`` is called before each
    step and each lesson file the library must read (where the app's start-up loads give way to its
    keys): the queue needs the library, and may be the first to load it. StudybuddyError when the
    database cannot be read."""
    from studybuddy.services.review_round import when

    reviews = context.reviews
    pace()
    context.lessons.library(pace=pace)  # loaded here, it is read a file at a time, giving way between
    pace()
    queue = reviews.queue()
    next_due = None
    if not (queue.due_today or queue.new_today):
        pace()
        moment = reviews.next_due()
        next_due = None if moment is None else when(moment, queue.day.now)
    return ReviewCounts(queue.due_today, queue.new_today, next_due)
