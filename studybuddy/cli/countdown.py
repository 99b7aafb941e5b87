"""The live countdown of `studybuddy timer start`: a progress bar redrawn in place, a heartbeat every
second, pause/resume/stop from another shell picked up within a tick, and a ring at the end.

A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends this countdown, not the session: it lets go
of the session, which goes on running (or stays paused) in the database, as when the app quits;
`timer status`, `timer stop` and the app find it. Ctrl-C stops the session.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import TextIO

from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.session_view import SessionView
from studybuddy.services.timer import TimerService

TICK_SECONDS = 0.2  # how soon a pause/stop from another shell shows, and the redraw rate
BEAT_EVERY = timedelta(seconds=1)  # well inside the service's 5 s promise
BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"
_DETACHING_SIGNALS = ("SIGHUP", "SIGTERM")


@dataclass(frozen=True)
class CountdownResult:
    session: SessionView
    detached_by: int | None = None  # the signal that ended this countdown, the session left running


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
    try:
        while view.is_open and not received:
            now = clock.now()
            if now - last_beat >= BEAT_EVERY:
                view = service.heartbeat(view.id) or view
                last_beat = now
            else:
                view = service.session(view.id)
            if live:
                out.write("\r\x1b[2K" + countdown_line(view, now))
                out.flush()
            elif view.state != shown_state and view.is_open:
                out.write(countdown_line(view, now) + "\n")
                out.flush()
            shown_state = view.state
            if view.is_open and not received:
                sleep(TICK_SECONDS)
    except KeyboardInterrupt:
        view = _stop_if_open(service, view)
    finally:
        _restore_signals(previous)
        if received:  # the session goes on without this countdown; the terminal may be gone: no output
            view = service.release() or service.session(view.id)
        elif live:
            out.write("\r\x1b[2K")
            out.flush()
    return CountdownResult(view, received[0] if received else None)


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


def clock_text(seconds: float) -> str:
    """``42:07`` or ``1:00:00``, rounded up so 0:00 means done."""
    whole = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


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


def _stop_if_open(service: TimerService, view: SessionView) -> SessionView:
    try:
        return service.stop() if service.session(view.id).is_open else service.session(view.id)
    except StudybuddyError:
        return service.session(view.id)


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
