"""Start the TUI from the command line: build the context, run the app, report fatal errors cleanly."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from studybuddy.services.context import StudyContext

# A polite kill and a closed terminal. Textual leaves both at Python's default, which ends the process
# on the spot: the terminal stays on the alternate screen in raw mode, and nothing at exit runs.
QUITTING_SIGNALS = ("SIGTERM", "SIGHUP")


def launch_app(home: str | None) -> int:
    """Run the app until the user quits; its exit status (128 + the signal's number after SIGTERM or
    SIGHUP, 1 after a crash, whose traceback Textual prints). A StudybuddyError in the study home (a
    database that cannot open) is a message in the app, which carries on without what needs it."""
    # Start-up creates tens of thousands of objects that live as long as the process (modules,
    # classes, parsed styles, the first screen's widgets) and no garbage worth collecting; the cyclic
    # collector would walk them all several times before the first frame (a third of the start-up
    # time). So it is paused until the dashboard is painted, and what exists then is frozen (never
    # walked again).
    gc.disable()
    try:
        context = StudyContext.open(home)  # config errors surface here, before the screen is taken over
        from studybuddy.ui.app import StudyBuddyApp

        app = StudyBuddyApp(context)
    except BaseException:
        gc.enable()
        raise
    app.after_first_paint(_resume_garbage_collection)
    with quit_on_signals(app):
        app.run()
    gc.enable()  # in case the app ended before its first frame
    return app.return_code or 0


@contextmanager
def quit_on_signals(app: Any) -> Iterator[None]:
    """While the app runs, SIGTERM and SIGHUP quit it the way ctrl+q does: the app's own exit runs on
    its loop (the terminal restored, the running session let go of, still running) and the exit
    status is 128 + the signal's number, as a shell reports a command a signal ended."""

    def quit_app(signum: int, frame: FrameType | None) -> None:
        try:
            loop = asyncio.get_running_loop()  # the app's: a Python signal handler runs on the main thread
        except RuntimeError:  # the app's loop has not started or has ended: nothing to tidy up
            raise SystemExit(128 + signum) from None
        if signum == getattr(signal, "SIGHUP", None):
            # A hang-up comes with SIGCONT, on which Textual takes the terminal again: on a closed one
            # that starts a second output thread, and the exit then waited forever for one that died.
            signal.signal(signal.SIGCONT, _ignore)
        loop.call_soon_threadsafe(app.exit, None, 128 + signum)

    previous: dict[int, Any] = {}
    for name in QUITTING_SIGNALS:
        signum = getattr(signal, name, None)  # Windows has no SIGHUP
        if signum is not None:
            previous[signum] = signal.signal(signum, quit_app)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """A Python handler that does nothing (SIG_IGN set while a signal is pending makes Python complain)."""


def _resume_garbage_collection() -> None:
    gc.freeze()
    gc.enable()
