"""The countdown strip under the header of every screen, clickable as well as keyboard-driven."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from studybuddy.ui.timer_view import IDLE, TimerView

_BAR_CELLS = 20
_STATE_LABEL = {"idle": "No session", "running": "Studying", "paused": "Paused", "finished": "Time's up"}


def render_timer(view: TimerView) -> Content:
    if view.state == "idle":
        return Content.from_markup("[dim]No session running. Start the hour with [b]F6[/b].[/]")
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


class TimerBar(Horizontal):
    """Follows the app's ``timer_view`` reactive, so every screen shows the same countdown.

    The buttons (for the mouse) are mounted after the screen's first paint: Button's styles are
    among the costliest to parse, and the countdown text is what must show at once.
    """

    def compose(self) -> ComposeResult:
        yield Static(render_timer(IDLE), id="timer-text")

    def on_mount(self) -> None:
        self.watch(self.app, "timer_view", self._show, init=True)
        self.app.after_first_paint(self._mount_buttons)  # type: ignore[attr-defined]

    async def _mount_buttons(self) -> None:
        if not self.is_attached:
            return
        # For the mouse only: F6/F7 work everywhere, and a focusable bar would take the first focus
        # (and the first Tab) away from each screen's own content.
        buttons = []
        for label, button_id, action in (
            ("Start", "timer-toggle", "timer_toggle"),
            ("Stop", "timer-stop", "timer_stop"),
        ):
            button = Button(label, id=button_id, compact=True, action=f"app.{action}")
            button.can_focus = False
            buttons.append(button)
        await self.mount_all(buttons)
        self._show(self.app.timer_view)  # type: ignore[attr-defined]

    def _show(self, view: TimerView) -> None:
        self.query_one("#timer-text", Static).update(render_timer(view))
        self.set_class(view.state != "idle", "-active")
        self.set_class(view.state == "paused", "-paused")
        for toggle in self.query("#timer-toggle").results(Button):
            toggle.label = {"running": "Pause", "paused": "Resume"}.get(view.state, "Start")
        for stop in self.query("#timer-stop").results(Button):
            stop.display = view.state in ("running", "paused")
