"""The frame every section screen shares: title, the always-visible timer bar, body, footer."""

from __future__ import annotations

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

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TimerBar()
        yield from self.compose_body()
        yield KeysBar()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError
