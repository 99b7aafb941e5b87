"""Minutes studied per day, read from the sessions: what `stats`, the dashboard's figures and the
diary's listing and export show beside each day.

On its own, so that `diary list` reads its minutes without importing the statistics' models.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from studybuddy.core.study_minutes import minutes_by_day as rounded_minutes
from studybuddy.storage import sessions

if TYPE_CHECKING:
    from studybuddy.storage.database import Database


def minutes_by_day(database: Database, start: date, end: date) -> dict[date, int]:
    """Minutes studied on each day from ``start`` to ``end`` inclusive (days with study only)."""
    with database.read() as conn:
        seconds = sessions.seconds_by_day(conn, start, end)
    return {day: minutes for day, minutes in rounded_minutes(seconds).items() if minutes}
