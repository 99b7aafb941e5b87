"""The diary's attachments folder: pictures and files the entries link to, kept beside them.

``diary/attachments/`` (as Obsidian keeps a vault's attachments): a file copied in keeps its name;
a different file of the same name gets ``-2``, ``-3``, ... and the same bytes again are the file
already there. Every copy is written atomically (a temporary file in the folder, fsync, rename).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from studybuddy.core.errors import StudybuddyError

FOLDER_NAME = "attachments"
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024  # a picture or a PDF, not a disk image
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


class AttachmentError(StudybuddyError):
    """A linked file that cannot be copied (not a regular file, too big, unreadable, no room)."""


@dataclass
class AttachmentFolder:
    folder: Path
    dry_run: bool = False  # name the copies, write nothing
    _planned: dict[str, bytes] = field(default_factory=dict)  # dry run: names given so far

    def place(self, source: Path) -> tuple[str, bool]:
        """Copy the regular file ``source`` in: its name in the folder, and whether it was new."""
        data = _read_regular(source)
        stem, suffix = _safe_name(source.name)
        for number in range(1, 10_000):
            name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
            existing = self._planned.get(name) if self.dry_run else None
            if existing is None:
                existing = _read_existing(self.folder / name)
            if existing is None:
                if self.dry_run:
                    self._planned[name] = data
                else:
                    self._write(name, data)
                return name, True
            if existing == data:
                return name, False
        raise AttachmentError(f"{self.folder} holds 10,000 files named like {source.name}")

    def put(self, source: Path, name: str) -> bool:
        """Copy ``source`` in as ``name`` exactly (an export's pictures, where its links expect them):
        whether it was new. A different file already named so is never overwritten: AttachmentError."""
        data = _read_regular(source)
        existing = _read_existing(self.folder / name)
        if existing == data:
            return False
        if existing is not None:
            raise AttachmentError(f"{self.folder / name} is another file; it was left as it is")
        if not self.dry_run:
            self._write(name, data)
        return True

    def _write(self, name: str, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
        except OSError as error:
            raise AttachmentError(f"cannot copy {name} into {self.folder}: {error.strerror}") from error
        try:
            try:
                with os.fdopen(descriptor, "wb", closefd=False) as out:
                    out.write(data)
                os.fsync(descriptor)
                if hasattr(os, "fchmod"):
                    os.fchmod(descriptor, 0o644)
            finally:
                os.close(descriptor)
            os.replace(temporary, self.folder / name)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise AttachmentError(f"cannot copy {name} into {self.folder}: {error.strerror}") from error


def _safe_name(name: str) -> tuple[str, str]:
    """A file name that is one plain name in any file system, split into stem and suffix."""
    name = _UNSAFE.sub("_", name).strip(" .") or "file"
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    else:
        suffix = "." + suffix
    return stem[:100], suffix[:20]


def _read_existing(path: Path) -> bytes | None:
    """The bytes of the file at ``path``; None if there is none; bytes no file has if the name is
    taken by something else (a folder) or cannot be read."""
    taken = b"\x00taken: never the same bytes\x00"
    try:
        return path.read_bytes() if path.is_file() else taken if os.path.lexists(path) else None
    except FileNotFoundError:
        return None
    except OSError:
        return taken


def _read_regular(source: Path) -> bytes:
    """The bytes of the regular file ``source`` (a FIFO is never waited on), at most the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(source, flags)
    except OSError as error:
        raise AttachmentError(f"cannot read it: {error.strerror}") from error
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise AttachmentError("not a regular file (a folder, a device or a pipe)")
        if status.st_size > MAX_ATTACHMENT_BYTES:
            raise AttachmentError("over 64 MiB")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_ATTACHMENT_BYTES + 1)
    except OSError as error:
        raise AttachmentError(f"cannot read it: {error.strerror}") from error
    finally:
        os.close(descriptor)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError("over 64 MiB")
    return data
