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
class ProgressData:
    today: date
    minutes_by_day: dict[date, int]
    minutes_by_subject: list[tuple[str, int]]
    current_streak: int
    longest_streak: int
    lessons: list[Any]


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
        table.add_columns("Lesson", "Steps seen", "Last opened")
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="progress")
    def load(self) -> None:
        app: Any = self.app
        today = app.clock.now().date()
        try:
            from studybuddy.core.stats import Window

            stats = service(app, "stats").report(Window.YEAR, today)
            lessons = list(service(app, "progress").recent_lessons(limit=50))
        except StudybuddyError as error:
            app.call_from_thread(self.notify, f"Progress unavailable: {error}", severity="error")
            return
        self.post_message(
            self.Loaded(
                ProgressData(
                    today=today,
                    minutes_by_day=dict(stats.minutes_by_day),
                    minutes_by_subject=sorted(stats.minutes_by_subject.items(), key=lambda kv: -kv[1]),
                    current_streak=stats.current_streak,
                    longest_streak=stats.longest_streak,
                    lessons=lessons,
                )
            )
        )

    def on_progress_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        self.query_one("#heatmap", Heatmap).update_data(data.minutes_by_day, data.today)
        total = sum(data.minutes_by_day.values())
        self.query_one("#streaks", Static).update(
            f"Streak: {data.current_streak} days (longest {data.longest_streak})  ·  "
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
        for item in data.lessons:
            accuracy = f"{100 * item.right / item.tried:.0f}%" if item.tried else "-"
            table.add_row(
                item.title, f"{item.steps_seen}/{item.steps_total}", item.tried, item.right, accuracy
            )
