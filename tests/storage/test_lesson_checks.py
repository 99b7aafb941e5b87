"""What `lessons check` last said of each lesson file, remembered by the file's fingerprint."""

from __future__ import annotations

import json

from studybuddy.storage.lesson_checks import KEPT, LessonCheckRecords


def test_verdicts_are_kept_by_fingerprint_across_runs(tmp_path) -> None:
    path = tmp_path / "cache" / "lesson-checks.json"
    records = LessonCheckRecords(path)
    records.record("aa", True)
    records.record("bb", False)
    records.record("", True)  # a lesson not read from a file has no fingerprint: nothing to remember
    records.save()
    again = LessonCheckRecords(path)
    assert (again.verdict("aa"), again.verdict("bb"), again.verdict("cc"), again.verdict("")) == (
        True,
        False,
        None,
        None,
    )


def test_a_damaged_or_older_records_file_counts_as_never_checked(tmp_path) -> None:
    path = tmp_path / "lesson-checks.json"
    for content in ("{not json", json.dumps({"version": "0.0.0-older", "passed": {"aa": True}}), "[]"):
        path.write_text(content)
        assert LessonCheckRecords(path).verdict("aa") is None
    path.write_text(json.dumps({"version": LessonCheckRecords(path).version, "passed": {"aa": "yes"}}))
    assert LessonCheckRecords(path).verdict("aa") is None, "only true or false is a verdict"


def test_the_oldest_verdicts_are_forgotten_first(tmp_path) -> None:
    records = LessonCheckRecords(tmp_path / "lesson-checks.json")
    for number in range(KEPT + 1):
        records.record(f"file-{number}", True)
    records.record("file-1", False)  # checked again: now the newest
    assert records.verdict("file-0") is None
    assert records.verdict("file-1") is False and records.verdict(f"file-{KEPT}") is True


def test_a_records_file_nested_too_deep_or_not_a_file_counts_as_never_checked(tmp_path) -> None:
    import os

    path = tmp_path / "lesson-checks.json"
    path.write_text("[" * 100_000 + "]" * 100_000)  # json.loads: RecursionError
    assert LessonCheckRecords(path).verdict("aa") is None
    path.unlink()
    os.mkfifo(path)  # opened for reading, a FIFO waits for a writer: every `lessons list` would hang
    assert LessonCheckRecords(path).verdict("aa") is None
    path.unlink()
    path.symlink_to("/dev/zero")  # never ends
    assert LessonCheckRecords(path).verdict("aa") is None
