"""The lesson library: broken files listed with their error while the rest load; the start-up cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from studybuddy.storage import lesson_library
from studybuddy.storage.lesson_cache import LessonCache
from studybuddy.storage.lesson_library import find_lesson_files, load_library

GOOD = (Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml").read_text()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def library_of(folder: Path, cache: LessonCache | None = None) -> dict[str, tuple[str, str]]:
    files = find_lesson_files([(folder, "user")])
    library = load_library(files, cache)
    return {
        entry.file.path.name: (entry.status, entry.error.headline() if entry.error else "")
        for entry in library.entries
    }


def test_a_broken_file_is_listed_with_its_error_and_the_rest_load(tmp_path: Path) -> None:
    write(tmp_path, "a/good.yaml", GOOD)
    write(tmp_path, "b/evil.yaml", "id: x\nrun: !!python/object/apply:os.system ['echo pwned']\n")
    write(tmp_path, "b/notes.txt", "not a lesson")
    listing = library_of(tmp_path)
    assert listing["good.yaml"] == ("loads", "")
    assert listing["evil.yaml"][0] == "broken" and "2:6: run: tags (" in listing["evil.yaml"][1]
    assert "notes.txt" not in listing


def test_duplicate_ids_and_unknown_requirements_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD)
    write(
        tmp_path,
        "c.yaml",
        GOOD.replace("id: sigmoid-derivative", "id: other").replace(
            "requires: []", "requires: [natural-log]"
        ),
    )
    listing = library_of(tmp_path)
    assert listing["a.yaml"] == ("loads", "")
    assert listing["b.yaml"][0] == "broken"
    assert listing["b.yaml"][1].endswith(
        "b.yaml:1:5: id: the id 'sigmoid-derivative' is already used by " + str(tmp_path / "a.yaml")
    )
    assert listing["c.yaml"][1].endswith(
        "c.yaml:6:12: requires: requires 'natural-log', but no lesson has that id"
    )


def test_an_unchanged_library_is_not_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "lessons/good.yaml", GOOD)
    broken = write(tmp_path, "lessons/broken.yaml", "id: [\n")
    cache_path = tmp_path / "cache" / "index.json"
    first = library_of(tmp_path / "lessons", LessonCache(cache_path))

    def no_parsing(*args: object) -> None:
        pytest.fail("an unchanged file was parsed again")

    monkeypatch.setattr(lesson_library, "load_yaml_bytes", no_parsing)
    assert library_of(tmp_path / "lessons", LessonCache(cache_path)) == first

    broken.write_text(GOOD.replace("id: sigmoid-derivative", "id: fixed"))
    os.utime(broken, ns=(0, 123))  # a different mtime_ns, whatever the clock's resolution
    monkeypatch.undo()
    assert library_of(tmp_path / "lessons", LessonCache(cache_path))["broken.yaml"] == ("loads", "")


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b'{"version": "0/0", "lessons": {}}', b'{"version": 1, "lessons": []}', b"\xff\xfe"],
)
def test_a_corrupt_or_stale_cache_is_ignored(tmp_path: Path, content: bytes) -> None:
    write(tmp_path, "lessons/good.yaml", GOOD)
    cache_path = tmp_path / "index.json"
    cache_path.write_bytes(content)
    assert library_of(tmp_path / "lessons", LessonCache(cache_path)) == {"good.yaml": ("loads", "")}
    assert json.loads(cache_path.read_text())["lessons"]  # rewritten, valid


def test_a_damaged_cache_entry_is_reparsed(tmp_path: Path) -> None:
    path = write(tmp_path, "lessons/good.yaml", GOOD)
    cache_path = tmp_path / "index.json"
    library_of(tmp_path / "lessons", LessonCache(cache_path))
    document = json.loads(cache_path.read_text())
    document["lessons"][str(path)]["summary"] = ["too", "short"]
    cache_path.write_text(json.dumps(document))
    assert library_of(tmp_path / "lessons", LessonCache(cache_path)) == {"good.yaml": ("loads", "")}


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    write(tmp_path, "huge.yaml", "a: " + "x" * (1024 * 1024))
    status, error = library_of(tmp_path)["huge.yaml"]
    assert status == "broken" and error.endswith(
        "huge.yaml:1:1: the file is 1.0 MB; a lesson file may be at most 256 KiB"
    )
