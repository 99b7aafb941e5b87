"""The diary's search index, kept between processes in the study home's cache folder.

Every ``studybuddy diary search`` from the shell is a new process, and building the index means reading
and splitting every entry (a quarter of a second for ten years of entries). The saved copy records each
file's stamp (mtime, ctime, size) as it was when indexed; the next process re-reads only the files whose
stamp differs. The copy is a convenience, never a source of truth: missing, damaged, of another format
or written for another folder, it is not used (a miss, never an error); failing to write it is not an
error either, the next search simply builds the index again.

The file is one header line (magic, format, CRC-32 of the rest) and then JSON: the CRC catches a file
damaged in ways that still parse, for the price of a millisecond.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studybuddy.storage.paths import make_cache_dir

if TYPE_CHECKING:  # imported where an index is loaded: listing the diary needs only ``stamp_of``
    from studybuddy.core.diary_search import DiaryIndex

CACHE_NAME = "diary-index.json"
MAGIC = b"studybuddy-diary-index"
FORMAT = 1  # raise when the saved data, or the way words and tags are read from text, changes

Stamp = tuple[int, int, int]  # (mtime_ns, ctime_ns, size): a file rewritten in any way gets a new one


def stamp_of(status: os.stat_result) -> Stamp:
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_size)


@dataclass
class SavedIndex:
    index: DiaryIndex
    stamps: dict[date, Stamp]  # each indexed day's file as it was when indexed


def load_index(path: Path, folder: Path) -> SavedIndex | None:
    """The index saved for ``folder``, or None when there is none that can be trusted."""
    try:
        data = path.read_bytes()
    except OSError:  # missing or unreadable: a miss
        return None
    header, _, payload = data.partition(b"\n")
    if header != _header(payload):
        return None
    # Loading creates a few hundred thousand objects, none of them cyclic garbage: without the cycle
    # collector's passes over them meanwhile, it takes a third less time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _decode(payload, folder)
    finally:
        if collecting:
            gc.enable()


def _decode(payload: bytes, folder: Path) -> SavedIndex | None:
    from studybuddy.core.diary_search import DiaryIndex

    try:
        saved = json.loads(payload)
        if saved["folder"] != str(folder):
            return None
        index = DiaryIndex.load(saved["index"])
        stamps: dict[date, Stamp] = {}
        for ordinal, mtime_ns, ctime_ns, size in saved["stamps"]:
            if type(ordinal) is not int or type(mtime_ns) is not int:
                return None
            if type(ctime_ns) is not int or type(size) is not int:
                return None
            stamps[date.fromordinal(ordinal)] = (mtime_ns, ctime_ns, size)
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):  # damaged: a miss
        return None
    if stamps.keys() != index.days():
        return None
    return SavedIndex(index, stamps)


def save_index(path: Path, folder: Path, index: DiaryIndex, stamps: Mapping[date, Stamp]) -> bool:
    """Write the index for the next process; False if it could not be written (not an error)."""
    saved: dict[str, Any] = {
        "folder": str(folder),
        "stamps": [[day.toordinal(), *stamp] for day, stamp in stamps.items()],
        "index": index.dump(),
    }
    payload = json.dumps(saved, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        make_cache_dir(path.parent)
        import tempfile  # here: a read of a fresh index writes nothing, and it costs 4 ms

        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:  # a read-only or full disk: searches still work, they build the index themselves
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(_header(payload) + b"\n")
            handle.write(payload)
        os.replace(temporary, path)  # no fsync: a copy torn by a power cut fails its CRC and is rebuilt
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True


def _header(payload: bytes) -> bytes:
    return b"%s %d %08x" % (MAGIC, FORMAT, zlib.crc32(payload))
