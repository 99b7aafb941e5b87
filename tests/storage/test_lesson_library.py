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
        "b.yaml:1:5: id: the id 'sigmoid-derivative' is already used by "
        + str(tmp_path / "a.yaml")
        + "; give this lesson another id"
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


@pytest.mark.parametrize(("written", "minutes"), [("minutes: 15", 15), ("", None)])
def test_a_lessons_time_estimate_comes_back_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, minutes: int | None
) -> None:
    write(tmp_path, "lessons/good.yaml", GOOD.replace("minutes: 15", written))
    cache_path = tmp_path / "cache" / "index.json"
    [first] = load_library(
        find_lesson_files([(tmp_path / "lessons", "user")]), LessonCache(cache_path)
    ).entries
    monkeypatch.setattr(lesson_library, "load_yaml_bytes", lambda *args: pytest.fail("parsed again"))
    [cached] = load_library(
        find_lesson_files([(tmp_path / "lessons", "user")]), LessonCache(cache_path)
    ).entries
    assert first.summary is not None and cached.summary is not None
    assert first.summary.minutes == cached.summary.minutes == minutes


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


# ---- files that are not what their name says -------------------------------------------------------


def test_a_link_to_a_file_outside_the_folder_is_listed_broken_and_never_read(tmp_path: Path) -> None:
    """A shared folder with `x.yaml -> ~/.ssh/id_rsa`: the error printed that file's first line."""
    secret = tmp_path / "private" / "token.txt"
    write(tmp_path, "private/token.txt", "SECRET-TOKEN-abc123\nline 2\n")
    write(tmp_path, "private/keys.yaml", "user: me\npassword: hunter2\n")
    lessons = tmp_path / "lessons"
    write(lessons, "good.yaml", GOOD)
    (lessons / "link.yaml").symlink_to(secret)
    (lessons / "keys.yaml").symlink_to(tmp_path / "private" / "keys.yaml")
    (lessons / "sub").mkdir()
    (lessons / "sub" / "up.yaml").symlink_to("../../private/keys.yaml")
    listing = library_of(lessons)
    assert listing["good.yaml"] == ("loads", "")
    for name in ("link.yaml", "keys.yaml", "up.yaml"):
        status, error = listing[name]
        assert status == "broken"
        assert f"{name}:1:1: is a link to a file outside {lessons}; it is not read" in error
        assert "SECRET" not in error and "hunter2" not in error and "user" not in error


def test_a_link_to_a_lesson_inside_the_folder_is_read(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    write(lessons, "real/sigmoid.yaml", GOOD)
    (lessons / "zz-alias.yaml").symlink_to("real/sigmoid.yaml")  # after real/ in library order
    listing = library_of(lessons)
    assert listing["sigmoid.yaml"] == ("loads", "")
    assert listing["zz-alias.yaml"][0] == "broken" and "is already used by" in listing["zz-alias.yaml"][1]


def test_a_dangling_link_a_fifo_and_a_folder_named_like_lessons_do_not_stop_the_library(
    tmp_path: Path,
) -> None:
    lessons = tmp_path / "lessons"
    write(lessons, "good.yaml", GOOD)
    os.mkfifo(lessons / "pipe.yaml")  # opened for reading, it waits for a writer: the list would hang
    (lessons / "gone.yaml").symlink_to(lessons / "nowhere.yaml")
    write(lessons, "folder.yaml/inner.yml", GOOD.replace("id: sigmoid-derivative", "id: inner"))
    listing = library_of(lessons)
    assert listing["good.yaml"] == ("loads", "") and listing["inner.yml"] == ("loads", "")
    assert listing["pipe.yaml"] == (
        "broken",
        f"{lessons / 'pipe.yaml'}:1:1: is a named pipe (FIFO), not a lesson file; it is not read",
    )
    assert listing["gone.yaml"][0] == "broken" and "gone.yaml:1:1: cannot be read" in listing["gone.yaml"][1]


def test_a_file_name_with_control_characters_is_shown_escaped(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    write(lessons, "\x1b]52;c;aGk=\x07.yaml", "id: [\n")
    (entry,) = load_library(find_lesson_files([(lessons, "user")])).entries
    assert entry.status == "broken"
    for shown in (entry.id, entry.title, str(entry.error)):
        assert "\x1b" not in shown and "\x07" not in shown and "\\x1b]52;c;aGk=\\x07" in shown


# ---- two files, one id: the one that had it keeps it --------------------------------------------------


def lesson_with_id(lesson_id: str, title: str = "A lesson") -> str:
    return GOOD.replace("id: sigmoid-derivative", f"id: {lesson_id}").replace(
        "title: The sigmoid and its derivative s(1 - s)", f"title: {title}"
    )


def test_a_new_file_reusing_an_id_does_not_take_it_from_the_file_that_had_it(tmp_path: Path) -> None:
    """Progress is recorded by lesson id: `zeta.yaml` (the learner's own) must keep `mine` when a
    shared `alpha.yaml` with the same id arrives, though alpha sorts first."""
    lessons = tmp_path / "lessons"
    cache_path = tmp_path / "cache" / "index.json"
    write(lessons, "zeta.yaml", lesson_with_id("mine", "My own lesson"))
    assert library_of(lessons, LessonCache(cache_path)) == {"zeta.yaml": ("loads", "")}
    write(lessons, "alpha.yaml", lesson_with_id("mine", "A newcomer"))
    listing = library_of(lessons, LessonCache(cache_path))
    assert listing["zeta.yaml"] == ("loads", "")
    assert listing["alpha.yaml"] == (
        "broken",
        f"{lessons / 'alpha.yaml'}:1:5: id: the id 'mine' is already used by {lessons / 'zeta.yaml'}; "
        "give this lesson another id",
    )
    library = load_library(find_lesson_files([(lessons, "user")]), LessonCache(cache_path))
    found = library.find("mine")
    assert found is not None and found.title == "My own lesson"
    assert library_of(lessons, LessonCache(cache_path)) == listing  # and so on, every start


def test_a_lesson_half_edited_keeps_its_id_reserved(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    cache_path = tmp_path / "index.json"
    own = write(lessons, "zeta.yaml", lesson_with_id("mine"))
    library_of(lessons, LessonCache(cache_path))
    own.write_text(lesson_with_id("mine") + "  - oops: [\n")  # being edited: it does not load now
    write(lessons, "alpha.yaml", lesson_with_id("mine"))
    listing = library_of(lessons, LessonCache(cache_path))
    assert listing["zeta.yaml"][0] == "broken"
    assert listing["alpha.yaml"][1].endswith(
        f"the id 'mine' is already used by {lessons / 'zeta.yaml'} (which does not load now: fix it "
        "there); give this lesson another id"
    )
    own.write_text(lesson_with_id("mine"))
    listing = library_of(lessons, LessonCache(cache_path))
    assert listing["zeta.yaml"] == ("loads", "") and listing["alpha.yaml"][0] == "broken"


def test_an_id_is_released_when_its_file_is_gone_or_takes_another_id(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    cache_path = tmp_path / "index.json"
    own = write(lessons, "zeta.yaml", lesson_with_id("mine"))
    write(lessons, "alpha.yaml", lesson_with_id("mine"))
    library_of(lessons, LessonCache(cache_path))  # fresh: the first by path, alpha, holds it
    assert library_of(lessons, LessonCache(cache_path))["zeta.yaml"][0] == "broken"
    (lessons / "alpha.yaml").write_text(lesson_with_id("renamed"))
    os.utime(lessons / "alpha.yaml", ns=(0, 456))
    assert library_of(lessons, LessonCache(cache_path)) == {
        "alpha.yaml": ("loads", ""),
        "zeta.yaml": ("loads", ""),
    }
    (lessons / "alpha.yaml").unlink()
    write(lessons, "beta.yaml", lesson_with_id("mine"))
    assert library_of(lessons, LessonCache(cache_path))["zeta.yaml"] == ("loads", "")
    assert own.exists()


def test_a_users_lesson_keeps_its_id_when_a_bundled_lesson_arrives_with_it(tmp_path: Path) -> None:
    """An update that ships a lesson with the id of one the learner wrote: theirs keeps it."""
    bundled, home = tmp_path / "bundled", tmp_path / "home"
    cache_path = tmp_path / "index.json"
    write(bundled, "other.yaml", lesson_with_id("other"))
    write(home, "mine.yaml", lesson_with_id("shared-id"))
    folders = [(bundled, "bundled"), (home, "user")]
    load_library(find_lesson_files(folders), LessonCache(cache_path))
    write(bundled, "new.yaml", lesson_with_id("shared-id"))
    library = load_library(find_lesson_files(folders), LessonCache(cache_path))
    status = {entry.file.path.name: entry.status for entry in library.entries}
    assert status == {"other.yaml": "loads", "new.yaml": "broken", "mine.yaml": "loads"}


# ---- a cache anyone can damage ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,  # json.loads: RecursionError
        b'{"version": "x", "lessons": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"version": 1e999, "lessons": {}}',
        b'{"version": ' + b"9" * 5000 + b', "lessons": {}}',  # int() refuses over 4,300 digits
        b'{"lessons": {}, "owners": []}',
        b'{"lessons": {}, "owners": {"x": 1}}',
        b'"just a string"',
    ],
    ids=["deep", "deep-inside", "infinity", "huge-int", "owners-list", "owners-bad", "string"],
)
def test_a_damaged_cache_file_counts_as_empty(tmp_path: Path, content: bytes) -> None:
    write(tmp_path, "lessons/good.yaml", GOOD)
    cache_path = tmp_path / "index.json"
    cache_path.write_bytes(content)
    assert library_of(tmp_path / "lessons", LessonCache(cache_path)) == {"good.yaml": ("loads", "")}
    assert json.loads(cache_path.read_text())["lessons"]  # rewritten, valid


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry["summary"].__setitem__(9, 1e999),
        lambda entry: entry["summary"].__setitem__(7, 1e999),  # the id's line: int(inf) is OverflowError
        lambda entry: entry["summary"].__setitem__(7, "9" * 5000),
        lambda entry: entry["summary"].__setitem__(7, True),
        lambda entry: entry["summary"].__setitem__(6, -4),
        lambda entry: entry["summary"].__setitem__(1, "\x1b]52;c;aGk=\x07 title"),
        lambda entry: entry["summary"].__setitem__(4, "tags"),
        lambda entry: entry["summary"].__setitem__(5, [["x", 1]]),
        lambda entry: entry.update(summary={"id": "x"}),
        lambda entry: entry.update(error=["msg", "line", 1, "", ""]),
        lambda entry: entry.update(error=[["deep"] * 3, 1, 1, "", ""]),
        lambda entry: entry.update(junk=json.loads("[" * 500 + "]" * 500)),
        lambda entry: entry["summary"].__setitem__(12, "40"),
        lambda entry: entry["summary"].__setitem__(12, 0),
    ],
    ids=[
        "fingerprint",
        "line-infinite",
        "line-text",
        "line-bool",
        "count-negative",
        "title-escapes",
        "tags-text",
        "requires-short",
        "summary-dict",
        "error-line-text",
        "error-message-list",
        "junk-deep",
        "minutes-text",
        "minutes-zero",
    ],
)
def test_a_damaged_cache_entry_is_read_again_from_its_file(tmp_path: Path, damage: object) -> None:
    """`lessons list` crashed on a damaged cache; a damaged entry is now a miss: the file is read."""
    path = write(tmp_path, "lessons/good.yaml", GOOD)
    cache_path = tmp_path / "index.json"
    library_of(tmp_path / "lessons", LessonCache(cache_path))
    document = json.loads(cache_path.read_text())
    damage(document["lessons"][str(path)])  # type: ignore[operator]
    cache_path.write_text(json.dumps(document))
    library = load_library(find_lesson_files([(tmp_path / "lessons", "user")]), LessonCache(cache_path))
    (entry,) = library.entries
    assert entry.status == "loads" and entry.title == "The sigmoid and its derivative s(1 - s)"
    assert entry.summary is not None and entry.summary.location.line == 1
    assert json.loads(cache_path.read_text())["lessons"][str(path)]["summary"][1] == entry.title


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_cache_that_is_not_a_file_is_never_opened(tmp_path: Path, kind: str) -> None:
    write(tmp_path, "lessons/good.yaml", GOOD)
    cache_path = tmp_path / "index.json"
    if kind == "fifo":
        os.mkfifo(cache_path)
    elif kind == "folder":
        cache_path.mkdir()
    else:
        cache_path.symlink_to("/dev/zero")
    assert library_of(tmp_path / "lessons", LessonCache(cache_path)) == {"good.yaml": ("loads", "")}
