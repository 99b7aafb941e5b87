"""The study timer as the app drives it: start/pause/stop from any screen, tick, heartbeat, finish.

The TimerService decides (what a session is, what is stored, when it is over); this class turns key
presses into service calls and service state into the ``timer_view`` the bars show.

Ticks compute the countdown from the clock alone, on the UI thread, without I/O. Every database call
(actions, heartbeats, the finish) runs on the app's one writer thread (``BackgroundIO``), so calls keep
their order and a busy database never freezes a key press.

While the app shows a session it holds it (heartbeats, paused or not); at exit, by any way out, it lets
go of it (``release``), and the session goes on counting in the database without the app.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.rotation import same_subject
from studybuddy.ui.timer_view import IDLE, TimerView, shown_state

if TYPE_CHECKING:
    from studybuddy.core.rotation import SubjectChoice
    from studybuddy.services.context import StudyContext
    from studybuddy.services.session_view import SessionView, TimerStatus
    from studybuddy.services.timer import TimerService
    from studybuddy.ui.app import StudyBuddyApp

T = TypeVar("T")
HEARTBEAT_EVERY = timedelta(seconds=5)  # of clock time, so a late or skipped tick changes nothing


class TimerControl:
    def __init__(self, app: StudyBuddyApp, context: StudyContext) -> None:
        self.app = app
        self.context = context
        self.clock = context.clock
        self._status: TimerStatus | None = None  # the TimerService's last
        self._last_beat: datetime | None = None
        self._finishing = False
        self._beating = False
        self._watching = False
        self._seen_version: int | None = None  # TimerService.changed_elsewhere's token
        self._used = False  # a service call was made: this process may hold a session
        self.unavailable: str | None = None

    @property
    def service(self) -> TimerService | None:
        """The timer service; None while it cannot open (``unavailable`` says why: a database that
        cannot be opened, say). The rest of the app carries on without it."""
        try:
            service = self.context.timer
        except StudybuddyError as error:
            self.unavailable = str(error)
            return None
        self.unavailable = None
        return service

    # ---- start of the app -------------------------------------------------------------------------

    def resume_on_start(self) -> None:
        """Show a session still running (or paused) from before, which the next heartbeat takes hold
        of, or offer to recover one whose process was killed. (A database that cannot open is told by
        the dashboard, and by the timer key.)

        The database is opened on the writer thread: opening it, or creating it on a first start, takes
        tens of milliseconds, which a key pressed just after the first paint waited for on the UI thread.
        """

        def open_service() -> None:
            with contextlib.suppress(StudybuddyError):  # ``service`` says why, on the UI thread
                self.context.timer  # noqa: B018 - opened here, kept by the context

        def opened(_: None) -> None:
            if self.service is not None:
                self._call(lambda timer: timer.interrupted(), self._offer_recovery)

        self.app.io.run(open_service, opened, group="timer")

    def _offer_recovery(self, interrupted: list[SessionView]) -> None:
        from studybuddy.ui.screens.dialogs import RecoverSessionDialog

        for session in interrupted:
            self.app.push_screen(RecoverSessionDialog(session), self._recovered(session))

    def _recovered(self, session: SessionView) -> Callable[[str | None], None]:
        def apply(choice: str | None) -> None:
            if choice is not None:
                note = {"discard": "Session discarded.", "resume": "Session resumed."}.get(
                    choice, "Session kept."
                )
                if choice == "resume":  # this app shows it from now on, and beats for it
                    self._call(
                        lambda timer: timer.resume_interrupted(session.id), lambda _: self.app.notify(note)
                    )
                else:
                    self._call(
                        lambda timer: timer.recover(session.id, choice), lambda _: self.app.notify(note)
                    )

        return apply

    # ---- actions ----------------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.service is None:
            self.app.notify(
                f"The study timer is unavailable: {self.unavailable}", severity="error", markup=False
            )
            return
        state = self.app.timer_view.state
        if state == "running":
            self._call(lambda timer: timer.pause())
        elif state == "paused":
            self._call(lambda timer: timer.resume())
        else:
            self.ask_to_start()

    def ask_to_start(self, subject: str | None = None, lesson_id: str | None = None) -> None:
        """The start dialog, pre-filled with ``subject`` or the next subject of the rotation, and
        offering the last session's subject too (``TimerService.subject_choice``)."""
        self._call(
            lambda timer: timer.subject_choice(),
            lambda choice: self._show_start_dialog(choice, subject, lesson_id),
        )

    def _show_start_dialog(self, choice: SubjectChoice, subject: str | None, lesson_id: str | None) -> None:
        from studybuddy.ui.screens.dialogs import StartTimerDialog

        def start(chosen: tuple[str, int] | None) -> None:
            if chosen is not None:
                subject, minutes = chosen
                self._call(lambda timer: timer.start(subject=subject, minutes=minutes, lesson_id=lesson_id))

        offered = choice.offered()
        if subject:  # asked for (the next subject, after the hour rang): first, the others after it
            offered = (subject, *(other for other in offered if not same_subject(other, subject)))
        minutes = self.context.config.timer_minutes
        self.app.push_screen(StartTimerDialog(offered[0] if offered else "", minutes, choice, offered), start)

    def stop(self) -> None:
        if self.app.timer_view.state in ("running", "paused"):
            self._call(lambda timer: timer.stop(), lambda _: self.app.notify("Session recorded."))

    # ---- time passing -----------------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: recompute the countdown; store a heartbeat every few seconds of clock time,
        paused too (a session whose heartbeat stops looks abandoned to every other process); and show
        what another process did (a shell's `timer pause`) within the second."""
        if self._status is None:
            return
        self._watch_other_processes()
        view = self._view()
        self.app.timer_view = view
        if view.state not in ("running", "paused"):
            return
        now = self.clock.now()
        if view.state == "running" and view.remaining <= 0:
            if not self._finishing:
                self._finishing = True
                self._call(lambda timer: timer.finish(), self._finished)
        elif not self._beating and (self._last_beat is None or now - self._last_beat >= HEARTBEAT_EVERY):
            self._beating = True
            self._last_beat = now
            self._call(lambda timer: timer.heartbeat(), lambda _: setattr(self, "_beating", False))

    def _watch_other_processes(self) -> None:
        """Has another process written to the database since the last look (SQLite's data_version, no
        table read)? Then take the timer's status afresh. One look at a time, on the writer thread."""
        timer = self.service
        if timer is None or self._watching:
            return
        self._watching = True
        seen = self._seen_version

        def done(outcome: tuple[int, TimerStatus | None]) -> None:
            self._watching = False
            self._seen_version, status = outcome
            if status is not None:
                self._status = status
                self.app.timer_view = self._view()

        def failed(error: StudybuddyError) -> None:
            # The next tick looks again; a database that stays unwritable is told by the heartbeat.
            self._watching = False

        self.app.io.run(lambda: timer.changed_elsewhere(seen), done, failed=failed, group="timer-watch")

    def _finished(self, finished: SessionView | None) -> None:
        from studybuddy.ui.screens.dialogs import TimerFinishedDialog

        self.app.bell()
        self.app.notify("Time's up! Write today's diary entry, or switch subject.", title="Hour done")

        def show(next_subject: str | None) -> None:
            def after(choice: str | None) -> None:
                self._finishing = False
                if choice == "diary":
                    from studybuddy.ui.screens.diary import write_todays_entry

                    write_todays_entry(self.app)  # today's entry, the cursor in the editor
                elif choice == "switch":
                    self.ask_to_start(subject=next_subject or "")

            self.app.push_screen(TimerFinishedDialog(finished, next_subject or ""), after)

        self._call(lambda timer: timer.suggest_subject(), show)

    def release(self) -> None:
        """At exit, whatever the way out (on the UI thread, after the queued writes): the session this
        app holds goes on running, or stays paused, without it. Asks the database, not the screen: a
        start still on the writer thread is released too."""
        timer = self.service if self._used else None
        if timer is not None:
            # The app is closing and cannot show an error; a failed release leaves the session held by
            # a process that is gone, so the next start offers it for recovery up to the last beat.
            with contextlib.suppress(StudybuddyError):
                self.app.io.run_now(timer.release)

    # ---- plumbing ---------------------------------------------------------------------------------

    def _call(self, call: Callable[[TimerService], T], then: Callable[[T], None] | None = None) -> None:
        """Run a service call on the writer thread, refresh the countdown, then ``then(result)``.

        A user-facing error becomes a toast and the app carries on.
        """
        timer = self.service
        if timer is None:  # the timer key says why (toggle)
            return
        self._used = True

        def in_writer() -> tuple[T, TimerStatus]:
            return call(timer), timer.status()

        def done(outcome: tuple[T, TimerStatus]) -> None:
            result, self._status = outcome
            self.app.timer_view = self._view()
            if then is not None:
                then(result)

        def failed(error: StudybuddyError) -> None:
            self._beating = self._finishing = False
            self.app.notify(str(error), title="Timer", severity="error")

        self.app.io.run(in_writer, done, failed=failed, group="timer")

    def _view(self) -> TimerView:
        status = self._status
        if status is None:
            return IDLE
        return TimerView(
            state=shown_state(status.state),
            subject=status.subject or "",
            remaining=status.remaining_at(self.clock.now()),
            planned=status.planned_seconds,
        )
