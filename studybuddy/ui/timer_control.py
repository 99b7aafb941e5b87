"""The study timer as the app drives it: start/pause/stop from any screen, tick, heartbeat, finish.

The TimerService decides (what a session is, what is stored, when it is over); this class turns key
presses into service calls and service state into the ``timer_view`` the bars show. Ticks compute the
countdown from the clock alone; the database is written only on actions and every heartbeat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.services import AppServices, ServiceMissing
from studybuddy.ui.timer_view import IDLE, TimerView

if TYPE_CHECKING:
    from studybuddy.ui.app import StudyBuddyApp

HEARTBEAT_SECONDS = 5


class TimerControl:
    def __init__(self, app: StudyBuddyApp, services: AppServices, clock: Clock) -> None:
        self.app = app
        self.services = services
        self.clock = clock
        self._status: Any = None
        self._since_heartbeat = 0
        self._finishing = False

    @property
    def service(self) -> Any:
        try:
            return self.services.get("timer")
        except ServiceMissing:
            return None

    # ---- start of the app -------------------------------------------------------------------------

    def resume_on_start(self) -> None:
        """Show a session still running from before, or offer to recover one a crash interrupted."""
        from studybuddy.ui.screens.dialogs import RecoverSessionDialog

        if self.service is None or self._guard(self._refresh) is _FAILED:
            return
        interrupted = self._guard(self.service.interrupted)
        for session in [] if interrupted is _FAILED else interrupted:
            self.app.push_screen(RecoverSessionDialog(session), self._recovered(session))

    def _recovered(self, session: Any) -> Callable[[str | None], None]:
        def apply(choice: str | None) -> None:
            if choice is None:
                return
            self._guard(lambda: self.service.recover(session.id, choice))
            self.app.notify("Session kept." if choice != "discard" else "Session discarded.")
            self._refresh()

        return apply

    # ---- actions ----------------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.service is None:
            self.app.notify("The study timer is not available in this build.", severity="warning")
            return
        state = self.app.timer_view.state
        if state == "running":
            self._act(self.service.pause)
        elif state == "paused":
            self._act(self.service.resume)
        else:
            self.ask_to_start()

    def ask_to_start(self, subject: str | None = None, lesson_id: str | None = None) -> None:
        from studybuddy.ui.screens.dialogs import StartTimerDialog

        suggested = subject or self._guard(self.service.suggest_subject)
        suggestion = "" if suggested is _FAILED else suggested or ""
        dialog = StartTimerDialog(suggestion, self.services.context.config.timer_minutes)

        def start(choice: tuple[str, int] | None) -> None:
            if choice is not None:
                subject, minutes = choice
                self._act(lambda: self.service.start(subject=subject, minutes=minutes, lesson_id=lesson_id))

        self.app.push_screen(dialog, start)

    def stop(self) -> None:
        if self.app.timer_view.state in ("running", "paused"):
            self._act(self.service.stop)
            self.app.notify("Session recorded.")

    # ---- time passing -----------------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: recompute the countdown; every few seconds store a heartbeat."""
        if self._status is None:
            return
        view = self._view()
        self.app.timer_view = view
        if view.state == "running":
            self._since_heartbeat += 1
            if self._since_heartbeat >= HEARTBEAT_SECONDS:
                self.heartbeat()
            if view.remaining <= 0 and not self._finishing:
                self._finish()

    def heartbeat(self) -> None:
        self._since_heartbeat = 0
        if self.service is not None and self.app.timer_view.state == "running":
            self._guard(self.service.heartbeat)

    def _finish(self) -> None:
        from studybuddy.ui.screens.dialogs import TimerFinishedDialog

        self._finishing = True
        finished = self._guard(self.service.finish)
        suggested = self._guard(self.service.suggest_subject)
        next_subject = "" if suggested is _FAILED else suggested or ""
        self._refresh()
        self.app.bell()
        self.app.notify("Time's up! Write today's diary entry, or switch subject.", title="Hour done")

        def after(choice: str | None) -> None:
            self._finishing = False
            if choice == "diary":
                self.app.switch_mode("diary")
            elif choice == "switch":
                self.ask_to_start(subject=next_subject)

        self.app.push_screen(TimerFinishedDialog(finished, next_subject), after)

    # ---- plumbing ---------------------------------------------------------------------------------

    def _act(self, call: Callable[[], Any]) -> None:
        if self._guard(call) is not _FAILED:
            self._refresh()

    def _refresh(self) -> None:
        self._status = self.service.status()
        self.app.timer_view = self._view()

    def _view(self) -> TimerView:
        status = self._status
        if status is None:
            return IDLE
        return TimerView(
            state=status.state,
            subject=status.subject or "",
            remaining=status.remaining_at(self.clock.now()),
            planned=status.planned_seconds,
        )

    def _guard(self, call: Callable[[], Any]) -> Any:
        """Run a service call; a user-facing error becomes a toast and the app carries on."""
        try:
            return call()
        except StudybuddyError as error:
            self.app.notify(str(error), title="Timer", severity="error")
            return _FAILED


_FAILED: Any = object()  # what _guard returns when the call raised (None is a valid result)
