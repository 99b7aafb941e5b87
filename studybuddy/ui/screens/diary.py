"""The diary: days with their study minutes, today's entry in a Markdown editor with autosave, a preview,
$EDITOR on a key, search, and the day's sessions beside the text.

Saving goes through the diary service's ``EditSession``: each save names the version the editor last
loaded or saved, and when another program changed the file meanwhile (a shell's ``diary add``, vim),
the service merges the newer text with the learner's and the editor takes the result in, keeping
the cursor with the learner's words; the news is said once. Saves run one at a time on the app's
writer thread; the disk is also looked at when the diary is shown again and every few seconds
while nothing is unsaved, so an outside change appears without a keystroke.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, ListItem, ListView, Markdown, Static, TextArea
from textual.widgets.text_area import Document, Selection
from textual.worker import get_current_worker

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.math_text import math_as_unicode
from studybuddy.core.terminal_text import printable
from studybuddy.services.diary_template import describe_session
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.diary_derive_marks import DiaryDerivationMarks

if TYPE_CHECKING:
    from studybuddy.services.diary import DiaryService, EditSession, Saved
    from studybuddy.ui.app import StudyBuddyApp

AUTOSAVE_SECONDS = 1.5


def open_diary_day(app: App[Any], day: date) -> None:
    """Show ``day`` in the diary with the cursor in the editor, ready to type: the palette's diary
    days, the dashboard's "Write today's entry" and the time's-up "Write the diary" come here."""
    app.switch_mode("diary")
    screen = app.screen
    if isinstance(screen, DiaryScreen):
        screen.write_on(day)


def write_todays_entry(app: StudyBuddyApp) -> None:
    open_diary_day(app, app.clock.now().date())


@dataclass(frozen=True)
class DayRow:
    """A day in the list: its study minutes and conflict copies, and for a search the lines found."""

    day: date
    minutes: int = 0
    copies: int = 0
    lines: tuple[str, ...] = ()
    has_entry: bool = True  # False: a day asked for by its date, to start its entry


@dataclass(frozen=True)
class DayPage:
    day: date
    session: EditSession  # the entry and the version the editor's saves go from
    sessions: list[str]
    copies: tuple[Path, ...] = ()  # conflict copies beside the entry


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
    # Opening the diary means writing in it: the cursor starts in the editor, not the search box.
    AUTO_FOCUS = "#diary-editor"
    # How often the entry on disk is looked at while nothing is unsaved (None: only when shown again).
    WATCH_SECONDS: ClassVar[float | None] = 2.0

    class DaysLoaded(Message):
        def __init__(self, days: list[DayRow], request: int) -> None:
            super().__init__()
            self.days = days
            self.request = request

    class PageLoaded(Message):
        def __init__(self, page: DayPage | None, request: int) -> None:
            super().__init__()
            self.page = page  # None: the entry could not be read
            self.request = request

    class Problem(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.page: DayPage | None = None
        self._derive_marks = DiaryDerivationMarks(self, self._refresh_preview)  # ```derive blocks' marks
        self._dirty = False  # the editor holds words that are not saved
        self._saving: object | None = None  # the save (or look at the disk) on its way, if any
        self._save_asked: tuple[Any, ...] | None = None  # a save asked for meanwhile: (then,)
        self._day_asked: date | None = None  # the day shown, or being loaded
        self._save_timer: Any = None
        self._page_request = self._days_request = 0
        self._left_section = False  # switched to another section: the editor gets the cursor back
        self.first_day: date | None = None  # the day shown first (None: today)
        self._day_title = ""  # the day's title, shown with the saved mark beside it
        self._save_failed = False  # the last save failed: said in the mark until one succeeds

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="diary"):
            with Vertical(id="diary-days"):
                yield Input(placeholder="Search: words, #tag", id="diary-search")
                yield ListView(id="day-list")
            with Vertical(id="diary-main"):
                with Horizontal(id="diary-heading"):
                    yield Label("", id="diary-day", classes="page-title")
                    yield Label("", id="diary-saved")  # the saved mark
                yield TextArea.code_editor(
                    "", language="markdown", id="diary-editor", soft_wrap=True, show_line_numbers=False
                )
                yield Markdown("", id="diary-preview")
                yield Static("", id="day-sessions", markup=False)

    def on_mount(self) -> None:
        self._editor = self.query_one("#diary-editor", TextArea)
        self.query_one("#diary-preview").display = False
        self.load_days()
        self.open_day(self.first_day or study_app(self).clock.now().date())
        if self.WATCH_SECONDS:
            self.set_interval(self.WATCH_SECONDS, self.check_disk, name="diary-watch")

    # ---- loading ----------------------------------------------------------------------------------

    def load_days(self, query: str = "") -> None:
        self._days_request += 1
        self._load_days(query, self._days_request)

    @work(thread=True, exclusive=True, group="diary-days")
    def _load_days(self, query: str, request: int) -> None:
        try:
            diary = study_app(self).context.diary
            days: list[DayRow]
            if query.strip():
                days = _found_days(diary, query)
            else:
                days = [DayRow(s.day, s.minutes or 0, len(s.conflict_copies)) for s in reversed(diary.list())]
        except StudybuddyError as error:
            self.post_message(self.Problem(str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.DaysLoaded(days, request))

    def on_diary_screen_days_loaded(self, message: DaysLoaded) -> None:
        if message.request != self._days_request:  # an older search, answered late
            return
        days = self.query_one("#day-list", ListView)
        days.clear()
        today = study_app(self).clock.now().date()
        shown = list(message.days)
        if today not in {row.day for row in shown} and not self.query_one("#diary-search", Input).value:
            shown.insert(0, DayRow(today))
        for row in shown:
            days.append(ListItem(Label(_day_label(row), markup=False), name=row.day.isoformat()))

    def write_on(self, day: date) -> None:
        """Show ``day`` (if it is not shown) with the cursor in the editor."""
        if not self.is_mounted:  # the section's first showing: on_mount opens this day
            self.first_day = day
            return
        if self._day_asked != day:
            self.open_day(day)
        self._editor.focus()

    def open_day(self, day: date) -> None:
        """Show ``day``'s entry; words typed before it arrives are kept, after its text."""
        self._save_unsaved_now()
        self.page, self._day_asked = None, day
        self._dirty = self._save_failed = False
        with self._editor.prevent(TextArea.Changed):
            self._editor.load_text("")
        self._editor.read_only = False
        self._page_request += 1
        self._load_page(day, self._page_request)

    @work(thread=True, exclusive=True, group="diary-page")
    def _load_page(self, day: date, request: int) -> None:
        context = study_app(self).context
        try:
            diary = context.diary
            editing = diary.edit(day)
            copies = tuple(diary.conflict_copies(day))
        except StudybuddyError as error:  # an unreadable file: say so, keep the editor read-only
            self.post_message(self.Problem(f"{day}: {error}"))
            self.post_message(self.PageLoaded(None, request))
            return
        try:
            sessions = [describe_session(session) for session in context.timer.sessions_on(day)]
        except StudybuddyError as error:
            sessions = [f"(sessions unavailable: {error})"]
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(DayPage(day, editing, sessions, copies), request))

    def on_diary_screen_page_loaded(self, message: PageLoaded) -> None:
        if message.request != self._page_request:  # another day was asked for since
            return
        page = message.page
        editor = self._editor
        if page is None:  # could not be read: nothing typed here could be saved
            editor.read_only = True
            if self._day_asked is not None:
                self._day_title = f"{self._day_asked:%A %d %B %Y} (cannot be read)"
                self._show_saved_mark()
            return
        from studybuddy.services.diary import text_after_early_typing

        self.page = page
        typed = editor.text
        too_long = page.session.too_long  # shown read-only, its beginning only: the service says why
        with editor.prevent(TextArea.Changed):
            editor.load_text(
                page.session.shown_text
                if too_long
                else text_after_early_typing(page.session.draft.text, typed)
            )
        editor.read_only = too_long is not None
        if too_long is not None:
            self.notify(too_long, title="Diary", severity="warning", timeout=15)
        else:
            editor.move_cursor(editor.document.end)  # writing goes on at the end of the entry
        self._dirty = bool(typed) and too_long is None
        if self._dirty:
            self._schedule_save()
        title = f"{page.day:%A %d %B %Y}"
        if page.copies:
            names = ", ".join(path.name for path in page.copies)
            count = f"{len(page.copies)} conflict {'copy' if len(page.copies) == 1 else 'copies'}"
            title += f" · {count} beside it: {names}"
        self._day_title = title
        self._show_saved_mark()
        self.query_one("#day-sessions", Static).update(
            "Sessions: " + ("; ".join(page.sessions) if page.sessions else "none this day")
        )
        self._refresh_preview()

    def on_diary_screen_problem(self, message: Problem) -> None:
        self.notify(message.text, title="Diary", severity="error", timeout=8)

    # ---- editing and autosave ---------------------------------------------------------------------

    @on(TextArea.Changed, "#diary-editor")
    def _edited(self) -> None:
        self._dirty = True
        self._show_saved_mark()
        self._schedule_save()

    def saved_mark(self) -> str:
        """What the title says of the editor's text: saved, not yet, being saved, or why not."""
        page = self.page
        if page is None:
            return ""
        if page.session.too_long is not None:
            return "· read-only"
        if self._save_failed:
            return "✗ not saved (see the message)"
        if self._saving is not None:
            return "… saving"
        if self._dirty:
            return "● not saved yet"
        return "✓ saved" if page.session.draft.on_disk else "· new: saved once you write"

    def _show_saved_mark(self) -> None:
        self.query_one("#diary-day", Label).update(self._day_title)
        self.query_one("#diary-saved", Label).update(self.saved_mark())

    def _schedule_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(AUTOSAVE_SECONDS, self.save_now)

    def save_now(self, *, then: Any = None) -> None:
        """Save the entry if it changed, on the app's writer thread (in order with every other write);
        one save at a time: a save asked for meanwhile follows when the first one's result is in."""
        if self.page is None or not self._dirty:
            if then is not None:
                then()
            return
        self._sync(then)

    def check_disk(self) -> None:
        """Take in a change another program made to the entry, when the editor holds nothing unsaved."""
        page = self.page
        # A read-only beginning of an entry too long for the editor has nothing to take in.
        idle = page is not None and not self._dirty and self._saving is None and self.app.screen is self
        if idle and page is not None and page.session.too_long is None:
            self._sync(None)

    def _sync(self, then: Any) -> None:
        page = self.page
        if page is None:
            return
        if self._saving is not None:  # one at a time: this one follows when that result is in
            self._save_asked = (then,)
            return
        token = self._saving = object()
        text = self._editor.text  # what the editor holds now: keys typed from here on are merged in
        if self._dirty:
            self._show_saved_mark()

        def saved(result: Saved) -> None:
            if self._saving is token:
                self._saving = None
            self._save_failed = False
            self._apply(page, result)
            self._show_saved_mark()
            if then is not None:
                then()
            asked, self._save_asked = self._save_asked, None
            if self.page is page and self._dirty:  # typed on meanwhile, or a save was asked for
                if asked is not None:
                    self._sync(asked[0])
                else:
                    self._schedule_save()

        def failed(error: StudybuddyError) -> None:  # e.g. a read-only folder: the words stay here
            if self._saving is token:
                self._saving = None
            self._save_failed = True
            self._show_saved_mark()
            self.notify(str(error), title="Not saved", severity="error", timeout=10)

        study_app(self).io.run(lambda: page.session.save(text), saved, failed=failed, group="diary-save")

    def _apply(self, page: DayPage, result: Saved) -> None:
        """Show a save's result: the newer text on disk taken in, and the news said once."""
        if result.news:
            self.notify(
                result.news,
                title="Diary",
                severity="warning" if result.conflicts else "information",
                timeout=12 if result.conflicts else 6,
            )
        if self.page is not page or page.session.last is not result:  # moved on, or a newer result
            return
        editor = self._editor
        if result.shown != result.sent:
            replace_keeping_cursor(editor, result.editor_text(editor.text))
            self._refresh_preview()
        page.session.taken(result)
        self._dirty = not result.draft.holds(editor.text)
        if result.written or result.news:
            self.load_days()

    def _save_unsaved_now(self, *, closing: bool = False) -> None:
        """Save unsaved words here and now (another day is opened, $EDITOR takes the entry, the app
        closes), after any save already on its way; its result is taken in first."""
        page = self.page
        if page is None or not self._dirty:
            return
        text = self._editor.text
        try:
            result = study_app(self).io.run_now(lambda: page.session.save(text))
        except StudybuddyError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
            return
        self._saving = None  # a save on its way is done: its result is outdated by this one
        self._save_failed = False
        if not closing:
            self._apply(page, result)
        self._dirty = False
        if not closing:
            self._show_saved_mark()

    def action_save_now(self) -> None:
        self.save_now(then=lambda: self.notify("Saved.", timeout=2))

    def on_screen_suspend(self) -> None:
        # Left for another section (not covered by a dialog): the editor gets the cursor on return.
        self._left_section = self not in self.app.screen_stack
        self.save_now()

    def on_screen_resume(self) -> None:
        if self._left_section:
            self._left_section = False
            self._editor.focus()
        self.check_disk()

    def on_unmount(self) -> None:
        self._save_unsaved_now(closing=True)

    # ---- preview, $EDITOR, search, day list -------------------------------------------------------

    def action_toggle_preview(self) -> None:
        preview = self.query_one("#diary-preview", Markdown)
        preview.display = not preview.display
        self._editor.display = not preview.display
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        preview = self.query_one("#diary-preview", Markdown)
        if preview.display:
            # $...$ as Unicode and ```derive blocks with their marks; the entry is unchanged
            preview.update(math_as_unicode(self._derive_marks.annotate(self._editor.text)))

    def action_external_editor(self) -> None:
        """The entry in $VISUAL or $EDITOR: the same service call as ``studybuddy diary edit`` (a copy
        of the entry, then the version check, then the save or a merge)."""
        page = self.page
        if page is None:
            return
        self._save_unsaved_now()  # the file must hold the editor's words before $EDITOR gets its copy
        app = study_app(self)
        try:
            # Here, on the UI thread: the terminal is handed over (App.suspend) and the app waits.
            result = app.context.diary.edit_externally(page.day, hand_over_terminal=app.suspend)
        except SuspendNotSupported:
            self.notify("This terminal cannot be handed to $EDITOR.", severity="error")
            return
        except StudybuddyError as error:
            self.notify(str(error), title="$EDITOR", severity="error", timeout=10)
            return
        if result.news:
            self.notify(result.news, title="Diary", severity="warning" if result.conflicts else "information")
        self._day_asked = None
        self.open_day(page.day)
        self.load_days()

    def action_search(self) -> None:
        self.query_one("#diary-search", Input).focus()

    @on(Input.Changed, "#diary-search")
    def _search_typed(self, event: Input.Changed) -> None:
        self.load_days(event.value)

    @on(Input.Submitted, "#diary-search")
    def _search_entered(self, event: Input.Submitted) -> None:
        """Enter in the search box: a date typed opens that day (an entry or not, to start one);
        else the newest day found opens."""
        try:
            day = (
                study_app(self).context.diary.parse_day(event.value.strip()) if event.value.strip() else None
            )
        except StudybuddyError:  # words, not a date
            day = None
        if day is None:
            self.load_days(event.value)
            first = next(iter(self.query_one("#day-list", ListView).children), None)
            day = date.fromisoformat(first.name) if first is not None and first.name else None
        if day is not None:
            self.write_on(day)

    @on(ListView.Selected, "#day-list")
    def _day_chosen(self, event: ListView.Selected) -> None:
        if event.item.name:
            self.open_day(date.fromisoformat(event.item.name))


def replace_keeping_cursor(editor: TextArea, text: str) -> None:
    """Make the editor hold ``text`` by replacing only the lines that differ, so the cursor (and the
    selection) stay on the words they were on, and undo works line by line."""
    old = editor.document.lines
    new = Document(text).lines
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def moved(location: tuple[int, int]) -> tuple[int, int] | None:
        """Where a location on an unchanged line is now (None: its line was changed)."""
        row, column = location
        for tag, first, last, new_first, _ in opcodes:
            if tag == "equal" and first <= row < last:
                return row - first + new_first, column
        return None

    selection = editor.selection
    start, end = moved(selection.start), moved(selection.end)
    with editor.prevent(TextArea.Changed):
        for tag, first, last, new_first, new_last in reversed(opcodes):
            if tag == "equal":
                continue
            lines = new[new_first:new_last]
            if last < len(old):  # whole lines before line ``last``
                editor.replace("".join(line + "\n" for line in lines), (first, 0), (last, 0))
            elif first > 0:  # through the end: from the end of the line above
                start_of_edit = (first - 1, len(old[first - 1]))
                editor.replace("".join("\n" + line for line in lines), start_of_edit, editor.document.end)
            else:  # the whole text
                editor.replace("\n".join(lines), (0, 0), editor.document.end)
        if editor.text != text:  # an edge the line arithmetic missed: load it whole
            editor.load_text(text)
    if start is not None and end is not None:
        editor.selection = Selection(start, end)


def _found_days(diary: DiaryService, query: str) -> list[DayRow]:
    """The days a search finds, newest first, with the lines found; a date typed on its own is
    offered first even without an entry, to start one."""
    rows: dict[date, DayRow] = {}
    for hit in diary.search(query):  # a day's entry comes before its conflict copies
        if hit.day not in rows:
            rows[hit.day] = DayRow(hit.day, lines=hit.lines)
    found = list(rows.values())
    try:
        asked = diary.parse_day(query.strip())
    except StudybuddyError:  # words, not a date
        return found
    if asked not in rows and not diary.files.path_for(asked).exists():
        found.insert(0, DayRow(asked, has_entry=False))
    return found


def _day_label(row: DayRow) -> str:
    """``2025-07-06 Sun  45m +1`` (fits 80 columns), then the lines a search found, indented."""
    label = f"{row.day:%Y-%m-%d %a}" + (f" {row.minutes:>3}m" if row.minutes else "")
    label += f" +{row.copies}" if row.copies else ""  # conflict copies beside the entry (see the title)
    label += "" if row.has_entry else " · new"
    return "\n".join([label, *(f"  {printable(line)}" for line in row.lines)])
