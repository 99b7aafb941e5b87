"""Reading a small file that may not be what its name says: never a FIFO or a device, never unbounded.

A named pipe opened for reading waits for a writer (every command would hang), ``/dev/zero`` never
ends and a multi-gigabyte file fills memory. Files studybuddy reads whole (the config file, lesson
files, its caches) are read here: anything but a regular file is refused before it is opened, and
at most ``limit`` bytes are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Opened without blocking (a FIFO swapped in after the check still cannot make open() wait) and never
# inherited by the grading worker processes.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class RefusedFile(OSError):
    """The path is not a regular file, or is larger than the caller reads; ``strerror`` says which,
    so callers that report ``error.strerror`` for any OSError say it too."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.strerror = reason


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``limit`` of them.

    Raises FileNotFoundError and other OSErrors as ``open`` does, and RefusedFile for a FIFO, a
    device, a socket or a folder (none of them opened) and for a file over ``limit`` bytes.
    """
    _require_regular(os.stat(path), limit)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        _require_regular(os.fstat(descriptor), limit)  # it may have been replaced since the stat
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:  # it grew after the stat
        raise RefusedFile(f"it is larger than {_size(limit)}")
    return data


def not_a_file(mode: int) -> str | None:
    """What a non-regular file is, in words ("a named pipe (FIFO)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _require_regular(status: os.stat_result, limit: int) -> None:
    kind = not_a_file(status.st_mode)
    if kind is not None:
        raise RefusedFile(f"it is {kind}, not a regular file")
    if status.st_size > limit:
        raise RefusedFile(f"it is {_size(status.st_size)}, larger than {_size(limit)}")


def _size(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):.1f} MB"
    if n_bytes >= 1024:
        return f"{n_bytes / 1024:.0f} KiB"
    return f"{n_bytes} bytes"
