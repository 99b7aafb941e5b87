"""Time as a dependency: everything that needs "now" is handed a Clock, so tests can freeze it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in the user's local zone (its date is "today")."""
        ...
