"""The study home's event logs: the record of truth for sessions, attempts, lessons and reviews.

Each machine appends to its own file, ``log/<machine id>.jsonl``, one JSON object a line, so two
machines never change the same file and git merges them without a conflict. A line is appended whole
(one ``write`` on an ``O_APPEND`` descriptor, then fsync) and never changed afterwards. A crash in the
middle of a write leaves a torn last line: readers leave it unread until it ends, and the next append
starts on a fresh line, after which the torn one is a bad line that readers skip (counted, never an
error). The machine id is made once per home and machine and kept in ``.studybuddy-machine``, which
sync keeps out of git: a clone on another machine makes its own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studybuddy.storage.database import DatabaseError

LOG_FOLDER = "log"
MACHINE_FILE = ".studybuddy-machine"
SUFFIX = ".jsonl"
_MACHINE_ID = re.compile(r"[a-z0-9-]{6,64}")

Event = dict[str, Any]


class LogError(DatabaseError):
    """A log file cannot be read or written; the message names it. A DatabaseError, since the log is
    the store: whoever copes with a store that cannot write (the countdown keeps counting) copes alike."""


@dataclass(frozen=True)
class Chunk:
    """What a read found: the whole events, where reading stopped (before a torn last line), and how many
    complete lines were not events (bad JSON, or not an object with an id and a type)."""

    events: list[Event]
    end: int
    skipped: int


class EventLog:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / LOG_FOLDER
        self._machine: str | None = None

    @property
    def machine_id(self) -> str:
        """This machine's id in this home, made on first use (a short random id)."""
        if self._machine is None:
            self._machine = self._read_or_make_machine_id()
        return self._machine

    @property
    def own_file(self) -> Path:
        return self.folder / f"{self.machine_id}{SUFFIX}"

    def known_machine_id(self) -> str | None:
        """The machine id if one was made already (never makes one)."""
        try:
            return self._read_machine_id()
        except OSError:
            return None

    def files(self) -> list[Path]:
        """Every machine's log file (regular files only), by name."""
        try:
            entries = sorted(os.scandir(self.folder), key=lambda entry: entry.name)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise LogError(f"cannot list the logs in {self.folder}: {error.strerror}") from error
        return [
            Path(entry.path)
            for entry in entries
            if entry.name.endswith(SUFFIX) and entry.is_file(follow_symlinks=False)
        ]

    def append(self, event: Event) -> int:
        """Append one event to this machine's file, durably; returns the file's size after it."""
        line = encode(event)
        path = self.own_file
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                size = os.fstat(descriptor).st_size
                if size and os.pread(descriptor, 1, size - 1) != b"\n":  # a torn line: start afresh
                    line = b"\n" + line
                view = memoryview(line)
                while view:
                    view = view[os.write(descriptor, view) :]
                os.fsync(descriptor)
                return os.fstat(descriptor).st_size
            finally:
                os.close(descriptor)
        except OSError as error:
            raise LogError(f"cannot write the log {path}: {error.strerror}; nothing was saved") from error

    def write_whole(self, events: list[Event]) -> int:
        """Replace this machine's file with ``events`` atomically (temp file, fsync, rename): for the one
        time an existing home's rows become its log. Returns the new size."""
        path = self.own_file
        partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as out:
                for event in events:
                    out.write(encode(event))
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
            _fsync_folder(self.folder)
            return path.stat().st_size
        except OSError as error:
            raise LogError(f"cannot write the log {path}: {error.strerror}; nothing was changed") from error
        finally:
            partial.unlink(missing_ok=True)

    def _read_or_make_machine_id(self) -> str:
        try:
            return self._read_machine_id()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise LogError(f"cannot read {self.root / MACHINE_FILE}: {error.strerror}") from error
        fresh = os.urandom(6).hex()
        path = self.root / MACHINE_FILE
        partial = path.with_name(f"{MACHINE_FILE}.partial-{os.getpid()}")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            partial.write_text(fresh + "\n", encoding="ascii")
            try:
                os.link(partial, path)  # never replaces: another process that got there first wins
            except FileExistsError:
                return self._read_machine_id()
        except OSError as error:
            raise LogError(f"cannot write {path}: {error.strerror}") from error
        finally:
            partial.unlink(missing_ok=True)
        return fresh

    def _read_machine_id(self) -> str:
        path = self.root / MACHINE_FILE
        text = path.read_text(encoding="ascii", errors="replace").strip()
        if not _MACHINE_ID.fullmatch(text):
            raise LogError(f"{path} does not hold a machine id; delete it and studybuddy makes a new one")
        return text


def encode(event: Event) -> bytes:
    import json  # here: `timer status` reads no log line

    return (json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode()


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
    except OSError as error:
        raise LogError(f"cannot read the log {path}: {error.strerror}") from error


def head(path: Path) -> str:
    """A hash of the file's first line (its first 4 KiB at most): what tells a file rewritten under
    the database (history rewritten in git, a file replaced by hand) from one that only grew."""
    import hashlib  # here: OpenSSL's hashes cost a command that applies nothing ~2 ms

    try:
        with open(path, "rb") as handle:
            first = handle.readline(4096)
    except OSError as error:
        raise LogError(f"cannot read the log {path}: {error.strerror}") from error
    return hashlib.sha256(first).hexdigest()[:32]


def read(path: Path, offset: int) -> Chunk:
    """The events from byte ``offset`` to the last complete line."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except OSError as error:
        raise LogError(f"cannot read the log {path}: {error.strerror}") from error
    import json

    whole = data.rfind(b"\n") + 1  # a torn last line stays unread until it ends
    events: list[Event] = []
    skipped = 0
    # Decoded once, split on newlines only: a line's text may hold U+2028 and the like, which
    # str.splitlines would also split on.
    for line in data[:whole].decode("utf-8", errors="replace").split("\n"):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            skipped += 1
            continue
        if (
            isinstance(event, dict)
            and isinstance(event.get("id"), str)
            and isinstance(event.get("type"), str)
        ):
            events.append(event)
        else:
            skipped += 1
    return Chunk(events, offset + whole, skipped)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
