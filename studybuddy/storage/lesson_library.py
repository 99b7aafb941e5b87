"""Finding and loading lesson files: the bundled library and the user's own ``lessons/`` folder.

A broken file is listed as broken with its error while the rest of the library loads; two files
with one id, or a ``requires`` naming no lesson, are reported the same way.

Lesson folders are shared (a clone, an unpacked archive), so a file is read only if it is a regular
file inside the folder it was found in: a link to a file elsewhere (``x.yaml -> ~/.ssh/id_rsa``) is
listed as broken without being opened, so nothing of that file can reach an error message; so are a
named pipe or a device with a lesson's name (opening one would hang or never end).

Two files with one id: the one that held the id before keeps it (progress is recorded by id, so a
new file must not take over a lesson's history). "Before" is what the lesson cache remembers from
the last listing, while that file is still there (even if it does not load at the moment, e.g. half
edited); with nothing remembered (a fresh home, a deleted cache), the first in library order keeps
it: bundled lessons, then the home's, each by path. The other file is listed as broken, with an
error naming both files.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Literal

from studybuddy.core.lessons import Lesson, LessonError, LessonSummary, Location, validate_lesson
from studybuddy.core.terminal_text import printable, printable_line
from studybuddy.storage.bounded_read import RefusedFile, not_a_file, read_bounded
from studybuddy.storage.lesson_cache import LessonCache
from studybuddy.storage.lesson_yaml import MAX_FILE_BYTES, load_yaml_bytes

Origin = Literal["bundled", "user", "given"]
LESSON_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class LessonFile:
    """A lesson file found on disk. Paths are kept as strings: a library of a thousand files is
    listed at every start-up, and pathlib objects cost more than the rest of a warm start."""

    filename: str
    origin: Origin
    size: int
    mtime_ns: int
    display_name: str  # as error messages show it: relative to the working folder when inside it
    refused: str = ""  # why the file is not read at all (a link out of its folder, a FIFO), if it is not

    @property
    def path(self) -> Path:
        return Path(self.filename)


def _display_prefix() -> str:
    try:
        return os.getcwd() + os.sep
    except OSError:  # the working folder was deleted
        return "\0"


Status = Literal["broken", "loads", "checked", "fails check"]


@dataclass(frozen=True)
class LibraryEntry:
    """One lesson file as the library lists it: a summary when it loads, else the error; and what
    `studybuddy lessons check` last said of this exact file (None: it was never checked)."""

    file: LessonFile
    summary: LessonSummary | None
    error: LessonError | None = None
    checked: bool | None = None

    @property
    def loads(self) -> bool:
        return self.error is None

    @property
    def status(self) -> Status:
        """What the file is worth: "broken" (does not load), "loads" (valid, but never checked as it is
        now), "checked" (its last check passed) or "fails check" (its last check failed)."""
        if self.error is not None:
            return "broken"
        if self.checked is None:
            return "loads"
        return "checked" if self.checked else "fails check"

    @property
    def id(self) -> str:
        return self.summary.id if self.summary else printable_line(self.file.path.stem)

    @property
    def title(self) -> str:
        """The lesson's title, or for a broken file its name (control characters escaped)."""
        return self.summary.title if self.summary else self.file_name

    @property
    def file_name(self) -> str:
        """The file's name (not its folder) as the lists show it, control characters escaped."""
        return printable_line(self.file.path.name)

    @property
    def subject(self) -> str:
        return self.summary.subject if self.summary else ""

    @property
    def topic(self) -> str:
        return self.summary.topic if self.summary else ""

    @property
    def tags(self) -> tuple[str, ...]:
        return self.summary.tags if self.summary else ()

    @property
    def exercise_count(self) -> int:
        return self.summary.exercise_count if self.summary else 0


@dataclass(frozen=True)
class LessonLibrary:
    entries: tuple[LibraryEntry, ...]

    def find(self, lesson_id: str) -> LibraryEntry | None:
        for entry in self.entries:
            if entry.loads and entry.id == lesson_id:
                return entry
        return None


def bundled_lessons_dir() -> Path:
    """The lessons shipped with studybuddy (the repository's top-level ``lessons/`` folder)."""
    return Path(str(resources.files("studybuddy.bundled_lessons")))


def find_lesson_files(folders: Iterable[tuple[Path, Origin]]) -> list[LessonFile]:
    """Every lesson file under each folder (recursively, sorted), skipping folders that do not exist."""
    found: list[LessonFile] = []
    for folder, origin in folders:
        found.extend(_walk(folder, origin))
    return found


def expand_paths(paths: Sequence[Path]) -> list[LessonFile]:
    """Files and folders named on the command line; a missing path is an error the user reads.
    A file named directly is read under the same rule as in a folder: the folder is its own."""
    found: list[LessonFile] = []
    for path in paths:
        if path.is_dir():
            found.extend(_walk(path, "given"))
        elif os.path.lexists(path):
            filename = str(path.absolute())
            found.append(_lesson_file(filename, "given", os.path.dirname(filename), _display_prefix()))
        else:
            raise LessonError("no such file or folder", location=None, path=printable(str(path)))
    return found


def _walk(folder: Path, origin: Origin) -> list[LessonFile]:
    found = []
    prefix = _display_prefix()
    root = str(folder.absolute())
    pending = [root]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    pending.append(entry.path)
            elif entry.name.endswith(LESSON_SUFFIXES):
                found.append(_lesson_file(entry.path, origin, root, prefix))
    found.sort(key=lambda file: file.filename)
    return found


def _lesson_file(filename: str, origin: Origin, root: str, prefix: str) -> LessonFile:
    """A lesson file found under ``root``, or one marked ``refused`` (never opened) when it is a link
    to somewhere outside ``root``, or not a regular file (a FIFO, a device, a dangling link)."""
    shown = _shown(filename, prefix)
    try:
        status = os.lstat(filename)  # one system call for the usual file: a start-up lists them all
        if stat.S_ISLNK(status.st_mode):
            target = os.path.realpath(filename)
            real_root = os.path.realpath(root)
            if os.path.commonpath([target, real_root]) != real_root:
                return _refused(
                    filename, origin, status, shown, f"is a link to a file outside {printable(root)}"
                )
            status = os.stat(filename)
    except (OSError, ValueError) as error:  # a dangling link or a link loop, say
        reason = getattr(error, "strerror", None) or "cannot be read"
        return _refused(filename, origin, None, shown, f"cannot be read: {reason}")
    kind = not_a_file(status.st_mode)
    if kind is not None:
        return _refused(filename, origin, status, shown, f"is {kind}, not a lesson file")
    return LessonFile(filename, origin, status.st_size, status.st_mtime_ns, shown)


def _refused(
    filename: str, origin: Origin, status: os.stat_result | None, shown: str, reason: str
) -> LessonFile:
    size, mtime = (status.st_size, status.st_mtime_ns) if status is not None else (0, 0)
    return LessonFile(filename, origin, size, mtime, shown, refused=f"{reason}; it is not read")


def _shown(filename: str, prefix: str) -> str:
    """The name messages show: relative to the working folder, control characters escaped (a file
    name may hold an ESC as well as a lesson may)."""
    return printable(filename[len(prefix) :] if filename.startswith(prefix) else filename)


def read_lesson(file: LessonFile) -> Lesson:
    """Load and validate one lesson file, or raise LessonError with its position. The lesson's
    ``fingerprint`` is the SHA-256 of the file's bytes: any edit makes it another lesson."""
    name = file.display_name
    if file.refused:
        raise LessonError(file.refused, location=Location(name, 1, 1))
    if file.size > MAX_FILE_BYTES:  # refuse before reading a huge file into memory
        raise LessonError(
            f"the file is {file.size / (1024 * 1024):.1f} MB; a lesson file may be at most 256 KiB",
            location=Location(name, 1, 1),
        )
    try:
        data = read_bounded(file.filename, MAX_FILE_BYTES)
    except RefusedFile as error:  # changed since it was listed
        raise LessonError(f"cannot read the file: {error.strerror}", location=Location(name, 1, 1)) from None
    except OSError as error:
        reason = error.strerror or "unreadable"
        raise LessonError(f"cannot read the file: {reason}", location=Location(name, 1, 1)) from None
    lesson = validate_lesson(load_yaml_bytes(data, name), name)
    return replace(lesson, fingerprint=hashlib.sha256(data).hexdigest())


def load_library(
    files: Sequence[LessonFile],
    cache: LessonCache | None = None,
    *,
    known_ids: Iterable[str] = (),
    pace: Callable[[], object] | None = None,
    owners: Mapping[str, str] | None = None,
) -> LessonLibrary:
    """Summaries of every file (from the cache when unchanged), then library-wide id checks.

    ``known_ids`` are lessons outside ``files`` that ``requires`` may name (checking one file of a library).
    ``pace`` is called before each file that must be read (the app's loads give way to its keys there).
    ``owners``: which file held each id before (default: what ``cache`` remembers; see the module's
    docstring), and the cache then remembers who holds each id now.
    """
    entries = []
    for file in files:
        cached = cache.lookup(file) if cache is not None and not file.refused else None
        if cached is None:
            if pace is not None:
                pace()
            try:
                cached = read_lesson(file).summary()
            except LessonError as error:
                cached = error
            if cache is not None and not file.refused:
                cache.store(file, cached)
        if isinstance(cached, LessonError):
            entries.append(LibraryEntry(file, None, cached))
        else:
            entries.append(LibraryEntry(file, cached))
    if owners is None:
        owners = cache.owners if cache is not None else {}
    checked, holders = _check_ids(entries, frozenset(known_ids), owners)
    if cache is not None:
        cache.owners = holders
        cache.save(files)
    return LessonLibrary(tuple(checked))


def _check_ids(
    entries: list[LibraryEntry], known_ids: frozenset[str], owners: Mapping[str, str]
) -> tuple[list[LibraryEntry], dict[str, str]]:
    """The entries with duplicate ids and unknown ``requires`` marked as errors, and the file that
    holds each id now (``owners`` as it should be remembered)."""
    by_filename = {entry.file.filename: entry for entry in entries}
    holder_of: dict[str, LibraryEntry] = {}
    for lesson_id, filename in owners.items():  # the file that held the id before, while it is there
        entry = by_filename.get(filename)
        if entry is not None and (entry.summary is None or entry.summary.id == lesson_id):
            holder_of[lesson_id] = entry  # broken now (being edited, say): the id stays reserved for it
    for entry in entries:
        if entry.summary is not None:
            holder_of.setdefault(entry.summary.id, entry)  # else the first in library order
    checked = []
    for entry in entries:
        summary = entry.summary
        holder = holder_of.get(summary.id) if summary is not None else None
        if summary is not None and holder is not None and holder is not entry:
            state = "" if holder.summary is not None else " (which does not load now: fix it there)"
            entry = replace(
                entry,
                error=LessonError(
                    f"the id '{summary.id}' is already used by {holder.file.display_name}{state}; "
                    "give this lesson another id",
                    location=summary.location,
                    path="id",
                ),
            )
        checked.append(entry)
    first_by_id = {lesson_id: entry for lesson_id, entry in holder_of.items() if entry.summary is not None}
    for index, entry in enumerate(checked):
        if entry.summary is None or entry.error is not None:
            continue
        for required, location in entry.summary.requires:
            if required not in first_by_id and required not in known_ids:
                checked[index] = replace(
                    entry,
                    error=LessonError(
                        f"requires '{required}', but no lesson has that id",
                        location=location,
                        path="requires",
                    ),
                )
                break
    return checked, {lesson_id: entry.file.filename for lesson_id, entry in holder_of.items()}
