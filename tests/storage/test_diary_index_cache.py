"""The search index saved between processes: used when it matches the files, never trusted when it does
not, and never an error (damaged, stale, of another folder, unwritable)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from studybuddy.core.diary_search import DiaryQuery
from studybuddy.storage import diary_index
from studybuddy.storage.diary_cache import load_index
from studybuddy.storage.diary_files import ABSENT, DiaryFiles

DAY = date(2025, 7, 6)
SOFTMAX = DiaryQuery(words=("softmax",))


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountingReads(DiaryFiles):
    """DiaryFiles that counts the entries it reads to index them."""

    reads = 0

    def read_entry(self, day: date):  # type: ignore[no-untyped-def]
        CountingReads.reads += 1
        return super().read_entry(day)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "diary"
    folder.mkdir()
    for number in range(1, 11):
        (folder / f"2025-07-{number:02d}.md").write_text(f"day {number}: softmax #ml\n")
    return folder


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / ".cache" / "diary-index.json"


def new_process(folder: Path, cache: Path) -> CountingReads:
    """What a new `studybuddy diary search` sees: nothing in memory, the saved index on disk."""
    CountingReads.reads = 0
    return CountingReads(folder, index_cache=cache, monotonic=Ticks())


def days_found(files: DiaryFiles, query: DiaryQuery = SOFTMAX) -> list[int]:
    return [entry.day.day for entry in files.search(query)]


def test_a_second_process_reads_no_file_of_an_unchanged_diary(folder: Path, cache: Path) -> None:
    first = new_process(folder, cache)
    assert days_found(first) == list(range(10, 0, -1))
    assert CountingReads.reads == 10 and cache.exists()
    second = new_process(folder, cache)
    assert days_found(second) == list(range(10, 0, -1))
    assert CountingReads.reads == 0
    assert {entry.tags for entry in second.search(SOFTMAX)} == {("ml",)}  # tags come from the saved index


def test_files_changed_added_or_deleted_since_are_read_again(folder: Path, cache: Path) -> None:
    new_process(folder, cache).search(SOFTMAX)
    (folder / "2025-07-01.md").write_text("sigmoid now\n")  # written in place
    (folder / "2025-07-02.md").unlink()
    (folder / "2025-07-20.md").write_text("softmax, new\n")
    files = new_process(folder, cache)
    assert days_found(files) == [20, 10, 9, 8, 7, 6, 5, 4, 3]
    assert days_found(files, DiaryQuery(words=("sigmoid",))) == [1]
    assert CountingReads.reads == 2


def test_a_same_size_edit_that_restores_the_mtime_is_still_seen(folder: Path, cache: Path) -> None:
    new_process(folder, cache).search(SOFTMAX)
    path = folder / "2025-07-01.md"
    before = path.stat()
    path.write_text(path.read_text().replace("softmax", "sigmoid"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r` or a sync tool may
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert days_found(new_process(folder, cache), DiaryQuery(words=("sigmoid",))) == [1]


DAMAGE = {
    "garbage": lambda data: b"\x00\xff not an index",
    "truncated": lambda data: data[: len(data) // 2],
    "a flipped byte": lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],
    "empty": lambda data: b"",
    "another format": lambda data: data.replace(b"diary-index 1 ", b"diary-index 0 ", 1),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_saved_index_is_rebuilt_never_an_error(folder: Path, cache: Path, damage: str) -> None:
    new_process(folder, cache).search(SOFTMAX)
    cache.write_bytes(DAMAGE[damage](cache.read_bytes()))
    files = new_process(folder, cache)
    assert days_found(files) == list(range(10, 0, -1))
    assert CountingReads.reads == 10
    assert load_index(cache, folder) is not None  # rebuilt and saved again


def test_an_index_saved_for_another_folder_is_not_used(folder: Path, cache: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-diary"
    other.mkdir()
    (other / "2025-07-01.md").write_text("softmax elsewhere\n")
    new_process(other, cache).search(SOFTMAX)
    assert days_found(new_process(folder, cache)) == list(range(10, 0, -1))


def test_an_unwritable_cache_folder_still_searches(folder: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    files = new_process(folder, blocked / "diary-index.json")
    assert days_found(files) == list(range(10, 0, -1))
    assert days_found(files) == list(range(10, 0, -1))


def test_the_saved_index_is_rewritten_only_after_enough_changes(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_process(folder, cache).search(SOFTMAX)
    saved = cache.read_bytes()
    files = new_process(folder, cache)
    version = files.current_version(DAY)
    files.save(DAY, "softmax, edited in the app\n", expected=version)
    files.search(SOFTMAX)
    assert cache.read_bytes() == saved  # one changed entry: cheaper to re-read it on the next start
    monkeypatch.setattr(diary_index, "REWRITE_AFTER", 2)
    files.save(date(2025, 7, 7), "softmax\n", expected=files.current_version(date(2025, 7, 7)))
    files.search(SOFTMAX)
    assert cache.read_bytes() != saved
    assert days_found(new_process(folder, cache)) == list(range(10, 0, -1))
    assert CountingReads.reads == 0  # the app's own saves went into the saved index


def test_a_missing_diary_folder_saves_nothing(tmp_path: Path, cache: Path) -> None:
    files = DiaryFiles(tmp_path / "no-diary", index_cache=cache)
    assert files.search(SOFTMAX) == []
    assert not cache.exists() and not cache.parent.exists()
    files.save(DAY, "softmax\n", expected=ABSENT)
    assert [entry.day for entry in files.search(SOFTMAX)] == [DAY]
