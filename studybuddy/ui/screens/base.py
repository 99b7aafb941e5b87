"""The frame every section screen shares: title, the always-visible timer bar, body, footer."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

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
        yield KeysFooter()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError


class KeysFooter(Footer):
    """Textual's footer, built once per change of the keys it shows.

    Textual's composes empty, then again on the screen's first bindings signal, then again on every
    signal (every focus change, every return to the screen: some 20 ms of a key press), and signals
    that come before a rebuild has run each queue another one (a new section's footer rebuilt three
    times, holding the next screen's repaint back). This one shows its keys from the first compose
    and rebuilds only when the keys it would show change.
    """

    _shown: tuple[Any, ...] | None = None

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._shown = _keys_shown(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # A key is created compact and bound to the footer's (not compact) style: its class
                # flips twice as it mounts, each flip restyling it. It starts as it will end. (The
                # palette key is not bound: it stays compact.)
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        keys = _keys_shown(screen)
        if keys == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = keys  # what the rebuild queued now shows: later signals with these keys add nothing
        super().bindings_changed(screen)


def _keys_shown(screen: Screen[Any]) -> tuple[Any, ...]:
    return tuple(
        (key, active.binding.action, active.binding.description, active.enabled, active.tooltip)
        for key, active in screen.active_bindings.items()
        if active.binding.show
    )
