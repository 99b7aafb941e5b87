"""The weekly report (Progress, then w): the last seven days in one page, the same report as
`studybuddy report --week` (services.report), and a key that adds it to today's diary entry as
`report --week --append-to-diary` does."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.study_app import study_app

if TYPE_CHECKING:
    from studybuddy.services.report import WeeklyReport
    from studybuddy.storage.diary_files import StoredEntry


class WeeklyReportScreen(SectionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "append", "Add to today's diary", id="report.append"),
        Binding("escape", "back", "Back", id="report.back"),
    ]

    class Loaded(Message):
        def __init__(self, report: WeeklyReport | None, problem: str | None) -> None:
            super().__init__()
            self.report = report
            self.problem = problem

    def __init__(self) -> None:
        super().__init__()
        self.report: WeeklyReport | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="weekly-report"):
            yield Static("Loading the week…", id="report-status", markup=False)
            # Links stay text: a report quotes lesson titles, which a lesson file (a stranger's) sets.
            yield Markdown("", id="report-text", open_links=False)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="weekly-report")
    def load(self) -> None:
        from studybuddy.services.report import weekly_report

        try:
            self.post_message(self.Loaded(weekly_report(study_app(self).context), None))
        except StudybuddyError as error:
            self.post_message(self.Loaded(None, str(error)))

    def on_weekly_report_screen_loaded(self, message: Loaded) -> None:
        self.report = message.report
        status = self.query_one("#report-status", Static)
        if message.report is None:
            status.update(f"The weekly report cannot be made now: {message.problem}")
            return
        status.display = False
        # The Markdown `report --week` prints and `a` adds to the diary, shown as the diary preview does.
        self.query_one("#report-text", Markdown).update(message.report.to_markdown())

    def action_append(self) -> None:
        report = self.report
        if report is None:
            self.notify("The report is still being made.", severity="warning")
            return
        from studybuddy.services.report import append_to_diary

        context = study_app(self).context

        def added(stored: StoredEntry) -> None:
            self.notify(f"Added to the diary entry {stored.path.name}", markup=False)

        study_app(self).io.run(lambda: append_to_diary(context, report), added, group="weekly-report-diary")

    def action_back(self) -> None:
        self.app.pop_screen()
