"""The live countdown of `studybuddy timer start`: a progress bar redrawn in place, a heartbeat every
second, pause/resume/stop from another shell picked up within a tick, and a ring at the end.

A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends this countdown, not the session: it lets go
of the session, which goes on running (or stays paused) in the database, as when the app quits;
`timer status`, `timer stop` and the app find it. Ctrl-C stops the session.

A heartbeat that cannot be written (another process holding the database's write lock, a full disk)
never ends the countdown: it keeps counting on the clock, says the time is not being saved, and tries
again at the next beat. When the session ends while that lasts, the end is tried once more.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import FrameType
from typing import TextIO

from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.time_left import clock_text
from studybuddy.services.session_view import SessionView
from studybuddy.services.timer import TimerService
from studybuddy.storage.database import DatabaseBusyError, DatabaseError

TICK_SECONDS = 0.2  # how soon a pause/stop from another shell shows, and the redraw rate
BEAT_EVERY = timedelta(seconds=1)  # well inside the service's 5 s promise
BEAT_WAIT = 0.25  # seconds a heartbeat waits for another process's write lock; then the next beat tries
BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"
_DETACHING_SIGNALS = ("SIGHUP", "SIGTERM")


@dataclass(frozen=True)
class CountdownResult:
    session: SessionView
    detached_by: int | None = None  # the signal that ended this countdown, the session left running
    unsaved: str | None = None  # why the session's last state could not be written, if it could not


def run_countdown(
    service: TimerService,
    session: SessionView,
    clock: Clock,
    out: TextIO,
    *,
    live: bool,
    sleep: Callable[[float], None] = time.sleep,
) -> CountdownResult:
    """Count down until the session ends (here, from another shell, or by its time running out)."""
    received: list[int] = []
    previous = _catch_detaching_signals(received)
    view, last_beat, shown_state = session, clock.now(), ""
    unsaved: DatabaseError | None = None  # why the last heartbeat was not written (tried every beat)
    shown_unsaved: str | None = None
    try:
        while view.is_open and not received:
            now = clock.now()
            if now - last_beat >= BEAT_EVERY:
                last_beat = now
                try:
                    view = service.heartbeat(view.id, wait=BEAT_WAIT) or view
                    unsaved = None
                except DatabaseError as error:
                    unsaved = error
                    view = _read(service, view, now)
            else:
                view = _read(service, view, now)
            note = "" if unsaved is None else f"  (not saved: {_why(unsaved)}; retrying)"
            if live:
                out.write("\r\x1b[2K" + countdown_line(view, now) + note)
                out.flush()
            elif (view.state != shown_state or note != shown_unsaved) and view.is_open:
                out.write(countdown_line(view, now) + note + "\n")
                out.flush()
            shown_state, shown_unsaved = view.state, note
            if view.is_open and not received:
                sleep(TICK_SECONDS)
        if unsaved is not None and not received:  # it ended while writes failed: store the end now
            try:
                view = service.heartbeat(view.id) or view
                unsaved = None
            except DatabaseError as error:
                unsaved = error
    except KeyboardInterrupt:
        try:
            view = _stop_if_open(service, view)
        except DatabaseError as error:  # not stopped: it runs on, and the caller says why
            unsaved = error
    finally:
        _restore_signals(previous)
        if received:  # the session goes on without this countdown; the terminal may be gone: no output
            view = _release(service, view)
        elif live:
            out.write("\r\x1b[2K")
            out.flush()
    return CountdownResult(view, received[0] if received else None, None if unsaved is None else str(unsaved))


def countdown_line(view: SessionView, now: datetime) -> str:
    remaining = view.remaining_at(now)
    fraction = 1.0 - remaining / view.planned_seconds if view.planned_seconds else 1.0
    label = "paused" if view.state == "paused" else "left"
    return f"{view.subject}  {progress_bar(fraction)}  {clock_text(remaining)} {label}"


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A bar of full blocks with an eighth-block edge, padded with light shade."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if part else "")
    return bar + "░" * (width - len(bar))


def ring(out: TextIO, title: str, body: str) -> None:
    """The terminal bell, and a desktop notification where notify-send exists."""
    out.write("\a")
    out.flush()
    notifier = shutil.which("notify-send")
    if notifier is None:
        return
    # No desktop session or a broken notifier must not spoil the end: the bell rang, the hour is stored.
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            [notifier, "--app-name=studybuddy", title, body],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=5,
            check=False,
        )


def _read(service: TimerService, view: SessionView, now: datetime) -> SessionView:
    """The session as stored (another shell may have paused or stopped it); when even reading fails,
    the last view counted on the clock, so the countdown still ends at the planned end."""
    try:
        return service.session(view.id)
    except DatabaseError:
        timer = view.timer.settle(now)
        if timer is view.timer:
            return view
        studied = timer.elapsed(now).total_seconds()
        return replace(
            view,
            state=timer.state.value,
            timer=timer,
            ended_at=timer.ended_at,
            studied_seconds=studied,
            remaining_seconds=max(0.0, view.planned_seconds - studied),
            progress=min(1.0, studied / view.planned_seconds) if view.planned_seconds else 1.0,
        )


def _why(error: DatabaseError) -> str:
    """A few words for the countdown line (the whole message is printed at the end if it lasts)."""
    if isinstance(error, DatabaseBusyError):
        return "the database is busy"
    return "the disk is full" if "full" in str(error) else "the database cannot be written"


def _stop_if_open(service: TimerService, view: SessionView) -> SessionView:
    try:
        return service.stop() if service.session(view.id).is_open else service.session(view.id)
    except DatabaseError:
        raise
    except StudybuddyError:  # ended elsewhere meanwhile
        return service.session(view.id)


def _release(service: TimerService, view: SessionView) -> SessionView:
    try:
        return service.release() or service.session(view.id)
    except StudybuddyError:  # not written: the session shows as interrupted later, to keep or discard
        return view


def _catch_detaching_signals(received: list[int]) -> dict[int, object]:
    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous: dict[int, object] = {}
    for name in _DETACHING_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None:
            with contextlib.suppress(ValueError):  # not the main thread: leave the defaults
                previous[signum] = signal.signal(signum, note)
    return previous


def _restore_signals(previous: dict[int, object]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)  # type: ignore[arg-type]
