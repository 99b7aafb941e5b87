"""Progress: the year's heatmap, minutes per subject, streaks, and per lesson how far and how well."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.stats import Window, study_time
from studybuddy.services.progress import LessonStanding, StudyOverview, study_overview
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.heatmap import Heatmap
from studybuddy.ui.widgets.review_overview import ReviewOverviewView


class LessonTable(DataTable[Text | str | int]):
    """One row per lesson. The number columns keep their width and the title takes what is left,
    wrapping a long title over two or three lines: a title as wide as the screen pushed every other
    column out of sight (the table is rebuilt at each width; it holds a few dozen rows)."""

    NUMBER_COLUMNS = ("Steps", "Mastered", "Attempts", "Right")
    MIN_TITLE_WIDTH = 16

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.lessons: list[LessonStanding] = []
        self.title_width = 0

    def show(self, lessons: list[LessonStanding]) -> None:
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
                title,
                lesson.steps_text,
                lesson.mastered_text,
                lesson.attempts,
                lesson.accuracy_text,
                height=height,
            )
        if self.lessons:
            self.move_cursor(row=min(row, len(self.lessons) - 1), animate=False)


class ProgressScreen(SectionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "weekly_report", "Weekly report", id="progress.week"),
    ]

    class Loaded(Message):
        def __init__(self, data: StudyOverview) -> None:
            super().__init__()
            self.data = data

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="progress"):
            yield Label("Study minutes, past year", classes="card-title")
            yield Heatmap({}, study_app(self).clock.now().date(), id="heatmap")
            yield Static("Loading…", id="streaks")
            yield Label("Minutes per subject", classes="card-title")
            yield Static("", id="by-subject", markup=False)
            yield Label("Lessons", classes="card-title")
            yield LessonTable(id="lesson-progress")
            yield Label("Reviews", classes="card-title")
            yield ReviewOverviewView("Loading…", id="review-overview", markup=False)

    def on_mount(self) -> None:
        self.load()
        self.query_one(ReviewOverviewView).load()

    def on_screen_resume(self) -> None:
        self.load()
        self.query_one(ReviewOverviewView).load()

    def action_weekly_report(self) -> None:
        from studybuddy.ui.screens.weekly_report import WeeklyReportScreen

        self.app.push_screen(WeeklyReportScreen())

    @work(thread=True, exclusive=True, group="progress")
    def load(self) -> None:
        app = study_app(self)
        try:
            data = study_overview(app.context, Window.YEAR, app.clock.now().date())
        except StudybuddyError as error:
            app.call_from_thread(self.notify, f"Progress unavailable: {error}", severity="error")
            return
        self.post_message(self.Loaded(data))

    def on_heatmap_day_chosen(self, message: Heatmap.DayChosen) -> None:
        """A day clicked in the calendar: its diary entry, to read or to start."""
        from studybuddy.ui.screens.diary import open_diary_day

        open_diary_day(self.app, message.day)

    def on_progress_screen_loaded(self, message: Loaded) -> None:
        report = message.data.report
        self.query_one("#heatmap", Heatmap).update_data(report.minutes_by_day, report.end)
        streaks = report.streaks
        self.query_one("#streaks", Static).update(
            f"Streak: {streaks.current} day{'s' if streaks.current != 1 else ''} "
            f"(longest {streaks.longest})  ·  {study_time(report.total_minutes)} this year"
        )
        by_subject = report.minutes_by_subject
        widest = max(by_subject.values(), default=0)
        self.query_one("#by-subject", Static).update(
            "\n".join(
                f"{subject[:22]:<22} {minutes:>5} min {'█' * round(30 * minutes / widest) if widest else ''}"
                for subject, minutes in by_subject.items()
            )
            or "No study time recorded yet."
        )
        self.query_one("#lesson-progress", LessonTable).show(message.data.lessons)
