"""The frame every section screen shares: title, the always-visible timer bar, body, footer."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen

from studybuddy.ui.widgets.keys_bar import KeysBar
from studybuddy.ui.widgets.timer_bar import TimerBar
from studybuddy.ui.widgets.title_bar import TitleBar


class SectionScreen(Screen[None]):
    """A main section (dashboard, lessons, diary, progress) or a page pushed on top of one.

    Subclasses implement ``compose_body``; the frame around it is the same everywhere, so the
    countdown is visible on every screen.
    """

    _shown_before = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TimerBar()
        yield from self.compose_body()
        yield KeysBar()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    @on(events.ScreenResume)
    def _styled_when_mounted(self, event: events.ScreenResume) -> None:
        """Runs before Textual's own ScreenResume handler (a class's handlers run before its bases'),
        which restyles every widget of a screen each time it is shown. The first time, each widget was
        styled as it mounted a moment ago: a section's first key press skips that second pass."""
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False
