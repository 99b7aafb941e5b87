"""The one object the CLI and the UI are handed: the resolved config and study home.

Area services (diary, timer, lessons, grading, stats, progress, reviews) hang off it as typed attributes
built on first use, so a command pays only for what it uses, and the app and the CLI code it runs share
one of each. A test may set one (``context.grading = a_fake``) before its first use; ``close`` stops only what
the context started itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from studybuddy.storage.config import Config, default_config_path, load_config
from studybuddy.storage.paths import StudyHome, resolve_home

if TYPE_CHECKING:
    from studybuddy.core.clock import Clock
    from studybuddy.services.diary import DiaryService
    from studybuddy.services.grading import GradingService
    from studybuddy.services.journal import Journal
    from studybuddy.services.lessons import LessonService
    from studybuddy.services.progress import ProgressService
    from studybuddy.services.reviews import ReviewService
    from studybuddy.services.stats import StatsService
    from studybuddy.services.timer import TimerService
    from studybuddy.storage.database import Database


CATCH_UP_WAIT = 1.0  # seconds an opening waits for the write lock to apply new log lines


@dataclass
class StudyContext:
    config: Config
    home: StudyHome
    config_path: Path | None = None  # the config file read (or to create): where the app keeps its theme
    _started_grading: GradingService | None = field(default=None, init=False, repr=False)

    @classmethod
    def open(cls, cli_home: str | None = None, environ: Mapping[str, str] | None = None) -> StudyContext:
        environ = os.environ if environ is None else environ
        config_path = default_config_path(environ)
        config = load_config(config_path)
        return cls(config=config, home=resolve_home(cli_home, config, environ), config_path=config_path)

    def keep_theme(self, theme: str) -> None:
        """Write the theme chosen in the app to the config file (ConfigWriteError if it cannot)."""
        from studybuddy.storage.config import ConfigWriteError, save_theme

        if self.config_path is None:
            raise ConfigWriteError("no config file is known to keep the theme in")
        save_theme(self.config_path, theme)

    @cached_property
    def clock(self) -> Clock:
        from studybuddy.services.clock import clock_from_environ

        return clock_from_environ()

    @cached_property
    def database(self) -> Database:
        """Opened on first use, with what the home's logs hold that it has not applied yet (another
        machine's work after a `git pull`, or all of it into a fresh file): the database is a cache of
        the logs (services.journal). ``database.set_aside`` tells when a damaged file was replaced."""
        from studybuddy.storage.database import Database, DatabaseBusyError

        database = Database.open(self.home.database_path, now=self.clock.now())
        self.journal = self._journal_of(database)
        # Another process holding the write lock: a command answers from what is applied, and the lines
        # stay in the log for the next open or write (a write applies this machine's own first).
        with contextlib.suppress(DatabaseBusyError):
            self.journal.catch_up(wait=CATCH_UP_WAIT)
        return database

    @cached_property
    def journal(self) -> Journal:
        """The home's event logs and the database they fill (set when the database opens)."""
        return self._journal_of(self.database)

    def _journal_of(self, database: Database) -> Journal:
        from studybuddy.services.journal import Journal
        from studybuddy.storage.event_log import EventLog

        return Journal(database, EventLog(self.home.root))

    @cached_property
    def timer(self) -> TimerService:
        from studybuddy.services.timer import TimerService

        return TimerService(
            self.database,
            self.clock,
            default_minutes=self.config.timer_minutes,
            rotation=self.config.rotation,
            journal=self.journal,
        )

    @cached_property
    def stats(self) -> StatsService:
        from studybuddy.services.stats import StatsService

        return StatsService(self.database, self.clock)

    @cached_property
    def progress(self) -> ProgressService:
        from studybuddy.services.progress import ProgressService

        return ProgressService(self.database, self.clock, self.timer)

    @cached_property
    def reviews(self) -> ReviewService:
        """Review cards: ratings proposed and saved, the day's queue, forecasts (services.reviews)."""
        from studybuddy.services.reviews import open_reviews

        return open_reviews(self)

    @cached_property
    def diary(self) -> DiaryService:
        from studybuddy.services.diary import open_diary

        return open_diary(self)

    @cached_property
    def lessons(self) -> LessonService:
        from studybuddy.services.lessons import LessonService

        return LessonService(self.home)

    @cached_property
    def grading(self) -> GradingService:
        """The killable grading worker, spawned on its first ``start()`` or request (the app starts it
        after its first paint)."""
        from studybuddy.services.grading import GradingService

        self._started_grading = GradingService()
        return self._started_grading

    def close(self) -> None:
        """Stop the grading worker if this context started it (one set by a test belongs to the test)."""
        if self._started_grading is not None:
            self._started_grading.close()
