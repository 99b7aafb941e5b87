"""The frame every section screen shares: header, the always-visible timer bar, body, footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from studybuddy.ui.widgets.timer_bar import TimerBar


class SectionScreen(Screen[None]):
    """A main section (dashboard, lessons, diary, progress) or a page pushed on top of one.

    Subclasses implement ``compose_body``; the frame around it is the same everywhere, so the
    countdown is visible on every screen.
    """

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="∂")
        yield TimerBar()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError
