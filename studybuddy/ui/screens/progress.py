"""Progress: the year's heatmap, minutes per subject, streaks, and per lesson how far and how well."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.services import service
from studybuddy.ui.widgets.heatmap import Heatmap


@dataclass(frozen=True)
class LessonRow:
    """One lesson's line: how far into the derivation, how many exercises mastered, how accurate."""

    title: str
    steps: str  # "3/5"
    mastered: str  # "1/5": exercises whose latest answer was right, of the lesson's exercises
    attempts: int
    accuracy: str  # "50%", or "-" before any attempt


@dataclass(frozen=True)
class ProgressData:
    today: date
    minutes_by_day: dict[date, int]
    minutes_by_subject: list[tuple[str, int]]
    current_streak: int
    longest_streak: int
    lessons: list[LessonRow]


def gather_progress(app: Any, today: date) -> ProgressData:
    """Worker thread: the year's study time, then one row per lesson opened or answered."""
    from studybuddy.core.stats import Window

    report = service(app, "stats").report(Window.YEAR, today)
    opened = {item.lesson_id: item for item in service(app, "progress").recent_lessons(limit=500)}
    mastery = service(app, "stats").mastery()
    rows = []
    for lesson_id in [*opened, *(key for key in mastery if key not in opened)]:
        try:
            lesson = service(app, "lessons").get(lesson_id)
            title, steps_total, exercises = lesson.title, len(lesson.derivation), len(lesson.exercises)
        except StudybuddyError:  # deleted or broken since: keep its history, without totals
            title, steps_total, exercises = lesson_id, None, None
        seen = opened[lesson_id].steps_revealed if lesson_id in opened else 0
        done = mastery.get(lesson_id)
        rows.append(
            LessonRow(
                title=title,
                steps=f"{seen}/{steps_total}" if steps_total is not None else str(seen),
                mastered=f"{done.exercises_mastered if done else 0}/{exercises or '?'}",
                attempts=done.attempts if done else 0,
                accuracy=f"{100 * done.right_attempts / done.attempts:.0f}%"
                if done and done.attempts
                else "-",
            )
        )
    return ProgressData(
        today=today,
        minutes_by_day=dict(report.minutes_by_day),
        minutes_by_subject=list(report.minutes_by_subject.items()),
        current_streak=report.streaks.current,
        longest_streak=report.streaks.longest,
        lessons=rows,
    )


class ProgressScreen(SectionScreen):
    class Loaded(Message):
        def __init__(self, data: ProgressData) -> None:
            super().__init__()
            self.data = data

    def compose_body(self) -> ComposeResult:
        app: Any = self.app
        with VerticalScroll(id="progress"):
            yield Label("Study minutes, past year", classes="card-title")
            yield Heatmap({}, app.clock.now().date(), id="heatmap")
            yield Static("Loading…", id="streaks")
            yield Label("Minutes per subject", classes="card-title")
            yield Static("", id="by-subject", markup=False)
            yield Label("Lessons", classes="card-title")
            yield DataTable(id="lesson-progress", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#lesson-progress", DataTable)
        table.add_columns("Lesson", "Steps", "Mastered", "Attempts", "Right")
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="progress")
    def load(self) -> None:
        app: Any = self.app
        try:
            data = gather_progress(app, app.clock.now().date())
        except StudybuddyError as error:
            app.call_from_thread(self.notify, f"Progress unavailable: {error}", severity="error")
            return
        self.post_message(self.Loaded(data))

    def on_progress_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        self.query_one("#heatmap", Heatmap).update_data(data.minutes_by_day, data.today)
        total = sum(data.minutes_by_day.values())
        self.query_one("#streaks", Static).update(
            f"Streak: {data.current_streak} day{'s' if data.current_streak != 1 else ''} "
            f"(longest {data.longest_streak})  ·  "
            f"{total // 60} h {total % 60} min this year"
        )
        widest = max((minutes for _, minutes in data.minutes_by_subject), default=0)
        self.query_one("#by-subject", Static).update(
            "\n".join(
                f"{subject[:22]:<22} {minutes:>5} min {'█' * round(30 * minutes / widest) if widest else ''}"
                for subject, minutes in data.minutes_by_subject
            )
            or "No study time recorded yet."
        )
        table = self.query_one("#lesson-progress", DataTable)
        table.clear()
        for row in data.lessons:
            table.add_row(row.title, row.steps, row.mastered, row.attempts, row.accuracy)
