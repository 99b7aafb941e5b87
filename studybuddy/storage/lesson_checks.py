"""What `studybuddy lessons check` last said of each lesson file, so the library can say "checked" or
"fails check" instead of only "loads".

One JSON file in the home's cache folder mapping a lesson file's fingerprint (the SHA-256 of its bytes)
to whether its last check passed. Keyed by content, not by path: an edited file is unknown again until
it is checked, and a copy of a checked file is checked wherever it lies. Dropped whole when studybuddy's
version changes (a newer checker may judge differently); a corrupt or unreadable file counts as empty
(as does a FIFO or a device in its place, which is never opened).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from studybuddy import __version__
from studybuddy.storage.bounded_read import read_bounded
from studybuddy.storage.paths import make_cache_dir

CHECKS_FILE_NAME = "lesson-checks.json"
KEPT = 2000  # verdicts kept, the oldest forgotten first: far more than the files one person has
MAX_FILE_BYTES = 1024 * 1024  # KEPT verdicts take ~150 KiB


class LessonCheckRecords:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = __version__
        self._passed: dict[str, bool] = self._read()
        self._changed = False

    def verdict(self, fingerprint: str) -> bool | None:
        """True or False: the last check of this exact file passed or failed; None: never checked."""
        return self._passed.get(fingerprint) if fingerprint else None

    def record(self, fingerprint: str, passed: bool) -> None:
        if not fingerprint:
            return
        self._passed.pop(fingerprint, None)  # re-inserted last: the newest verdicts are kept longest
        self._passed[fingerprint] = passed
        while len(self._passed) > KEPT:
            del self._passed[next(iter(self._passed))]
        self._changed = True

    def save(self) -> None:
        """Write the verdicts (atomically) if any changed; a read-only home just does not remember."""
        if not self._changed:
            return
        document = {"version": self.version, "passed": self._passed}
        try:
            make_cache_dir(self.path.parent)
            handle, temporary = tempfile.mkstemp(
                dir=self.path.parent, prefix=".lesson-checks-", suffix=".tmp"
            )
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            return
        self._changed = False

    def _read(self) -> dict[str, bool]:
        try:
            document = json.loads(read_bounded(self.path, MAX_FILE_BYTES))
        except (OSError, ValueError, RecursionError):  # missing, a FIFO, too large, not JSON, too deep
            return {}
        if not isinstance(document, dict) or document.get("version") != self.version:
            return {}
        passed = document.get("passed")
        if not isinstance(passed, dict):
            return {}
        return {
            key: value for key, value in passed.items() if isinstance(key, str) and isinstance(value, bool)
        }
