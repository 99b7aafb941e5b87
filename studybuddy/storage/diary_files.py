"""The diary on disk: one Markdown file per day, ``diary/YYYY-MM-DD.md``.

Safety, because a diary is years of someone's effort:

- Writes are atomic: a temporary file in the same folder, flushed and fsynced, then ``os.replace``
  and an fsync of the folder. A crash at any moment leaves the whole old text or the whole new text.
- Optimistic concurrency: every read returns a ``Version`` (mtime, size and a content hash); a save
  names the version it started from, and if the file changed since (another program, another
  studybuddy), the save is refused with ``DiaryConflict``: the newer text stays, the user's text is
  written beside it as ``YYYY-MM-DD.conflict-N.md``. Nothing is overwritten, nothing is lost.
- studybuddy's own writers (the CLI and the app at once) take a lock on ``diary/.studybuddy.lock``
  around read-modify-write, so two of them appending lines never conflict.
- Every OS failure (unreadable file, read-only folder, full disk) is a ``DiaryStorageError`` that
  says what happened and that the old file is intact.

Listing only reads folder names. Search uses an in-memory index built once per process and refreshed
per file when its (mtime, size) changes (see ``_refresh_index`` for when that is checked).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from studybuddy.core.diary import ENTRY_NAME, DiaryEntry, entry_file_name
from studybuddy.core.diary_search import DiaryIndex, DiaryQuery
from studybuddy.core.errors import StudybuddyError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the version check still guards every save
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".studybuddy.lock"


class DiaryStorageError(StudybuddyError):
    """The diary folder or a diary file could not be read or written."""


class DiaryConflict(DiaryStorageError):
    """The entry changed on disk since it was read; the user's text was saved aside."""

    def __init__(self, day: date, path: Path, saved_aside: Path) -> None:
        super().__init__(
            f"{path} was changed by another program since studybuddy read it. The newer text was kept; "
            f"your version is saved as {saved_aside}. Compare the two and merge them by hand."
        )
        self.day = day
        self.path = path
        self.saved_aside = saved_aside


@dataclass(frozen=True)
class Version:
    """What a file looked like when read: a save is allowed only if it still looks like this."""

    mtime_ns: int
    size: int
    digest: str

    @property
    def token(self) -> str:
        return f"{self.mtime_ns}-{self.size}-{self.digest}"


ABSENT = Version(0, -1, "absent")  # the version of an entry that has no file yet


@dataclass(frozen=True)
class StoredEntry:
    entry: DiaryEntry
    version: Version
    path: Path


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _explain(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return error.strerror or str(error)


class DiaryFiles:
    """The diary folder: read, list, save and search day entries."""

    def __init__(
        self, folder: Path, *, monotonic: Callable[[], float] = time.monotonic, recheck_seconds: float = 1.0
    ) -> None:
        self.folder = folder
        self.recheck_seconds = recheck_seconds
        self._monotonic = monotonic
        self._folder_stamp: int | None = None
        self._swept_at = -math.inf
        self._day_names: dict[str, date | None] = {}  # file name -> its day (None: not an entry)
        self._index = DiaryIndex()
        self._indexed: dict[date, tuple[int, int]] = {}  # day -> (mtime_ns, size) when indexed
        self.unreadable: dict[date, str] = {}  # entries the last search could not read, with why

    def path_for(self, day: date) -> Path:
        return self.folder / entry_file_name(day)

    # Reading -----------------------------------------------------------------------------------

    def days(self) -> list[date]:
        """Every day with an entry, oldest first, from the folder's names alone (no file is opened)."""
        try:
            with os.scandir(self.folder) as scan:
                names = [item.name for item in scan]
        except FileNotFoundError:
            return []
        except OSError as error:
            raise DiaryStorageError(
                f"cannot list the diary folder {self.folder}: {_explain(error)}"
            ) from error
        return sorted(day for name in names if (day := self._day_of_name(name)) is not None)

    def read(self, day: date) -> StoredEntry | None:
        """The entry with its version, or None if that day has no file."""
        path = self.path_for(day)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
                status = os.fstat(handle.fileno())
        except FileNotFoundError:
            return None
        except IsADirectoryError as error:
            raise DiaryStorageError(f"cannot read {path}: it is a folder, not a file") from error
        except OSError as error:
            raise DiaryStorageError(f"cannot read {path}: {_explain(error)}") from error
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DiaryStorageError(
                f"cannot read {path}: it is not UTF-8 text (byte {error.start}); "
                "open it in an editor and save it as UTF-8"
            ) from error
        version = Version(status.st_mtime_ns, status.st_size, _digest(data))
        return StoredEntry(DiaryEntry(day, text), version, path)

    def current_version(self, day: date) -> Version:
        stored = self.read(day)
        return ABSENT if stored is None else stored.version

    # Writing -----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive among studybuddy processes for a read-modify-write (other programs ignore it)."""
        self._make_folder()
        try:
            handle = open(self.folder / LOCK_NAME, "a+b")  # noqa: SIM115 (held for the block)
        except OSError as error:
            raise DiaryStorageError(
                f"cannot write in the diary folder {self.folder}: {_explain(error)}"
            ) from error
        with handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    def save(self, day: date, text: str, *, expected: Version) -> Version:
        """Write the entry atomically if the file is still at ``expected``; else DiaryConflict.

        The check and the replace are not one atomic step against other programs; the window is the
        few microseconds between them, and studybuddy's own writers are serialised by ``locked``.
        """
        path = self.path_for(day)
        current = self.current_version(day)
        if current != expected:
            aside = self._save_aside(day, text)
            raise DiaryConflict(day, path, aside)
        version = self._write_atomically(path, text.encode("utf-8"))
        if self._indexed or self._swept_at > -math.inf:  # keep a built index current with our own saves
            self._index.put(DiaryEntry(day, text))
            self._indexed[day] = (version.mtime_ns, version.size)
        return version

    def _save_aside(self, day: date, text: str) -> Path:
        """Keep the user's text in ``YYYY-MM-DD.conflict-N.md`` (N: the first free number)."""
        data = text.encode("utf-8")
        for number in range(1, 10_000):
            aside = self.folder / f"{day.isoformat()}.conflict-{number}.md"
            try:
                descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            except OSError as error:
                raise DiaryStorageError(
                    f"{self.path_for(day)} was changed by another program, and your version could not be "
                    f"saved aside ({_explain(error)}); the newer text on disk is untouched"
                ) from error
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            return aside
        raise DiaryStorageError(f"too many conflict copies of {day.isoformat()} in {self.folder}")

    def _write_atomically(self, path: Path, data: bytes) -> Version:
        self._make_folder()
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.folder)
        except OSError as error:
            raise DiaryStorageError(
                f"cannot save {path}: {_explain(error)} in the diary folder; the old entry is intact"
            ) from error
        try:
            try:
                _write_all(descriptor, data)
                os.fsync(descriptor)
                if hasattr(os, "fchmod"):
                    os.fchmod(descriptor, 0o644)  # mkstemp makes 0600; a diary file is an ordinary file
            finally:
                os.close(descriptor)
            os.replace(temporary, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise DiaryStorageError(
                f"cannot save {path}: {_explain(error)}; the old entry is intact"
            ) from error
        self._sync_folder()
        status = path.stat()
        return Version(status.st_mtime_ns, status.st_size, _digest(data))

    def _make_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DiaryStorageError(
                f"cannot create the diary folder {self.folder}: {_explain(error)}"
            ) from error

    def _sync_folder(self) -> None:
        """Make the rename itself durable (POSIX); Windows cannot open a folder, and needs no such step."""
        if os.name != "posix":
            return
        descriptor = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    # Search --------------------------------------------------------------------------------------

    def search(self, query: DiaryQuery) -> list[DiaryEntry]:
        """Matching entries, newest first. Unreadable entries are skipped and listed in ``unreadable``."""
        self._refresh_index()
        return [self._index.entry(day) for day in self._index.search(query)]

    def _refresh_index(self) -> None:
        """Bring the index up to date with the folder, re-reading only entries that changed.

        Creating, deleting or renaming a file changes the folder's mtime, and most editors save by
        renaming a temporary file: those are seen at once. An edit written in place changes only the
        file's own (mtime, size), which takes a stat of every file to see (15 ms for 3,650 files on a
        slow disk, more than a search may cost); that sweep runs when the folder changed or at most
        ``recheck_seconds`` after the last one, so a burst of searches (typing in the app) shares one.
        """
        try:
            folder_stamp = os.stat(self.folder).st_mtime_ns
        except FileNotFoundError:
            folder_stamp = None
        except OSError as error:
            raise DiaryStorageError(
                f"cannot read the diary folder {self.folder}: {_explain(error)}"
            ) from error
        now = self._monotonic()
        if folder_stamp == self._folder_stamp and now - self._swept_at < self.recheck_seconds:
            return
        self._sweep()
        self._folder_stamp, self._swept_at = folder_stamp, now

    def _sweep(self) -> None:
        stamps: dict[date, tuple[int, int]] = {}
        try:
            with os.scandir(self.folder) as scan:
                for item in scan:
                    day = self._day_of_name(item.name)
                    if day is not None:
                        with contextlib.suppress(OSError):  # deleted since the listing: gone below
                            status = item.stat()
                            stamps[day] = (status.st_mtime_ns, status.st_size)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise DiaryStorageError(
                f"cannot list the diary folder {self.folder}: {_explain(error)}"
            ) from error
        for day, stamp in stamps.items():
            if self._indexed.get(day) != stamp:
                self._reindex(day, stamp)
        for gone in set(self._indexed) - stamps.keys():
            self._index.remove(gone)
            del self._indexed[gone]
        for gone in set(self.unreadable) - stamps.keys():
            del self.unreadable[gone]

    def _reindex(self, day: date, stamp: tuple[int, int]) -> None:
        # The stamp is from before the read: if the file changes in between, the next sweep re-reads it.
        try:
            stored = self.read(day)
        except DiaryStorageError as error:
            self.unreadable[day] = str(error)
            self._index.remove(day)
            self._indexed.pop(day, None)
            return
        self.unreadable.pop(day, None)
        if stored is not None:
            self._index.put(stored.entry)
            self._indexed[day] = stamp

    def _day_of_name(self, name: str) -> date | None:
        if name in self._day_names:
            return self._day_names[name]
        day = None
        if match := ENTRY_NAME.fullmatch(name):
            with contextlib.suppress(ValueError):  # 2025-02-30.md is not a day; ignore it
                day = date(*(int(part) for part in match.groups()))
        self._day_names[name] = day
        return day
