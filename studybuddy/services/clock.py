"""The real clock, for the CLI and the app; tests hand services a frozen ``Clock`` instead."""

from __future__ import annotations

from datetime import datetime


class LocalClock:
    """The wall clock in the user's time zone (its date is "today")."""

    def now(self) -> datetime:
        return datetime.now().astimezone()
