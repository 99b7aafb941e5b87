"""The clock the app runs on: the system's, or (a test hook) a time read from a file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError

# Test hook, for tests that run studybuddy in a subprocess and so cannot hand it a fake clock: when set,
# "now" is the ISO-8601 time with a UTC offset written in that file (e.g. 2025-07-06T09:00:00+00:00),
# re-read on every call so the test can move time forward. Not meant for users.
CLOCK_FILE_ENV_VAR = "STUDYBUDDY_CLOCK_FILE"


# Every date studybuddy works out lies within a year or so of now (a week's start, a year of stats, a
# session's end): a clock at year 1 or 9999 would take those past what a date can hold.
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)


class ClockError(StudybuddyError):
    """The clock says a time studybuddy cannot work with."""


def checked(moment: datetime) -> datetime:
    """``moment``, or ClockError when it is outside EARLIEST..LATEST (a clock that is badly wrong)."""
    if not EARLIEST <= moment <= LATEST:
        raise ClockError(
            f"the clock says {moment.isoformat(timespec='minutes')}; studybuddy works with times from "
            f"{EARLIEST.year} to {LATEST.year} (is the computer's clock set?)"
        )
    return moment


class LocalClock:
    """The wall clock in the user's time zone (its date is "today")."""

    def now(self) -> datetime:
        try:
            moment = datetime.now().astimezone()
        except (OverflowError, OSError, ValueError) as error:  # no local time for what the clock says
            raise ClockError(f"the computer's clock cannot be read as a local time: {error}") from error
        return checked(moment)


class FileClock:
    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        try:
            moment = datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError) as error:
            raise StudybuddyError(
                f"${CLOCK_FILE_ENV_VAR}: cannot read a time from {self.path}: {error}"
            ) from error
        if moment.tzinfo is None:
            raise StudybuddyError(f"${CLOCK_FILE_ENV_VAR}: the time in {self.path} needs a UTC offset")
        return checked(moment)


def clock_from_environ(environ: Mapping[str, str] | None = None) -> Clock:
    environ = os.environ if environ is None else environ
    path = environ.get(CLOCK_FILE_ENV_VAR)
    return FileClock(Path(path)) if path else LocalClock()
