"""Reading a small file that may be something else: a FIFO or device is refused unopened, a large file
is refused, a file that grows past the limit while read is refused too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studybuddy.storage.bounded_read import RefusedFile, read_bounded


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: os.mkfifo(path), "it is a named pipe (FIFO), not a regular file"),
        (lambda path: path.symlink_to("/dev/zero"), "it is a device, not a regular file"),
        (lambda path: path.mkdir(), "it is a folder, not a regular file"),
        (lambda path: path.write_bytes(b"x" * 2048), "it is 2 KiB, larger than 1 KiB"),
    ],
    ids=["fifo", "device", "folder", "too-large"],
)
def test_anything_else_is_refused_with_what_it_is(tmp_path: Path, make: object, reason: str) -> None:
    path = tmp_path / "thing"
    make(path)  # type: ignore[operator]
    with pytest.raises(RefusedFile) as caught:
        read_bounded(path, 1024)
    assert caught.value.strerror == reason


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "absent", 10)
