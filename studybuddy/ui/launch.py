"""Start the TUI from the command line: build the context, run the app, report fatal errors cleanly."""

from __future__ import annotations

import gc
import sys

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.context import StudyContext


def launch_app(home: str | None) -> int:
    """Run the app until the user quits; a fatal StudybuddyError becomes one line on stderr."""
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
    app.run()
    gc.enable()  # in case the app ended before its first frame
    if app.return_code and isinstance(app._exception, StudybuddyError):
        print(f"studybuddy: {app._exception}", file=sys.stderr)
    return app.return_code or 0


def _resume_garbage_collection() -> None:
    gc.freeze()
    gc.enable()
