"""The diary's search index, kept in step with the files on disk and saved between processes.

When the files are looked at: creating, deleting or renaming a file changes the folder's mtime, and most
editors (and studybuddy itself) save by renaming a temporary file, so those changes are seen by the next
search. An edit written in place changes only the file's own stamp, which takes a stat of every file to
see (8 ms for 3,650 files, most of a search's budget): that sweep runs when the folder changed, or at
most ``recheck_seconds`` after the last one, so a burst of searches (typing in the app) shares one.

The first sweep of a process starts from the index an earlier process saved (``diary_cache``) and
re-reads only the files whose stamp differs. The index is saved again when it had to be built from
scratch, or once enough entries changed since it was saved that re-reading them costs more than a save.

Conflict copies (``YYYY-MM-DD.conflict-N.md``) are searched too, but kept out of the index and its
saved copy: they are few, and read again only when their stamp changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from studybuddy.core.diary import DiaryEntry
from studybuddy.core.diary_search import DiaryIndex, DiaryQuery, matches
from studybuddy.core.errors import StudybuddyError
from studybuddy.storage.diary_cache import Stamp, load_index, save_index, stamp_of

if TYPE_CHECKING:
    from studybuddy.storage.diary_files import DiaryFiles

# Entries re-read since the saved index was written before it is rewritten: re-reading a few files on
# each start costs well under a millisecond each, rewriting ten years of entries tens of milliseconds.
REWRITE_AFTER = 32


class FreshIndex:
    """The search index of one diary folder, brought up to date before each search."""

    def __init__(
        self,
        files: DiaryFiles,
        *,
        saved_at: Path | None,
        monotonic: Callable[[], float],
        recheck_seconds: float,
    ) -> None:
        self._files = files
        self._saved_at = saved_at  # where the index is kept between processes (None: not kept)
        self._monotonic = monotonic
        self.recheck_seconds = recheck_seconds
        self._index = DiaryIndex()
        self._stamps: dict[date, Stamp] = {}  # each indexed day's file as it was when read
        self._folder_stamp: int | None = None
        self._swept_at = -math.inf
        self._changes_unsaved = 0
        self._save_when_changed = False  # the saved index was missing or stale: save the first build
        self.unreadable: dict[date, str] = {}  # entries the last sweep could not read, with why
        self._copy_names: list[str] = []  # the conflict copies the last sweep listed
        self._copies: dict[str, tuple[Stamp, DiaryEntry]] = {}  # each copy as last read, by name
        self.unreadable_copies: dict[str, str] = {}  # copies the last search could not read, with why

    @property
    def built(self) -> bool:
        return self._swept_at > -math.inf

    def search(self, query: DiaryQuery) -> list[DiaryEntry]:
        """Matching entries, newest first."""
        self.refresh()
        return [self._index.entry(day) for day in self._index.search(query)]

    def search_copies(self, query: DiaryQuery) -> list[tuple[Path, DiaryEntry]]:
        """Matching conflict copies, newest day first (a day's copies in the order they were made)."""
        self.refresh()
        found: list[tuple[Path, DiaryEntry]] = []
        self.unreadable_copies = {}
        for name in self._copy_names:
            path = self._files.folder / name
            entry = self._read_copy(path)
            if entry is not None and matches(entry, query):
                found.append((path, entry))
        self._copies = {name: known for name, known in self._copies.items() if name in self._copy_names}
        # The number sorts as a number: conflict-10 after conflict-9.
        found.sort(key=lambda hit: (-hit[1].day.toordinal(), len(hit[0].name), hit[0].name))
        return found

    def _read_copy(self, path: Path) -> DiaryEntry | None:
        try:
            stamp = stamp_of(path.stat())
            known = self._copies.get(path.name)
            if known is not None and known[0] == stamp:
                return known[1]
            entry = self._files.read_copy(path)
        except FileNotFoundError:  # deleted since the listing
            return None
        except OSError as error:
            self.unreadable_copies[path.name] = f"cannot read {path}: {error.strerror}"
            return None
        except StudybuddyError as error:
            self.unreadable_copies[path.name] = str(error)
            return None
        if entry is not None:
            self._copies[path.name] = (stamp, entry)
        return entry

    def saved(self, day: date, text: str, stamp: Stamp) -> None:
        """studybuddy itself saved this entry: index it at once, if there is an index yet."""
        if not self.built:
            return
        self._index.put(DiaryEntry(day, text))
        self._stamps[day] = stamp
        self.unreadable.pop(day, None)
        self._changes_unsaved += 1

    def refresh(self) -> None:
        folder_stamp = self._files.folder_stamp()
        now = self._monotonic()
        if folder_stamp == self._folder_stamp and now - self._swept_at < self.recheck_seconds:
            return
        if not self.built:
            self._start_from_saved()
        # The folder's stamp is taken before the listing: a change in between is seen by the next sweep.
        stamps, self._copy_names = self._files.entry_stamps()
        self._sweep(stamps)
        self._folder_stamp, self._swept_at = folder_stamp, now
        if self._changes_unsaved and (self._save_when_changed or self._changes_unsaved >= REWRITE_AFTER):
            self._save()

    def _start_from_saved(self) -> None:
        if self._saved_at is None:
            return
        saved = load_index(self._saved_at, self._files.folder)
        if saved is None:
            self._save_when_changed = True
            return
        self._index, self._stamps = saved.index, saved.stamps

    def _sweep(self, stamps: dict[date, Stamp]) -> None:
        for day, stamp in stamps.items():
            if self._stamps.get(day) != stamp:
                self._reindex(day, stamp)
        for gone in self._stamps.keys() - stamps.keys():
            self._forget(gone)
        for gone in self.unreadable.keys() - stamps.keys():
            del self.unreadable[gone]

    def _reindex(self, day: date, stamp: Stamp) -> None:
        # The stamp is from before the read: if the file changes in between, the next sweep re-reads it.
        try:
            entry = self._files.read_entry(day)
        except StudybuddyError as error:
            self.unreadable[day] = str(error)
            self._forget(day)
            return
        self.unreadable.pop(day, None)
        if entry is None:  # deleted since the listing
            self._forget(day)
            return
        self._index.put(entry)
        self._stamps[day] = stamp
        self._changes_unsaved += 1

    def _forget(self, day: date) -> None:
        if self._stamps.pop(day, None) is not None:
            self._index.remove(day)
            self._changes_unsaved += 1

    def _save(self) -> None:
        if self._saved_at is None:
            return
        if save_index(self._saved_at, self._files.folder, self._index, self._stamps):
            self._changes_unsaved, self._save_when_changed = 0, False
        else:  # a read-only or full disk: stop trying in this process, searches work without it
            self._saved_at = None
