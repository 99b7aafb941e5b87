"""The diary: days with their study minutes, today's entry in a Markdown editor with autosave, a preview,
$EDITOR on a key, search, and the day's sessions beside the text."""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, ListItem, ListView, Markdown, Static, TextArea

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.services import service

AUTOSAVE_SECONDS = 1.5


def open_diary_day(app: App[Any], day: date) -> None:
    app.switch_mode("diary")
    screen = app.screen
    if isinstance(screen, DiaryScreen):
        if screen.is_mounted:
            screen.open_day(day)
        else:  # the section's first showing: its on_mount opens this day instead of today
            screen.first_day = day


@dataclass(frozen=True)
class DayPage:
    day: date
    draft: Any  # DiaryService.Draft: the text and the version it was read at (to detect outside edits)
    sessions: list[str]


class DiaryScreen(SectionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        # ctrl+o, not ctrl+e: the editor and the search box take ctrl+e (end of line) for themselves.
        Binding("ctrl+o", "external_editor", "$EDITOR", id="diary.editor"),
        Binding("ctrl+r", "toggle_preview", "Preview", id="diary.preview"),
        # Priority, so no focused widget's own ctrl+f (some Textual versions delete a word with it in
        # an Input) can take it: from the editor or the box itself it always means "search".
        Binding("ctrl+f", "search", "Search", id="diary.search", priority=True),
        Binding("ctrl+s", "save_now", "Save", id="diary.save"),
    ]

    class DaysLoaded(Message):
        def __init__(self, days: list[tuple[date, int]]) -> None:
            super().__init__()
            self.days = days

    class PageLoaded(Message):
        def __init__(self, page: DayPage) -> None:
            super().__init__()
            self.page = page

    class Problem(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.page: DayPage | None = None
        self._dirty = False
        self._loading_text = False
        self._save_timer: Any = None
        self.first_day: date | None = None  # the day shown first (None: today)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="diary"):
            with Vertical(id="diary-days"):
                yield Input(placeholder="Search: words, #tag", id="diary-search")
                yield ListView(id="day-list")
            with Vertical(id="diary-main"):
                yield Label("", id="diary-day", classes="page-title")
                yield TextArea.code_editor(
                    "", language="markdown", id="diary-editor", soft_wrap=True, show_line_numbers=False
                )
                yield Markdown("", id="diary-preview")
                yield Static("", id="day-sessions", markup=False)

    @property
    def _app(self) -> Any:
        return self.app

    def on_mount(self) -> None:
        self._editor = self.query_one("#diary-editor", TextArea)
        self.query_one("#diary-preview").display = False
        self.query_one("#diary-editor", TextArea).read_only = True  # until the entry is loaded
        self.load_days()
        self.open_day(self.first_day or self._app.clock.now().date())

    # ---- loading ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="diary-days")
    def load_days(self, query: str = "") -> None:
        try:
            diary = service(self._app, "diary")
            if query.strip():
                days = [(hit.day, 0) for hit in diary.search(query)]
            else:
                days = [(item.day, item.minutes or 0) for item in reversed(diary.list())]
            self.post_message(self.DaysLoaded(days))
        except StudybuddyError as error:
            self.post_message(self.Problem(str(error)))

    def on_diary_screen_days_loaded(self, message: DaysLoaded) -> None:
        days = self.query_one("#day-list", ListView)
        days.clear()
        today = self._app.clock.now().date()
        shown = [(day, minutes) for day, minutes in message.days]
        if today not in {day for day, _ in shown} and not self.query_one("#diary-search", Input).value:
            shown.insert(0, (today, 0))
        for day, minutes in shown:
            label = f"{day:%Y-%m-%d %a}" + (f" {minutes:>3}m" if minutes else "")  # fits 80 columns
            days.append(ListItem(Label(label), name=day.isoformat()))

    def open_day(self, day: date) -> None:
        self.save_now()
        self.load_page(day)

    @work(thread=True, exclusive=True, group="diary-page")
    def load_page(self, day: date) -> None:
        app = self._app
        try:
            draft = service(app, "diary").open_draft(day)
        except StudybuddyError as error:  # an unreadable file: say so, keep the editor read-only
            self.post_message(self.Problem(f"{day}: {error}"))
            return
        try:
            sessions = [describe_session(session) for session in service(app, "timer").sessions_on(day)]
        except StudybuddyError as error:
            sessions = [f"(sessions unavailable: {error})"]
        self.post_message(self.PageLoaded(DayPage(day, draft, sessions)))

    def on_diary_screen_page_loaded(self, message: PageLoaded) -> None:
        page = message.page
        self.page = page
        self._dirty = False
        editor = self.query_one("#diary-editor", TextArea)
        self._loading_text = True
        editor.load_text(page.draft.text)
        editor.read_only = False
        self.query_one("#diary-day", Label).update(f"{page.day:%A %d %B %Y}")
        self.query_one("#day-sessions", Static).update(
            "Sessions: " + ("; ".join(page.sessions) if page.sessions else "none this day")
        )
        self._refresh_preview()

    def on_diary_screen_problem(self, message: Problem) -> None:
        self.notify(message.text, title="Diary", severity="error", timeout=8)

    # ---- editing and autosave ---------------------------------------------------------------------

    @on(TextArea.Changed, "#diary-editor")
    def _edited(self) -> None:
        if self._loading_text:  # load_text() itself fires Changed
            self._loading_text = False
            return
        self._dirty = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(AUTOSAVE_SECONDS, self.save_now)

    def save_now(self, *, closing: bool = False, then: Any = None) -> None:
        """Write the entry if it changed, on the app's writer thread (in order with every other write);
        when the app is ``closing``, here and now. The service refuses to overwrite an edit made
        elsewhere."""
        if not self._dirty or self.page is None:
            return
        page = self.page
        text = self._editor.text  # a kept reference: this also runs while the screen is unmounting
        app = self._app

        def write() -> Any:
            diary = service(app, "diary")
            diary.save_draft(page.draft, text)
            return diary.open_draft(page.day)

        def saved(draft: Any) -> None:
            if self.page is not None and self.page.day == page.day:
                self.page = DayPage(page.day, draft, page.sessions)
                self._dirty = self._editor.text != text  # typed on while it was saved: save again
            if then is not None:
                then()
            if self.is_attached:
                self.load_days()

        def failed(error: StudybuddyError) -> None:  # DiaryConflict: the newer text kept, ours aside
            self.notify(str(error), title="Not saved", severity="error", timeout=10)

        if closing:
            try:
                draft = app.io.run_now(write)
            except StudybuddyError as error:
                failed(error)
                return
            self.page, self._dirty = DayPage(page.day, draft, page.sessions), False
            return
        app.io.run(write, saved, failed=failed, group="diary-save")

    def action_save_now(self) -> None:
        self.save_now(then=lambda: self.notify("Saved.", timeout=2))

    def on_screen_suspend(self) -> None:
        self.save_now()

    def on_unmount(self) -> None:
        self.save_now(closing=True)

    # ---- preview, $EDITOR, search, day list -------------------------------------------------------

    def action_toggle_preview(self) -> None:
        preview = self.query_one("#diary-preview", Markdown)
        preview.display = not preview.display
        self.query_one("#diary-editor").display = not preview.display
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        preview = self.query_one("#diary-preview", Markdown)
        if preview.display:
            preview.update(self.query_one("#diary-editor", TextArea).text)

    def action_external_editor(self) -> None:
        if self.page is None:
            return
        self.save_now(closing=True)  # the file must hold the text before the editor opens it
        try:
            path = service(self._app, "diary").files.path_for(self.page.day)
        except StudybuddyError as error:
            self.notify(str(error), severity="error")
            return
        command = [*shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"), str(path)]
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except OSError as error:
            self.notify(f"Could not start {command[0]}: {error.strerror}", severity="error")
        self.load_page(self.page.day)
        self.load_days()

    def action_search(self) -> None:
        self.query_one("#diary-search", Input).focus()

    @on(Input.Submitted, "#diary-search")
    @on(Input.Changed, "#diary-search")
    def _search(self, event: Input.Changed | Input.Submitted) -> None:
        self.load_days(event.value)

    @on(ListView.Selected, "#day-list")
    def _day_chosen(self, event: ListView.Selected) -> None:
        if event.item.name:
            self.open_day(date.fromisoformat(event.item.name))


def describe_session(session: Any) -> str:
    """``09:30 linear algebra 60 min, 4 exercises (3 right)``, the start in local time."""
    minutes = int(session.studied_seconds) // 60
    text = f"{session.started_at.astimezone():%H:%M} {session.subject or 'study'} {minutes} min"
    if session.exercises_tried:
        text += f", {session.exercises_tried} exercises ({session.exercises_right} right)"
    return text
