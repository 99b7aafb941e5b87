"""The studybuddy Textual app: sections as modes, app-wide keys with ids, the timer, background loads.

The app stays small on purpose: each section is a screen in ``screens/``, the countdown logic lives in
``timer_control``, palette commands in ``commands``. Nothing heavy (SymPy, NumPy, the lesson library)
is touched before the first paint: the loads start on Textual's ``Ready`` event (the first frame is
on the screen), and widgets defer their own extras with ``after_first_paint``.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.context import StudyContext
from studybuddy.services.lesson_figures import LessonFiguresCache
from studybuddy.ui.background_io import BackgroundIO
from studybuddy.ui.background_loads import BackgroundLoads
from studybuddy.ui.commands import DiaryDayCommands, LessonCommands
from studybuddy.ui.keymap import check_keymap
from studybuddy.ui.library import LibraryState
from studybuddy.ui.screens.dashboard import DashboardScreen
from studybuddy.ui.textual_internals import FastModesApp
from studybuddy.ui.timer_control import TimerControl
from studybuddy.ui.timer_view import IDLE, TimerView

SECTIONS = {
    "dashboard": "Dashboard",
    "lessons": "Lessons",
    "diary": "Diary",
    "progress": "Progress",
    "review": "Review",
}


class StudyBuddyApp(FastModesApp[None]):
    CSS_PATH = "app.tcss"
    TITLE = "studybuddy"
    # The dashboard is the app's first screen itself (not a blank default screen switched away from):
    # one screen composed and painted at start-up instead of two.
    DEFAULT_MODE = "dashboard"
    # Sections other than the dashboard are imported when first opened: off the start-up path.
    MODES: ClassVar[dict[str, Any]] = {
        "dashboard": DashboardScreen,
        "lessons": lambda: _screen("lessons", "LessonsScreen"),
        "diary": lambda: _screen("diary", "DiaryScreen"),
        "progress": lambda: _screen("progress", "ProgressScreen"),
        "review": lambda: _screen("review", "ReviewScreen"),
    }
    # Function keys and ctrl chords only, so no app key ever steals a letter from an answer box or the
    # diary editor. Every binding has an id: users remap them in the config file's [keys] table.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("f2", "switch_mode('dashboard')", "Home", id="mode.dashboard"),
        Binding("f3", "switch_mode('lessons')", "Lessons", id="mode.lessons"),
        Binding("f4", "switch_mode('diary')", "Diary", id="mode.diary"),
        Binding("f5", "switch_mode('progress')", "Progress", id="mode.progress"),
        Binding("f10", "switch_mode('review')", "Review", id="mode.review"),
        # Priority: the timer keys work on every screen, even where a widget has its own f6/f7
        # (the diary editor's TextArea selects a line / all on them).
        Binding("f6,ctrl+t", "timer_toggle", "Timer", id="timer.toggle", priority=True),
        Binding("f7", "timer_stop", "Stop", id="timer.stop", show=False, priority=True),
        Binding("f12", "scratchpad", "Scratchpad", id="app.scratchpad", show=False),
    ]
    COMMANDS = App.COMMANDS | {LessonCommands, DiaryDayCommands}

    timer_view: reactive[TimerView] = reactive(IDLE, always_update=True)
    library: reactive[LibraryState] = reactive(LibraryState.loading, always_update=True)

    def __init__(self, context: StudyContext, *, background: bool = True) -> None:
        """The services are the context's (a test sets its own there, a shared grader say, before the
        app starts), and so is the clock. ``background=False`` skips the loads after the first paint."""
        super().__init__()
        self.context = context
        self.clock: Clock = context.clock
        self.io = BackgroundIO(self)
        self.loads = BackgroundLoads()
        self.library_settled = asyncio.Event()  # set once the library is loaded (or will not be)
        self.timer = TimerControl(self, context)
        self.lesson_figures = LessonFiguresCache()
        self._background = background
        self._painted = False
        self._waiting_for_first_paint: list[Callable[[], object]] = []
        self._keymap_problems: list[str] = []
        self._kept_theme: str | None = None  # the theme the config file has, once the app runs
        if context.config.keys:
            app_keys = {b.id: b.key for b in self.BINDINGS if isinstance(b, Binding) and b.id}
            keymap, self._keymap_problems = check_keymap(context.config.keys, app_keys)
            self.set_keymap(keymap)
        if context.config.theme in self.available_themes:  # the first frame is painted in it
            self.theme = context.config.theme

    def on_mount(self) -> None:
        """Whatever the config file got wrong was left out (the app runs on the defaults): one warning
        names each entry. From now on, a theme chosen here is kept (``watch_theme``)."""
        problems = [*self.context.config.problems, *self._keymap_problems, *self._theme_problems()]
        if problems:
            # markup=False: the messages quote the file ("[keys] ...", a key named "[/]") word for word
            self.notify(
                "\n".join(problems),
                title="Config file: left out",
                severity="warning",
                timeout=30,
                markup=False,
            )
        self._kept_theme = self.theme

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)) and not event.is_forwarded:
            self.loads.input_arrived()  # the start-up loads pause at their next step
        await super().on_event(event)

    def after_first_paint(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the first frame is on the screen (at once, if it is).

        ``call_after_refresh`` is not enough at start-up: it runs when the first layout is done,
        before that frame is rendered and written (and a screen kept busy, by a blinking cursor
        say, can hold it back much longer)."""
        if self._painted:
            self.call_later(callback)
        else:
            self._waiting_for_first_paint.append(callback)

    def on_ready(self) -> None:
        """Textual's event for "the first frame has been displayed"."""
        self._painted = True
        # The lessons section is the usual next key. Its module is imported now, on this thread,
        # before any background load starts: imported on the key press, it competed with those
        # loads' imports for the import lock and cost a first F3 ~40 ms (~4 ms here).
        importlib.import_module("studybuddy.ui.screens.lessons")
        waiting, self._waiting_for_first_paint = self._waiting_for_first_paint, []
        for callback in waiting:
            self.call_later(callback)
        # Then the timer (a small database read), then the slow loads.
        self.call_later(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.timer.resume_on_start()
        self.set_interval(1.0, self.timer.tick, name="timer-tick")
        if self._background:
            self.load_library()
            self.start_grading()
        else:
            self.library_settled.set()  # nothing will load it: nobody should wait for it

    def watch_library(self, state: LibraryState) -> None:
        if state.ready:
            self.library_settled.set()

    def _theme_problems(self) -> list[str]:
        wanted = self.context.config.theme
        if wanted is not None and wanted not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            return [f"Unknown theme {wanted!r} in the config file; available: {names}"]
        return []

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the app (the palette's "Change theme") is kept for the next start: written
        to the config file's ``theme =`` line, the rest of the file untouched (``storage.config``)."""
        if not self.is_running or theme == self._kept_theme:
            return
        self._kept_theme = theme

        def kept(_: None) -> None:
            self.notify(f"Theme {theme!r} kept in {self.context.config_path}", timeout=4)

        def not_kept(error: StudybuddyError) -> None:
            self.notify(f"Theme {theme!r} is used now but not kept: {error}", severity="warning", timeout=15)

        self.io.run(lambda: self.context.keep_theme(theme), kept, failed=not_kept, group="theme")

    # ---- background loads -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library", name="load-library")
    def load_library(self) -> None:
        """Parse (or read from the cache) the whole lesson library; screens watch ``library``."""
        with self.loads.turn():
            state = LibraryState.load(self.context.lessons, pace=self.loads.give_way)
        self.call_from_thread(setattr, self, "library", state)
        with self.loads.turn():
            # Then a lesson's screen, with Textual's Markdown (50-100 ms to import): imported here, the
            # first lesson opened does not import them on the UI thread, where a key pressed as the
            # lesson opens waited for them.
            importlib.import_module("studybuddy.ui.screens.lesson")

    @work(thread=True, exclusive=True, group="grading", name="start-grading")
    def start_grading(self) -> None:
        """Spawn the grading worker process now, so the first answer is graded warm."""
        try:
            with self.loads.turn():
                _start_process_helper()
                self.loads.give_way()
                self.context.grading.start()
        except (StudybuddyError, OSError) as error:  # the app still works without grading: say so, once
            self.call_from_thread(self.notify, f"Grading is unavailable: {error}", severity="error")

    # ---- actions ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        from studybuddy.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_scratchpad(self) -> None:
        """A page to check any derivation line by line (ui/screens/scratchpad.py)."""
        from studybuddy.ui.screens.scratchpad import ScratchpadScreen

        if not isinstance(self.screen, ScratchpadScreen):
            self.push_screen(ScratchpadScreen())

    def action_timer_toggle(self) -> None:
        self.timer.toggle()

    def action_timer_stop(self) -> None:
        self.timer.stop()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, title in SECTIONS.items():
            yield SystemCommand(f"Go to {title}", f"Open the {title.lower()} section", self._go(mode))
        yield SystemCommand("Timer: start, pause or resume", "The one-hour study timer", self.timer.toggle)
        yield SystemCommand("Timer: stop", "End the session and record it", self.timer.stop)
        yield SystemCommand("Keys and help", "Every key and what it does", self.action_help)
        yield SystemCommand(
            "Scratchpad: is my algebra right?",
            "Write a derivation; each line is checked",
            self.action_scratchpad,
        )

    def _go(self, mode: str) -> Callable[[], None]:
        def go() -> None:
            self.switch_mode(mode)

        return go

    def on_unmount(self) -> None:
        """Every way out ends here: ctrl+q, the palette's Quit, SIGTERM and SIGHUP (see ``launch``), an
        unhandled exception. The running session is let go of, not ended."""
        self.timer.release()
        self.io.close()
        self.context.close()


def _start_process_helper() -> None:
    """Start multiprocessing's resource tracker with the real ``sys.stderr``.

    The tracker is started on the first spawn and hands it ``sys.stderr.fileno()``; while the app runs,
    Textual has replaced ``sys.stderr`` with a capture whose fileno() is -1, and that spawn (of the
    grading worker) would fail with "bad value(s) in fds_to_keep". Starting the tracker costs ~20 ms,
    so it runs after the first paint (in the grading start-up thread), with the real stream put back
    for the moment it takes.
    """
    import sys
    from multiprocessing import resource_tracker

    captured = sys.stderr
    real = sys.__stderr__
    if real is None or captured is real or _has_fileno(captured):
        resource_tracker.ensure_running()
        return
    sys.stderr = real
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def _has_fileno(stream: Any) -> bool:
    try:
        return int(stream.fileno()) >= 0
    except (AttributeError, OSError, ValueError):
        return False


def _screen(module: str, name: str) -> Screen[Any]:
    return getattr(importlib.import_module(f"studybuddy.ui.screens.{module}"), name)()
