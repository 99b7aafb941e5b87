"""The diary on disk: one Markdown file per day, ``diary/YYYY-MM-DD.md``.

Safety, because a diary is years of someone's effort:

- Writes are atomic: a temporary file in the same folder, flushed and fsynced, then ``os.replace``
  and an fsync of the folder. A crash at any moment leaves the whole old text or the whole new text.
- Optimistic concurrency: every read returns a ``Version`` (mtime, size and a content hash); a save
  names the version it started from, and if the file changed since (another program, another
  studybuddy), the save is refused: ``try_save`` writes nothing and says so (the diary service then
  merges the two texts), ``save`` raises ``DiaryConflict`` after writing the user's text beside the
  entry as ``YYYY-MM-DD.conflict-N.md``. Nothing is overwritten, nothing is lost. Conflict copies
  are listed (``conflict_copies``) and searched (``search_copies``) beside the entries.
- studybuddy's own writers (the CLI and the app at once) take a lock on ``diary/.studybuddy.lock``
  around read-modify-write, so two of them appending lines never conflict.
- Every OS failure (unreadable file, read-only folder, full disk) is a ``DiaryStorageError`` that
  says what happened and that the old file is intact.
- A save killed mid-write leaves only a hidden ``.YYYY-MM-DD.md.XXXXXXXX.tmp`` file, never a torn
  entry; ``remove_stale_temporaries`` deletes such files once they are clearly abandoned.

Listing only reads folder names. Search uses an index kept fresh by ``diary_index.FreshIndex``, and
saved between processes when an ``index_cache`` path is given.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from studybuddy.core.diary import (
    ENTRY_NAME,
    DiaryEntry,
    conflict_copy_name,
    entry_file_name,
    parse_conflict_copy_name,
)
from studybuddy.core.errors import StudybuddyError
from studybuddy.storage.diary_cache import Stamp, stamp_of

if TYPE_CHECKING:
    from studybuddy.core.diary_search import DiaryQuery
    from studybuddy.storage.diary_index import FreshIndex

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the version check still guards every save
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".studybuddy.lock"
_STAT_IN_FOLDER = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd
# What ``_write_atomically`` names its temporary files (mkstemp's eight random characters): the only
# files studybuddy ever deletes from the diary folder, and only when abandoned for this long (a save
# takes milliseconds).
_TEMPORARY = re.compile(r"\.\d{4}-\d{2}-\d{2}\.md\.[a-z0-9_]{8}\.tmp")
STALE_TEMPORARY_SECONDS = 15 * 60


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
    import hashlib  # here: OpenSSL's hashes load in ~2 ms, and listing the diary reads no entry

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _load(path: str | Path) -> tuple[str, bytes, os.stat_result] | None:
    """A diary file's text, bytes and status; None if there is no such file."""
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
    return text, data, status


def _open_lock_file(path: Path) -> BinaryIO:
    """The lock file, opened (created if missing) without following a link: a symbolic link in its place
    (a shared or synced folder can bring one) is replaced by a plain file, so opening the lock never
    creates or touches a file elsewhere."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError:
        if not path.is_symlink():
            raise
        path.unlink()  # the link only; whatever it points at is left alone
        try:
            descriptor = os.open(path, flags | os.O_EXCL, 0o644)
        except FileExistsError:  # another studybuddy made it meanwhile
            descriptor = os.open(path, flags, 0o644)
    return os.fdopen(descriptor, "r+b")


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
        self,
        folder: Path,
        *,
        index_cache: Path | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        recheck_seconds: float = 1.0,
    ) -> None:
        """``index_cache``: where to keep the search index between processes (None: rebuild it in each).
        ``wall_clock``: seconds since the epoch, to judge a temporary file's age by its mtime."""
        self.folder = folder
        self._folder_name = str(folder)
        self._wall_clock = wall_clock
        self._day_names: dict[str, date | None] = {}  # file name -> its day (None: not an entry)
        self._index_options = (index_cache, monotonic, recheck_seconds)

    @cached_property
    def _index(self) -> FreshIndex:
        """The search index, made on first use: `diary list` and the editor never search, and the
        search modules cost a quick command a few milliseconds to import."""
        from studybuddy.storage.diary_index import FreshIndex

        index_cache, monotonic, recheck_seconds = self._index_options
        return FreshIndex(self, saved_at=index_cache, monotonic=monotonic, recheck_seconds=recheck_seconds)

    @property
    def unreadable(self) -> dict[date, str]:
        """Entries the last search could not read, with the reason."""
        return self._index.unreadable

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
        loaded = _load(path)
        if loaded is None:
            return None
        text, data, status = loaded
        version = Version(status.st_mtime_ns, status.st_size, _digest(data))
        return StoredEntry(DiaryEntry(day, text), version, path)

    def read_entry(self, day: date) -> DiaryEntry | None:
        """The entry alone, without its version: for indexing, which reads thousands at once."""
        loaded = _load(os.path.join(self._folder_name, entry_file_name(day)))
        return None if loaded is None else DiaryEntry(day, loaded[0])

    def current_version(self, day: date) -> Version:
        stored = self.read(day)
        return ABSENT if stored is None else stored.version

    # Writing -----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive among studybuddy processes for a read-modify-write (other programs ignore it)."""
        self._make_folder()
        try:
            handle = _open_lock_file(self.folder / LOCK_NAME)
        except OSError as error:
            raise DiaryStorageError(
                f"cannot write in the diary folder {self.folder}: {_explain(error)}"
            ) from error
        with handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    def remove_stale_temporaries(self) -> list[Path]:
        """Delete the temporary files of saves that were killed mid-write; the paths deleted.

        Only studybuddy's own pattern, only files older than ``STALE_TEMPORARY_SECONDS``, and nothing
        while another studybuddy holds the diary lock (it may be saving right now). A file that cannot
        be deleted (a read-only folder) is left: it is hidden, and never read as an entry.
        """
        try:
            with os.scandir(self.folder) as scan:
                found = [Path(item.path) for item in scan if _TEMPORARY.fullmatch(item.name)]
        except OSError:  # no folder, or one that cannot be listed: the commands that list say so
            return []
        if not found:
            return []
        try:
            handle = _open_lock_file(self.folder / LOCK_NAME)
        except OSError:
            return []
        removed = []
        with handle:
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return []
            abandoned_before = self._wall_clock() - STALE_TEMPORARY_SECONDS
            for path in found:
                with contextlib.suppress(OSError):  # gone meanwhile, or cannot be deleted: see above
                    if path.lstat().st_mtime < abandoned_before:
                        path.unlink()
                        removed.append(path)
        return removed

    def save(self, day: date, text: str, *, expected: Version) -> Version:
        """Write the entry atomically if the file is still at ``expected``; else the text is kept in a
        conflict copy and DiaryConflict raised (for writers that cannot merge: the importer)."""
        version = self.try_save(day, text, expected=expected)
        if version is None:
            raise DiaryConflict(day, self.path_for(day), self.save_conflict_copy(day, text))
        return version

    def try_save(self, day: date, text: str, *, expected: Version) -> Version | None:
        """Write the entry atomically if the file is still at ``expected``; None (nothing written) if not.

        The check and the replace are not one atomic step against other programs; the window is the
        few microseconds between them, and studybuddy's own writers are serialised by ``locked``.
        """
        path = self.path_for(day)
        if self.current_version(day) != expected:
            return None
        data = text.encode("utf-8")
        status = self._write_atomically(path, data)
        if "_index" in vars(self):  # an index not made yet reads the file when first searched
            self._index.saved(day, text, stamp_of(status))
        return Version(status.st_mtime_ns, status.st_size, _digest(data))

    def save_conflict_copy(self, day: date, text: str, *, number: int | None = None) -> Path:
        """Keep ``text`` beside the entry in ``YYYY-MM-DD.conflict-N.md``: N is ``number`` if that name
        is free (an import giving copies back), else the first free number."""
        self._make_folder()
        data = text.encode("utf-8")
        numbers = range(1, 10_000) if number is None else (number, *range(1, 10_000))
        for candidate in numbers:
            aside = self.folder / conflict_copy_name(day, candidate)
            try:
                descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            except OSError as error:
                raise DiaryStorageError(
                    f"cannot write {aside.name} beside {self.path_for(day)} ({_explain(error)}); "
                    "the entry itself is untouched"
                ) from error
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            return aside
        raise DiaryStorageError(f"too many conflict copies of {day.isoformat()} in {self.folder}")

    # Conflict copies -------------------------------------------------------------------------------

    def conflict_copies(self) -> dict[date, list[Path]]:
        """Every conflict copy by the day it belongs to, each day's in the order they were made."""
        try:
            with os.scandir(self.folder) as scan:
                names = [item.name for item in scan if ".conflict-" in item.name]
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise DiaryStorageError(
                f"cannot list the diary folder {self.folder}: {_explain(error)}"
            ) from error
        copies: dict[date, list[tuple[int, Path]]] = {}
        for name in names:
            found = parse_conflict_copy_name(name)
            if found is not None:
                day, number = found
                copies.setdefault(day, []).append((number, self.folder / name))
        return {day: [path for _, path in sorted(paths)] for day, paths in sorted(copies.items())}

    def read_copy(self, path: Path) -> DiaryEntry | None:
        """A conflict copy as an entry of its day; None if it is gone."""
        found = parse_conflict_copy_name(path.name)
        if found is None:
            raise ValueError(f"{path.name} is not a conflict copy's name")
        loaded = _load(path)
        return None if loaded is None else DiaryEntry(found[0], loaded[0])

    def _write_atomically(self, path: Path, data: bytes) -> os.stat_result:
        self._make_folder()
        try:
            import tempfile  # here: `diary list` and `search` never write, and it costs them 4 ms

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
        return path.stat()

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
        return self._index.search(query)

    def search_copies(self, query: DiaryQuery) -> list[tuple[Path, DiaryEntry]]:
        """Matching conflict copies, newest day first. Unreadable ones are listed in ``unreadable_copies``."""
        return self._index.search_copies(query)

    @property
    def unreadable_copies(self) -> dict[str, str]:
        """Conflict copies the last search could not read (by file name), with the reason."""
        return self._index.unreadable_copies

    def folder_stamp(self) -> int | None:
        """The folder's mtime: it changes when a file is created, deleted or renamed into it."""
        try:
            return os.stat(self.folder).st_mtime_ns
        except FileNotFoundError:
            return None
        except OSError as error:
            raise DiaryStorageError(
                f"cannot read the diary folder {self.folder}: {_explain(error)}"
            ) from error

    def entry_stamps(self) -> tuple[dict[date, Stamp], list[str]]:
        """Every entry's stamp, and the conflict copies' names, from one listing and one stat per entry
        (the cheapest way: a stat relative to the open folder skips resolving the path again for each
        of thousands of files)."""
        stamps: dict[date, Stamp] = {}
        copies: list[str] = []
        descriptor: int | None = None
        try:
            if _STAT_IN_FOLDER:
                descriptor = os.open(self.folder, os.O_RDONLY)
            for name in os.listdir(self.folder if descriptor is None else descriptor):
                day = self._day_of_name(name)
                if day is None:
                    if ".conflict-" in name and parse_conflict_copy_name(name) is not None:
                        copies.append(name)
                    continue
                try:
                    if descriptor is None:
                        status = os.stat(self.folder / name)
                    else:
                        status = os.stat(name, dir_fd=descriptor)
                except OSError:  # deleted since the listing: absent from the stamps, so forgotten
                    continue
                stamps[day] = stamp_of(status)
        except FileNotFoundError:
            return stamps, copies
        except OSError as error:
            raise DiaryStorageError(
                f"cannot list the diary folder {self.folder}: {_explain(error)}"
            ) from error
        finally:
            if descriptor is not None:
                os.close(descriptor)
        return stamps, copies

    def _day_of_name(self, name: str) -> date | None:
        if name in self._day_names:
            return self._day_names[name]
        day = None
        if match := ENTRY_NAME.fullmatch(name):
            with contextlib.suppress(ValueError):  # 2025-02-30.md is not a day; ignore it
                day = date(*(int(part) for part in match.groups()))
        self._day_names[name] = day
        return day
