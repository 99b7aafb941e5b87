"""Start the TUI from the command line: build the context, run the app, report fatal errors cleanly."""

from __future__ import annotations

import sys

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.context import StudyContext


def launch_app(home: str | None) -> int:
    """Run the app until the user quits; a fatal StudybuddyError becomes one line on stderr."""
    context = StudyContext.open(home)  # config errors surface here, before the screen is taken over
    from studybuddy.ui.app import StudyBuddyApp

    app = StudyBuddyApp(context)
    app.run()
    if app.return_code and isinstance(app._exception, StudybuddyError):
        print(f"studybuddy: {app._exception}", file=sys.stderr)
    return app.return_code or 0
