"""The countdown strip under the title of every screen, clickable as well as keyboard-driven."""

from __future__ import annotations

from functools import lru_cache

from textual.content import Content
from textual.widget import Widget

from studybuddy.ui.key_hints import key_hint
from studybuddy.ui.timer_view import IDLE, TimerView
from studybuddy.ui.widgets.spread import link, spread

_BAR_CELLS = 20
_STATE_LABEL = {"idle": "No session", "running": "Studying", "paused": "Paused", "finished": "Time's up"}
_TOGGLE_LABEL = {"running": "Pause", "paused": "Resume"}


@lru_cache(maxsize=8)  # rendered on every repaint of every screen; the view changes once a second
def render_timer(view: TimerView, toggle_key: str = "F6") -> Content:
    """``toggle_key``: the key bound to timer.toggle, as a hint names it."""
    if view.state == "idle":
        return Content.from_markup(
            "[dim]No session running. Start the hour with [b]$key[/b].[/]", key=toggle_key
        )
    done = round(view.fraction_done * _BAR_CELLS)
    bar = "━" * done + "╌" * (_BAR_CELLS - done)
    subject = f"  {view.subject}" if view.subject else ""
    return Content.from_markup(
        "[b]$state[/b]$subject  [b]$clock[/b] left  [$accent]$bar[/]",
        state=_STATE_LABEL[view.state],
        subject=subject,
        clock=view.clock_text,
        bar=bar,
    )


def timer_actions(view: TimerView) -> Content:
    """The clickable words at the right end: for the mouse, as the timer keys work on every screen."""
    toggle = link(f" {_TOGGLE_LABEL.get(view.state, 'Start')} ", "app.timer_toggle")
    if view.state in ("running", "paused"):
        return Content.assemble(toggle, " ", link(" Stop ", "app.timer_stop"))
    return toggle


class TimerBar(Widget):
    """Follows the app's ``timer_view`` reactive, so every screen shows the same countdown.

    One widget draws the countdown and its clickable Start/Pause/Stop (not a row of Buttons): it is
    on every screen's first paint, where each widget and each widget type's styles cost time.
    """

    def __init__(self) -> None:
        super().__init__()
        self.view = IDLE
        self.toggle_key = "F6"

    def on_mount(self) -> None:
        self.toggle_key = key_hint(self.screen, "timer.toggle")  # the keymap is set before any screen
        self.watch(self.app, "timer_view", self._show, init=True)

    def _show(self, view: TimerView) -> None:
        self.view = view
        self.set_class(view.state != "idle", "-active")
        self.set_class(view.state == "paused", "-paused")
        self.refresh()

    def render(self) -> Content:
        return spread(
            render_timer(self.view, self.toggle_key), timer_actions(self.view), self.content_size.width
        )
