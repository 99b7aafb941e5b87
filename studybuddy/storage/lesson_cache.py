"""A start-up cache of lesson summaries, so an unchanged library is not parsed again.

One JSON file (never pickle: a cache file is data, not code) mapping each lesson file's path to its
(size, mtime_ns) and either its summary or its error. The whole cache is dropped when studybuddy's
lesson format or version changes, and a corrupt or unreadable cache is treated as empty.
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
from studybuddy.storage.paths import make_cache_dir

if TYPE_CHECKING:
    from studybuddy.storage.lesson_library import LessonFile

# Bump when what a lesson file loads into changes (fields, validation rules, error wording).
LESSON_FORMAT_VERSION = 2  # 2: a summary holds its file's fingerprint
CACHE_FILE_NAME = "lesson-index.json"


class LessonCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = f"{__version__}/{LESSON_FORMAT_VERSION}"
        self._entries: dict[str, dict[str, Any]] = self._read()
        self._changed = False

    def lookup(self, file: LessonFile) -> LessonSummary | LessonError | None:
        """The cached result for an unchanged file, else None."""
        entry = self._entries.get(file.filename)
        if entry is None or entry.get("size") != file.size or entry.get("mtime_ns") != file.mtime_ns:
            return None
        try:
            return _decode(entry, file.display_name)
        except (KeyError, TypeError, ValueError, IndexError):  # a hand-edited or damaged entry
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
        document = {"version": self.version, "lessons": self._entries}
        try:
            make_cache_dir(self.path.parent)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".lesson-index-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            return  # a read-only home still works, only without the start-up cache
        self._changed = False

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            document = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("version") != self.version:
            return {}
        lessons = document.get("lessons")
        return lessons if isinstance(lessons, dict) else {}


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
        ]
    }  # fmt: skip


def _decode(entry: dict[str, Any], source: str) -> LessonSummary | LessonError:
    if "error" in entry:
        message, line, column, path, detail = entry["error"]
        location = Location(source, line, column) if line else None
        return LessonError(str(message), location=location, path=str(path), detail=str(detail))
    summary = entry["summary"]
    lesson_id, title, subject, topic, tags, requires, exercise_count, line, column, fingerprint = summary
    return LessonSummary(
        str(lesson_id), str(title), str(subject), str(topic), tuple(str(tag) for tag in tags),
        tuple((str(name), Location(source, int(row), int(col))) for name, row, col in requires),
        int(exercise_count), Location(source, int(line), int(column)), str(fingerprint),
    )  # fmt: skip
