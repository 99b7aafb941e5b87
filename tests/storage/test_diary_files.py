"""The diary on disk: atomic saves, conflicts, faults (kill, unreadable, read-only, full disk), search."""

from __future__ import annotations

import errno
import os
import signal
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest

from studybuddy.core.diary_search import DiaryQuery
from studybuddy.storage import diary_files
from studybuddy.storage.diary_files import ABSENT, DiaryConflict, DiaryFiles, DiaryStorageError

DAY = date(2025, 7, 6)
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # root ignores file permissions


@pytest.fixture
def diary(tmp_path: Path) -> DiaryFiles:
    return DiaryFiles(tmp_path / "diary")


def test_save_then_read_round_trips_and_versions_change(diary: DiaryFiles) -> None:
    assert diary.read(DAY) is None
    first = diary.save(DAY, "# Day\n✅ unicode kept\n", expected=ABSENT)
    stored = diary.read(DAY)
    assert stored is not None
    assert stored.entry.text == "# Day\n✅ unicode kept\n"
    assert stored.version == first
    assert stored.path == diary.folder / "2025-07-06.md"
    second = diary.save(DAY, "# Day\nmore\n", expected=first)
    assert second != first
    assert sorted(p.name for p in diary.folder.iterdir()) == ["2025-07-06.md"]  # no temp file left


def test_an_edit_made_outside_the_app_is_detected_and_never_overwritten(diary: DiaryFiles) -> None:
    version = diary.save(DAY, "original\n", expected=ABSENT)
    diary.path_for(DAY).write_text("edited in another editor\n")
    with pytest.raises(DiaryConflict) as caught:
        diary.save(DAY, "my version\n", expected=version)
    assert diary.path_for(DAY).read_text() == "edited in another editor\n"
    aside = diary.folder / "2025-07-06.conflict-1.md"
    assert caught.value.saved_aside == aside
    assert aside.read_text() == "my version\n"
    assert "changed by another program" in str(caught.value) and str(aside) in str(caught.value)
    with pytest.raises(DiaryConflict):
        diary.save(DAY, "my second try\n", expected=version)
    assert (diary.folder / "2025-07-06.conflict-2.md").read_text() == "my second try\n"
    assert diary.days() == [DAY]  # conflict copies are not entries


def test_a_same_size_edit_with_the_same_mtime_is_still_detected(diary: DiaryFiles) -> None:
    version = diary.save(DAY, "aaaa\n", expected=ABSENT)
    path = diary.path_for(DAY)
    path.write_text("bbbb\n")
    os.utime(path, ns=(version.mtime_ns, version.mtime_ns))
    with pytest.raises(DiaryConflict):
        diary.save(DAY, "cccc\n", expected=version)
    assert path.read_text() == "bbbb\n"


def test_a_file_created_since_the_app_looked_is_a_conflict(diary: DiaryFiles) -> None:
    diary.folder.mkdir(parents=True)
    diary.path_for(DAY).write_text("written by a sync tool\n")
    with pytest.raises(DiaryConflict):
        diary.save(DAY, "new entry\n", expected=ABSENT)
    assert diary.path_for(DAY).read_text() == "written by a sync tool\n"


def test_listing_uses_names_only_and_ignores_everything_else(diary: DiaryFiles) -> None:
    diary.folder.mkdir(parents=True)
    for name in ["2025-07-06.md", "2024-12-31.md", "2025-02-30.md", "2025-07-06.conflict-1.md",
                 ".2025-07-07.md.abc.tmp", "README.md", "notes.txt"]:  # fmt: skip
        (diary.folder / name).write_text("x")
    assert diary.days() == [date(2024, 12, 31), DAY]


def test_a_missing_diary_folder_lists_nothing(diary: DiaryFiles) -> None:
    assert diary.days() == []
    assert diary.search(DiaryQuery(words=("x",))) == []


def make_unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not AS_ROOT:
        path.chmod(0)
        return
    real_open = open

    def refusing_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(file) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(diary_files, "open", refusing_open, raising=False)


def test_an_unreadable_file_is_a_clear_error_and_search_skips_it(
    diary: DiaryFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary.save(DAY, "softmax\n", expected=ABSENT)
    diary.save(date(2025, 7, 7), "softmax too\n", expected=ABSENT)
    make_unreadable(diary.path_for(DAY), monkeypatch)
    with pytest.raises(DiaryStorageError, match=r"cannot read .*2025-07-06\.md: permission denied"):
        diary.read(DAY)
    hits = diary.search(DiaryQuery(words=("softmax",)))
    assert [entry.day for entry in hits] == [date(2025, 7, 7)]
    assert "permission denied" in diary.unreadable[DAY]


def test_a_file_that_is_not_utf8_is_a_clear_error(diary: DiaryFiles) -> None:
    diary.folder.mkdir(parents=True)
    diary.path_for(DAY).write_bytes(b"caf\xe9\n")
    with pytest.raises(DiaryStorageError, match=r"not UTF-8 text \(byte 3\)"):
        diary.read(DAY)
    assert diary.path_for(DAY).read_bytes() == b"caf\xe9\n"


def make_read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not AS_ROOT:
        folder.chmod(0o500)
        return

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # the module diary_files imports when it writes


def test_a_read_only_folder_is_a_clear_error_and_the_old_entry_stays(
    diary: DiaryFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = diary.save(DAY, "old text\n", expected=ABSENT)
    make_read_only(diary.folder, monkeypatch)
    try:
        with pytest.raises(
            DiaryStorageError, match="permission denied in the diary folder; the old entry is intact"
        ):
            diary.save(DAY, "new text\n", expected=version)
        assert diary.path_for(DAY).read_text() == "old text\n"
        assert sorted(p.name for p in diary.folder.iterdir()) == ["2025-07-06.md"]
    finally:
        diary.folder.chmod(0o755)


def test_a_full_disk_is_a_clear_error_and_the_old_entry_stays(
    diary: DiaryFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = diary.save(DAY, "old text\n", expected=ABSENT)
    real_write = os.write
    written: list[int] = []

    def disk_fills_up(descriptor: int, data: bytes) -> int:
        if written:  # the first chunk fits, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(real_write(descriptor, bytes(data[:1000])))
        return written[0]

    monkeypatch.setattr(diary_files.os, "write", disk_fills_up)
    with pytest.raises(DiaryStorageError, match="the disk is full; the old entry is intact"):
        diary.save(DAY, "new text " * 1000, expected=version)
    monkeypatch.undo()
    assert written == [1000]
    assert diary.path_for(DAY).read_text() == "old text\n"
    assert sorted(p.name for p in diary.folder.iterdir()) == [
        "2025-07-06.md"
    ]  # the partial temp file is gone


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_search_sees_changes_made_outside_the_app(tmp_path: Path) -> None:
    ticks = Ticks()
    diary = DiaryFiles(tmp_path / "diary", monotonic=ticks, recheck_seconds=1.0)
    diary.save(DAY, "softmax\n", expected=ABSENT)
    sigmoid = DiaryQuery(words=("sigmoid",))
    assert diary.search(sigmoid) == []
    # A new file (as editors that save by renaming make) is seen at once.
    (diary.folder / "2025-07-07.md").write_text("sigmoid\n")
    assert [entry.day for entry in diary.search(sigmoid)] == [date(2025, 7, 7)]
    # An edit written in place is seen by the next sweep, at most recheck_seconds later.
    diary.path_for(DAY).write_text("sigmoid now\n")
    ticks.now += 1.0
    assert [entry.day for entry in diary.search(sigmoid)] == [date(2025, 7, 7), DAY]
    diary.path_for(DAY).unlink()
    assert [entry.day for entry in diary.search(sigmoid)] == [date(2025, 7, 7)]


def test_the_apps_own_saves_are_searchable_at_once(tmp_path: Path) -> None:
    diary = DiaryFiles(tmp_path / "diary", monotonic=Ticks())
    version = diary.save(DAY, "softmax\n", expected=ABSENT)
    assert diary.search(DiaryQuery(words=("sigmoid",))) == []
    diary.save(DAY, "sigmoid\n", expected=version)
    assert [entry.text for entry in diary.search(DiaryQuery(words=("sigmoid",)))] == ["sigmoid\n"]


# --- SIGKILL during a save ---------------------------------------------------------------------

EVENTS = ("begin", "fsync", "replace", "replaced")  # the moments a child reports during one save


def _child_saves(folder: Path, text: str, report: int, go_on: int) -> None:
    """In the forked child: report each step of one save through the pipe and wait for the parent's
    go-ahead, so the parent's SIGKILL lands exactly at that step (no race, no sleep)."""
    real_fsync, real_replace = os.fsync, os.replace

    def say(event: str) -> None:
        os.write(report, event.encode() + b"\n")
        os.read(go_on, 1)

    def fsync(descriptor: int) -> None:
        say("fsync")
        real_fsync(descriptor)

    def replace(source: str, target: Path) -> None:
        say("replace")
        real_replace(source, target)
        say("replaced")

    os.fsync, os.replace = fsync, replace  # type: ignore[assignment]
    files = DiaryFiles(folder)
    version = files.current_version(DAY)
    say("begin")
    files.save(DAY, text, expected=version)
    say("done")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_sigkill_during_a_save_leaves_the_whole_old_or_the_whole_new_text_40_times(diary: DiaryFiles) -> None:
    """Kill the saving process right after it reports a step (no sleeps): 40 kills in a row, at each
    step in turn; the entry is always exactly one complete text, never a mix or a truncation."""
    current = "round -1\n" + "old " * 200_000
    diary.save(DAY, current, expected=ABSENT)
    outcomes = {"old": 0, "new": 0}
    for round_number in range(40):
        new = f"round {round_number}\n" + f"{round_number:>3} " * 250_000  # ~1 MB, distinct per round
        kill_after = EVENTS[round_number % len(EVENTS)]
        read_end, write_end = os.pipe()
        ack_read, ack_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.close(read_end)
                os.close(ack_write)
                _child_saves(diary.folder, new, write_end, ack_read)
            finally:
                os._exit(0)
        os.close(write_end)
        os.close(ack_read)
        with os.fdopen(read_end, "rb") as events:
            for line in events:
                if line.strip().decode() == kill_after:
                    os.kill(pid, signal.SIGKILL)  # the child is blocked at this step, waiting
                    break
                os.write(ack_write, b"+")
        os.close(ack_write)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"round {round_number}"
        on_disk = diary.path_for(DAY).read_text()
        assert on_disk in (current, new), f"round {round_number}: a torn file after a kill at {kill_after!r}"
        outcomes["new" if on_disk == new else "old"] += 1
        current = on_disk
    assert diary.days() == [DAY]  # killed temp files are hidden, never listed as entries
    assert outcomes["old"] and outcomes["new"]  # kills landed both before and after the replace
    # Kills before the replace left temporary files; once abandoned long enough, they are cleaned up.
    leftovers = sorted(path for path in diary.folder.iterdir() if path.name.endswith(".tmp"))
    assert leftovers
    newest = max(path.stat().st_mtime for path in leftovers)
    later = DiaryFiles(diary.folder, wall_clock=lambda: newest + diary_files.STALE_TEMPORARY_SECONDS + 1)
    assert sorted(later.remove_stale_temporaries()) == leftovers
    assert sorted(path.name for path in diary.folder.iterdir()) == [".studybuddy.lock", "2025-07-06.md"]
    assert diary.path_for(DAY).read_text() == current


# --- temporary files left by killed saves ------------------------------------------------------

NOW = 1_750_000_000.0  # the wall clock the tests hand in (seconds since the epoch)


def left_behind(folder: Path, name: str, age_seconds: float) -> Path:
    path = folder / name
    path.write_text("half a save")
    os.utime(path, (NOW - age_seconds, NOW - age_seconds))
    return path


def test_abandoned_temporary_files_of_our_own_are_removed_and_nothing_else(tmp_path: Path) -> None:
    diary = DiaryFiles(tmp_path / "diary", wall_clock=lambda: NOW)
    diary.save(DAY, "entry\n", expected=ABSENT)
    hour = 3600
    stale = left_behind(diary.folder, ".2025-07-06.md.k3j_9x0a.tmp", hour)
    being_written = left_behind(diary.folder, ".2025-07-07.md.ab12cd34.tmp", 5)  # a save in progress
    others = [
        left_behind(diary.folder, name, hour)
        for name in (".2025-07-06.md.swp", "notes.tmp", ".2025-07-06.md.tmp", "2025-07-06.md.k3j_9x0a.tmp")
    ]
    assert diary.remove_stale_temporaries() == [stale]
    assert not stale.exists() and being_written.exists() and all(path.exists() for path in others)
    assert diary.path_for(DAY).read_text() == "entry\n"


def test_nothing_is_removed_while_another_studybuddy_holds_the_diary_lock(tmp_path: Path) -> None:
    diary = DiaryFiles(tmp_path / "diary", wall_clock=lambda: NOW)
    diary.save(DAY, "entry\n", expected=ABSENT)
    stale = left_behind(diary.folder, ".2025-07-06.md.k3j_9x0a.tmp", 3600)
    with DiaryFiles(diary.folder).locked():  # another writer, maybe mid-save
        assert diary.remove_stale_temporaries() == []
    assert stale.exists()
    assert diary.remove_stale_temporaries() == [stale]


def test_a_missing_diary_folder_has_nothing_to_clean(tmp_path: Path) -> None:
    diary = DiaryFiles(tmp_path / "diary", wall_clock=lambda: NOW)
    assert diary.remove_stale_temporaries() == []
    assert not diary.folder.exists()  # not even created


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="no O_NOFOLLOW here")
@pytest.mark.parametrize("way", ["a locked save", "cleaning up temporaries"])
def test_a_symlink_in_place_of_the_lock_file_creates_nothing_where_it_points(
    diary: DiaryFiles, tmp_path: Path, way: str
) -> None:
    outside = tmp_path / "outside" / "victim.txt"
    outside.parent.mkdir()
    diary.folder.mkdir(parents=True, exist_ok=True)
    link = diary.folder / diary_files.LOCK_NAME
    link.symlink_to(outside)
    (diary.folder / ".2025-07-06.md.abcd1234.tmp").write_text("left by a killed save")

    if way == "a locked save":
        with diary.locked():
            diary.save(DAY, "softmax\n", expected=ABSENT)
    else:
        diary.remove_stale_temporaries()

    assert not outside.exists()
    assert not link.is_symlink() and link.is_file()  # a plain lock file took the link's place
    assert list(outside.parent.iterdir()) == []
