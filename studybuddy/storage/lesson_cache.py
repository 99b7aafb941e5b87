"""A start-up cache of lesson summaries, so an unchanged library is not parsed again.

One JSON file (never pickle: a cache file is data, not code) mapping each lesson file's path to its
(size, mtime_ns) and either its summary or its error, plus which file holds each lesson id (see
lesson_library: a new file never takes an id from the one that had it). The summaries are dropped
when studybuddy's lesson format or version changes; the id holders are kept (they are paths and ids,
whatever the format).

The cache is a file anyone can damage, so nothing read from it is trusted: a cache that is not a
regular file, too large, not JSON, nested too deep or of the wrong shape counts as empty, and an
entry with a field of the wrong type (or text holding a control character) as absent: its lesson
file is read again.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studybuddy import __version__
from studybuddy.core.lessons import LessonError, LessonSummary, Location
from studybuddy.core.terminal_text import has_control_character
from studybuddy.storage.bounded_read import read_bounded
from studybuddy.storage.paths import make_cache_dir

if TYPE_CHECKING:
    from studybuddy.storage.lesson_library import LessonFile

# Bump when what a lesson file loads into changes (fields, validation rules, error wording).
LESSON_FORMAT_VERSION = 6  # 2: a summary holds its file's fingerprint; 3: control characters refused;
# 4: shape, number and choice exercises and parameters (a file refused before may load now);
# 5: a summary holds its step count and exercise ids (the learner's path); 6: and its time estimate
CACHE_FILE_NAME = "lesson-index.json"
MAX_CACHE_BYTES = 64 * 1024 * 1024  # ~150 times what 1,000 lessons take


class LessonCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = f"{__version__}/{LESSON_FORMAT_VERSION}"
        document = _read_document(path)
        self._entries: dict[str, Any] = self._summaries(document)
        self._owners: dict[str, str] = _owners(document)
        self._changed = False

    @property
    def owners(self) -> dict[str, str]:
        """Lesson id -> the file (its full path) that held that id when the library was last listed."""
        return dict(self._owners)

    @owners.setter
    def owners(self, owners: dict[str, str]) -> None:
        if owners != self._owners:
            self._owners = dict(owners)
            self._changed = True

    def lookup(self, file: LessonFile) -> LessonSummary | LessonError | None:
        """The cached result for an unchanged file, else None."""
        entry = self._entries.get(file.filename)
        if (
            not isinstance(entry, dict)
            or entry.get("size") != file.size
            or entry.get("mtime_ns") != file.mtime_ns
        ):
            return None
        try:
            return _decode(entry, file.display_name)
        except (KeyError, TypeError, ValueError, IndexError, OverflowError):  # a hand-edited or damaged entry
            return None

    def store(self, file: LessonFile, result: LessonSummary | LessonError) -> None:
        self._entries[file.filename] = {"size": file.size, "mtime_ns": file.mtime_ns, **_encode(result)}
        self._changed = True

    def save(self, files: Sequence[LessonFile]) -> None:
        """Write the cache (atomically) if anything changed, forgetting files that are gone."""
        live = {file.filename for file in files}
        if set(self._entries) - live:
            self._entries = {path: entry for path, entry in self._entries.items() if path in live}
            self._changed = True
        if not self._changed:
            return
        document = {"version": self.version, "lessons": self._entries, "owners": self._owners}
        try:
            text = json.dumps(document, separators=(",", ":"))
        except (ValueError, RecursionError):  # a damaged entry kept beside a good one: start afresh
            text = json.dumps({"version": self.version, "lessons": {}, "owners": self._owners})
        try:
            make_cache_dir(self.path.parent)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".lesson-index-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                os.replace(temporary, self.path)
            except OSError:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a read-only home still works, only without the start-up cache
        self._changed = False

    def _summaries(self, document: dict[str, Any]) -> dict[str, Any]:
        if document.get("version") != self.version:
            return {}
        lessons = document.get("lessons")
        return lessons if isinstance(lessons, dict) else {}


def _read_document(path: Path) -> dict[str, Any]:
    """The cache file's JSON object, or {} when there is none that can be used."""
    try:
        document = json.loads(read_bounded(path, MAX_CACHE_BYTES))
    except (OSError, ValueError, RecursionError):  # missing, a FIFO, too large, not JSON, nested too deep
        return {}
    return document if isinstance(document, dict) else {}


def _owners(document: dict[str, Any]) -> dict[str, str]:
    owners = document.get("owners")
    if not isinstance(owners, dict):
        return {}
    return {
        lesson_id: filename
        for lesson_id, filename in owners.items()
        if isinstance(lesson_id, str) and isinstance(filename, str)
    }


def _encode(result: LessonSummary | LessonError) -> dict[str, Any]:
    if isinstance(result, LessonError):
        where = result.location
        return {
            "error": [
                result.message,
                where.line if where else 0,
                where.column if where else 0,
                result.path,
                result.detail,
            ]
        }
    return {
        "summary": [
            result.id, result.title, result.subject, result.topic, list(result.tags),
            [[name, at.line, at.column] for name, at in result.requires],
            result.exercise_count, result.location.line, result.location.column, result.fingerprint,
            result.step_count, list(result.exercise_ids), result.minutes,
        ]
    }  # fmt: skip


def _decode(entry: dict[str, Any], source: str) -> LessonSummary | LessonError:
    """The entry as it was stored, or ValueError/TypeError/... when any part is not what _encode wrote."""
    if "error" in entry:
        message, line, column, path, detail = entry["error"]
        _texts(message, path, detail)
        location = Location(source, _count(line, 0), _count(column, 0)) if _count(line, 0) else None
        return LessonError(message, location=location, path=path, detail=detail)
    summary = entry["summary"]
    (lesson_id, title, subject, topic, tags, requires, exercise_count, line, column, fingerprint,
     step_count, exercise_ids, minutes) = summary  # fmt: skip
    if type(tags) is not list or type(requires) is not list or type(exercise_ids) is not list:
        raise TypeError("tags, requires and exercise ids are lists")
    names = [name for name, _, _ in requires]
    _texts(lesson_id, title, subject, topic, fingerprint, *tags, *names, *exercise_ids)
    return LessonSummary(
        lesson_id, title, subject, topic, tuple(tags),
        tuple((name, Location(source, _count(row), _count(col))) for name, row, col in requires),
        _count(exercise_count, 0), Location(source, _count(line), _count(column)), fingerprint,
        _count(step_count, 0), tuple(exercise_ids), None if minutes is None else _count(minutes),
    )  # fmt: skip


def _texts(*values: object) -> None:
    """Strings as _encode wrote them: lesson text never holds a control character (the loader refuses
    them), so one here means the entry was altered. (One search over them all: a warm start decodes
    an entry per lesson.)"""
    if not all(type(value) is str for value in values) or has_control_character(" ".join(values)):  # type: ignore[arg-type]
        raise ValueError("not lesson text")


def _count(value: object, minimum: int = 1) -> int:
    """A line, column or count as _encode wrote it (bool is an int to Python, not here)."""
    if type(value) is not int or not minimum <= value < 1 << 31:
        raise ValueError("not a line, column or count")
    return value
