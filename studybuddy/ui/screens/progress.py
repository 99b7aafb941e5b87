"""Progress: the year's heatmap, minutes per subject, streaks, and per lesson how far and how well."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
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
    mastered: str  # "1/5": exercises whose latest answer without the solution was right, of all
    attempts: int
    accuracy: str  # "50%" (right without the solution, of all answers), or "-" before any attempt


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
    rows = [
        LessonRow(
            title=standing.title,
            steps=f"{standing.steps_seen}/{standing.steps_total}"
            if standing.steps_total is not None
            else str(standing.steps_seen),
            mastered=f"{standing.mastered}/{standing.exercises or '?'}",
            attempts=standing.attempts,
            accuracy="-" if (accuracy := standing.accuracy()) is None else f"{100 * accuracy:.0f}%",
        )
        for standing in service(app, "progress").lesson_standings(service(app, "lessons"))
    ]
    return ProgressData(
        today=today,
        minutes_by_day=dict(report.minutes_by_day),
        minutes_by_subject=list(report.minutes_by_subject.items()),
        current_streak=report.streaks.current,
        longest_streak=report.streaks.longest,
        lessons=rows,
    )


class LessonTable(DataTable[Text | str | int]):
    """One row per lesson. The number columns keep their width and the title takes what is left,
    wrapping a long title over two or three lines: a title as wide as the screen pushed every other
    column out of sight (the table is rebuilt at each width; it holds a few dozen rows)."""

    NUMBER_COLUMNS = ("Steps", "Mastered", "Attempts", "Right")
    MIN_TITLE_WIDTH = 16

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.lessons: list[LessonRow] = []
        self.title_width = 0

    def show(self, lessons: list[LessonRow]) -> None:
        self.lessons = lessons
        self.rebuild()

    def on_resize(self) -> None:
        if self.fitting_title_width() != self.title_width:
            self.rebuild()

    def watch_show_vertical_scrollbar(self) -> None:
        """More rows than fit: the scrollbar takes two columns from the title (no Resize is sent)."""
        self.on_resize()

    def fitting_title_width(self) -> int:
        numbers = sum(len(name) + 2 * self.cell_padding for name in self.NUMBER_COLUMNS)
        return max(
            self.MIN_TITLE_WIDTH, self.scrollable_content_region.width - numbers - 2 * self.cell_padding
        )

    def rebuild(self) -> None:
        row = self.cursor_row
        self.title_width = self.fitting_title_width()
        self.clear(columns=True)
        self.add_column("Lesson", width=self.title_width)
        self.add_columns(*self.NUMBER_COLUMNS)
        for lesson in self.lessons:
            height = None if len(lesson.title) > self.title_width else 1  # None: as many lines as it wraps to
            title = Text(lesson.title)  # a str cell is read as markup: a lesson's title is a stranger's text
            self.add_row(
                title, lesson.steps, lesson.mastered, lesson.attempts, lesson.accuracy, height=height
            )
        if self.lessons:
            self.move_cursor(row=min(row, len(self.lessons) - 1), animate=False)


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
            yield LessonTable(id="lesson-progress")

    def on_mount(self) -> None:
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
        self.query_one("#lesson-progress", LessonTable).show(data.lessons)
