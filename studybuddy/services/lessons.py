"""The lesson library as the CLI and the TUI use it: list, open and check lessons."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.lessons import Lesson, LessonError
from studybuddy.services.lesson_checking import DEFAULT_ITEM_TIMEOUT, LessonReport, run_checks
from studybuddy.storage.lesson_cache import CACHE_FILE_NAME, LessonCache
from studybuddy.storage.lesson_checks import CHECKS_FILE_NAME, LessonCheckRecords
from studybuddy.storage.lesson_library import (
    LessonFile,
    LessonLibrary,
    LibraryEntry,
    bundled_lessons_dir,
    expand_paths,
    find_lesson_files,
    load_library,
    read_lesson,
)

if TYPE_CHECKING:
    from studybuddy.storage.paths import StudyHome


class UnknownLessonError(StudybuddyError):
    pass


class LessonService:
    """Bundled lessons plus the user's own ``lessons/`` folder, with a start-up cache in the home."""

    def __init__(self, home: StudyHome | None, *, bundled_dir: Path | None = None) -> None:
        self.home = home
        self.bundled_dir = bundled_dir if bundled_dir is not None else bundled_lessons_dir()
        self._library: LessonLibrary | None = None
        self._cache: LessonCache | None = None
        self._records: LessonCheckRecords | None = None

    # --- the library -------------------------------------------------------------------------------
    def files(self) -> list[LessonFile]:
        folders: list[tuple[Path, Any]] = [(self.bundled_dir, "bundled")]
        if self.home is not None:
            folders.append((self.home.lessons_dir, "user"))
        return find_lesson_files(folders)

    def library(self, *, refresh: bool = False, pace: Callable[[], object] | None = None) -> LessonLibrary:
        """``pace``: called before each file that must be read (see ``load_library``)."""
        if self._library is None or refresh:
            cache = LessonCache(self.home.cache_dir / CACHE_FILE_NAME) if self.home is not None else None
            self._library = load_library(self.files(), cache, pace=pace)
            self._cache = cache
        return self._library

    def list(self, *, pace: Callable[[], object] | None = None) -> list[LibraryEntry]:
        """Every lesson file, loaded or broken, in library order, each with what `lessons check` last
        said of it as it is now (its ``status``: broken, loads, checked or fails check)."""
        entries = self.library(pace=pace).entries
        records = self._check_records()
        if records is None:
            return list(entries)
        listed = []
        for entry in entries:
            verdict = records.verdict(entry.summary.fingerprint) if entry.summary else None
            listed.append(entry if verdict is None else replace(entry, checked=verdict))
        return listed

    def get(self, lesson_id: str) -> Lesson:
        """The full lesson, read fresh from its file (the cache holds summaries only)."""
        entry = self.library().find(lesson_id)
        if entry is None:
            raise UnknownLessonError(f"no lesson has the id '{lesson_id}'")
        return read_lesson(entry.file)

    # --- checking ----------------------------------------------------------------------------------
    def check(
        self,
        paths: Sequence[Path] = (),
        *,
        item_timeout: float = DEFAULT_ITEM_TIMEOUT,
        workers: int | None = None,
    ) -> Iterator[LessonReport]:
        """Prove each lesson file under ``paths`` (the bundled library when empty).

        Files that do not load are reported first; the rest are checked in killable workers.
        """
        files = expand_paths(list(paths)) if paths else find_lesson_files([(self.bundled_dir, "bundled")])
        known = {entry.id for entry in self.library().entries if entry.loads} if paths else set()
        # Two given files with one id: the one that holds it in the library keeps it here too.
        owners = self._cache.owners if paths and self._cache is not None else None
        library = load_library(files, known_ids=known, owners=owners)
        lessons: list[Lesson] = []
        for entry in library.entries:
            if entry.error is not None:
                yield LessonReport(
                    entry.file.display_name, entry.summary.id if entry.summary else None, entry.error
                )
                continue
            try:
                lessons.append(read_lesson(entry.file))
            except LessonError as error:  # changed since it was listed
                yield LessonReport(entry.file.display_name, None, error)
        if not lessons:
            return
        records = self._check_records()
        try:
            for report in run_checks(lessons, item_timeout=item_timeout, workers=workers):
                if records is not None:
                    records.record(report.fingerprint, report.passed)
                yield report
        finally:
            if records is not None:
                records.save()

    def _check_records(self) -> LessonCheckRecords | None:
        """What the last checks said, by file fingerprint (None without a study home)."""
        if self._records is None and self.home is not None:
            self._records = LessonCheckRecords(self.home.cache_dir / CHECKS_FILE_NAME)
        return self._records
