"""Finding and loading lesson files: the bundled library and the user's own ``lessons/`` folder.

A broken file is listed as broken with its error while the rest of the library loads; two files
with one id, or a ``requires`` naming no lesson, are reported the same way.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Literal

from studybuddy.core.lessons import Lesson, LessonError, LessonSummary, Location, validate_lesson
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
        return self.summary.id if self.summary else self.file.path.stem

    @property
    def title(self) -> str:
        return self.summary.title if self.summary else self.file.path.name

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
    """Files and folders named on the command line; a missing path is an error the user reads."""
    found: list[LessonFile] = []
    for path in paths:
        if path.is_dir():
            found.extend(_walk(path, "given"))
        elif path.is_file():
            stat = path.stat()
            filename = str(path.absolute())
            found.append(
                LessonFile(
                    filename, "given", stat.st_size, stat.st_mtime_ns, _shown(filename, _display_prefix())
                )
            )
        else:
            raise LessonError("no such file or folder", location=None, path=str(path))
    return found


def _walk(folder: Path, origin: Origin) -> list[LessonFile]:
    found = []
    prefix = _display_prefix()
    pending = [str(folder.absolute())]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                pending.append(entry.path)
            elif entry.name.endswith(LESSON_SUFFIXES) and entry.is_file():
                stat = entry.stat()
                filename = entry.path
                found.append(
                    LessonFile(filename, origin, stat.st_size, stat.st_mtime_ns, _shown(filename, prefix))
                )
    found.sort(key=lambda file: file.filename)
    return found


def _shown(filename: str, prefix: str) -> str:
    return filename[len(prefix) :] if filename.startswith(prefix) else filename


def read_lesson(file: LessonFile) -> Lesson:
    """Load and validate one lesson file, or raise LessonError with its position. The lesson's
    ``fingerprint`` is the SHA-256 of the file's bytes: any edit makes it another lesson."""
    name = file.display_name
    if file.size > MAX_FILE_BYTES:  # refuse before reading a huge file into memory
        raise LessonError(
            f"the file is {file.size / (1024 * 1024):.1f} MB; a lesson file may be at most 256 KiB",
            location=Location(name, 1, 1),
        )
    try:
        with open(file.filename, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise LessonError(f"cannot read the file: {error.strerror}", location=Location(name, 1, 1)) from None
    lesson = validate_lesson(load_yaml_bytes(data, name), name)
    return replace(lesson, fingerprint=hashlib.sha256(data).hexdigest())


def load_library(
    files: Sequence[LessonFile],
    cache: LessonCache | None = None,
    *,
    known_ids: Iterable[str] = (),
    pace: Callable[[], object] | None = None,
) -> LessonLibrary:
    """Summaries of every file (from the cache when unchanged), then library-wide id checks.

    ``known_ids`` are lessons outside ``files`` that ``requires`` may name (checking one file of a library).
    ``pace`` is called before each file that must be read (the app's loads give way to its keys there).
    """
    entries = []
    for file in files:
        cached = cache.lookup(file) if cache is not None else None
        if cached is None:
            if pace is not None:
                pace()
            try:
                cached = read_lesson(file).summary()
            except LessonError as error:
                cached = error
            if cache is not None:
                cache.store(file, cached)
        if isinstance(cached, LessonError):
            entries.append(LibraryEntry(file, None, cached))
        else:
            entries.append(LibraryEntry(file, cached))
    if cache is not None:
        cache.save(files)
    return LessonLibrary(tuple(_check_ids(entries, frozenset(known_ids))))


def _check_ids(entries: list[LibraryEntry], known_ids: frozenset[str]) -> list[LibraryEntry]:
    first_by_id: dict[str, LibraryEntry] = {}
    checked = []
    for entry in entries:
        summary = entry.summary
        if summary is not None and summary.id in first_by_id:
            other = first_by_id[summary.id].file.display_name
            entry = replace(
                entry,
                error=LessonError(
                    f"the id '{summary.id}' is already used by {other}", location=summary.location, path="id"
                ),
            )
        elif summary is not None:
            first_by_id[summary.id] = entry
        checked.append(entry)
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
    return checked
