"""`studybuddy lessons check` and `lessons list` as a lesson author uses them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from studybuddy.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lessons"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "home"


def test_check_passes_a_good_file_and_fails_a_wrong_step(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lessons", "check", str(FIXTURES / "sigmoid-derivative.yaml")]) == 0
    assert "PASS   sigmoid-derivative" in capsys.readouterr().out
    assert main(["lessons", "check", str(FIXTURES / "broken")]) == 1
    out = capsys.readouterr().out
    assert "FAIL   sigmoid-wrong-step" in out
    assert (
        "wrong-step.yaml:17:11: step 2: does not follow from step 1 by differentiating with respect to x"
        in out
    )
    assert out.rstrip().splitlines()[-1].startswith("1 lesson: 0 passed, 1 failed, 0 broken")


def test_list_shows_the_users_lessons_and_broken_files(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "lessons").mkdir(parents=True)
    shutil.copy(FIXTURES / "sigmoid-derivative.yaml", home / "lessons" / "mine.yaml")
    (home / "lessons" / "bad.yaml").write_text("id: a\nid: b\n")
    assert main(["lessons", "list", "--json"]) == 0
    rows = {row["path"].rsplit("/", 1)[-1]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["bad.yaml"]["status"] == "broken" and "duplicate key 'id'" in rows["bad.yaml"]["error"]
    mine = rows["mine.yaml"]
    assert mine["status"] == "broken"  # the bundled library already has the id sigmoid-derivative
    assert "is already used by" in mine["error"]


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--timeout", "0", "more than 0 seconds"),
        ("--timeout", "-3", "more than 0 seconds"),
        ("--workers", "0", "at least 1"),
        ("--workers", "two", "not a whole number"),
    ],
)
def test_check_refuses_a_time_limit_or_worker_count_that_makes_no_sense(
    option: str, value: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["lessons", "check", option, value])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert option in error and says in error


def test_check_of_a_folder_without_lessons_says_so_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.md").write_text("not a lesson\n")
    assert main(["lessons", "check", str(tmp_path)]) == 1
    assert f"no lesson files (.yaml, .yml) found in {tmp_path}" in capsys.readouterr().err


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    assert main(["lessons", "list", "--json"]) == 0
    return {row["id"]: row for row in json.loads(capsys.readouterr().out)}


def test_list_says_loads_until_a_check_proves_a_file_and_fails_check_after_a_failed_one(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = home / "lessons"
    mine.mkdir(parents=True)
    wrong = mine / "wrong-step.yaml"
    shutil.copy(FIXTURES / "broken" / "wrong-step.yaml", wrong)  # loads, but step 2 does not follow
    good = mine / "good.yaml"
    good.write_text(
        (FIXTURES / "sigmoid-derivative.yaml").read_text().replace("id: sigmoid-derivative", "id: my-good")
    )

    rows = listed(capsys)
    assert (rows["sigmoid-wrong-step"]["status"], rows["sigmoid-wrong-step"]["checked"]) == ("loads", None)
    assert rows["my-good"]["status"] == "loads"
    assert {row["status"] for row in rows.values()} == {"loads"}, "nothing is called ok before it is proven"

    assert main(["lessons", "check", str(mine)]) == 1
    capsys.readouterr()
    rows = listed(capsys)
    assert (rows["sigmoid-wrong-step"]["status"], rows["sigmoid-wrong-step"]["checked"]) == (
        "fails check",
        False,
    )
    assert (rows["my-good"]["status"], rows["my-good"]["checked"]) == ("checked", True)
    assert rows["sigmoid-derivative"]["status"] == "loads", "a bundled lesson not checked here is not claimed"

    assert main(["lessons", "list"]) == 0
    table = capsys.readouterr().out
    [row] = [line for line in table.splitlines() if line.startswith("sigmoid-wrong-step ")]
    assert row.endswith("  fails check")
    assert "fails check: the last `studybuddy lessons check` of this file failed" in table

    good.write_text(good.read_text() + "# edited after the check\n")
    assert listed(capsys)["my-good"]["status"] == "loads", "an edited file is not proven any more"


# ---- one bad file among good ones -------------------------------------------------------------------

GOOD_TEXT = (FIXTURES / "sigmoid-derivative.yaml").read_text()


def lesson(lesson_id: str, title: str = "My lesson") -> str:
    return GOOD_TEXT.replace("id: sigmoid-derivative", f"id: {lesson_id}").replace(
        "title: The sigmoid and its derivative s(1 - s)", f"title: {title}"
    )


SHAPED = lesson("shaped").replace("  x: real\n", "  x: real\n  W: {domain: real, shape: [SIZE]}\n")


@pytest.mark.parametrize("size", ["²", "⁵", "①"])
def test_a_lesson_with_a_superscript_shape_is_listed_broken_and_everything_else_works(
    home: Path, capsys: pytest.CaptureFixture[str], size: str
) -> None:
    """`lessons list` and `lessons check` of any other file printed a traceback."""
    mine = home / "lessons"
    mine.mkdir(parents=True)
    (mine / "mine.yaml").write_text(lesson("mine"))
    (mine / "shaped.yaml").write_text(SHAPED.replace("SIZE", size))
    assert main(["lessons", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{mine / 'shaped.yaml'}:9:29: symbols.W.shape[0]: '{size}' is not a size written with" in out
    listed_ids = {line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")}
    assert {"mine", "shaped", "sigmoid-derivative", "dot-product"} <= listed_ids
    assert main(["lessons", "check", str(mine / "mine.yaml")]) == 0
    assert "PASS   mine" in capsys.readouterr().out
    assert main(["lessons", "check", str(mine)]) == 1
    out = capsys.readouterr().out
    assert "PASS   mine" in out and f"BROKEN {mine / 'shaped.yaml'}" in out and "Traceback" not in out


ESCAPES = {  # as a YAML double-quoted escape, and the characters it makes
    "osc52-clipboard": ("\\e]52;c;ZWNobyBwd25lZA==\\a", "\x1b]52;c;ZWNobyBwd25lZA==\x07"),
    "clear-screen": ("\\e[2J\\e[H", "\x1b[2J\x1b[H"),
    "c1-csi": ("\\x9b2J", "\x9b2J"),
    "bell": ("\\a", "\x07"),
}


@pytest.mark.parametrize("escape", list(ESCAPES))
def test_no_terminal_escape_from_a_shared_lesson_reaches_the_terminal(
    home: Path, capsys: pytest.CaptureFixture[str], escape: str
) -> None:
    """`lessons list` sent a title's ESC sequences (OSC 52 clipboard write, clear screen) to the
    terminal; a file's name may hold them too."""
    mine = home / "lessons"
    mine.mkdir(parents=True)
    written, raw = ESCAPES[escape]
    (mine / "evil.yaml").write_text(lesson("evil", f'"Evil {written} title"'))
    (mine / f"named {raw}.yaml").write_text("id: [\n")
    (mine / "good.yaml").write_text(lesson("good"))
    for command in (["lessons", "list"], ["lessons", "list", "--json"], ["lessons", "check", str(mine)]):
        main(command)
        captured = capsys.readouterr()
        for text in (captured.out, captured.err):
            assert not any(
                0x80 <= ord(char) <= 0x9F or (ord(char) < 0x20 and char not in "\n\t") for char in text
            )
            assert "\x1b" not in text and "\x07" not in text and "\x7f" not in text
        assert "evil.yaml:2:8: title: the text holds the control character" in captured.out
        assert "named \\x" in (json.loads(captured.out)[-1]["error"] if "--json" in command else captured.out)
    main(["lessons", "list", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert any(row["path"].endswith(f"named {raw}.yaml") for row in rows)  # JSON keeps the true name


def test_a_new_lesson_with_an_older_lessons_id_is_the_broken_one(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = home / "lessons"
    mine.mkdir(parents=True)
    (mine / "zeta.yaml").write_text(lesson("my-lesson", "My own lesson"))
    assert main(["lessons", "list"]) == 0
    capsys.readouterr()
    (mine / "alpha.yaml").write_text(lesson("my-lesson", "Someone else's"))
    assert main(["lessons", "list"]) == 0
    out = capsys.readouterr().out
    assert (
        f"{mine / 'alpha.yaml'}:1:5: id: the id 'my-lesson' is already used by {mine / 'zeta.yaml'}; "
        "give this lesson another id" in out
    )
    [row] = [line for line in out.splitlines() if line.startswith("my-lesson ") and "My own lesson" in line]
    assert row.endswith("loads")
    assert main(["lessons", "check", str(mine)]) == 1
    out = capsys.readouterr().out
    assert "PASS   my-lesson" in out and f"BROKEN {mine / 'alpha.yaml'}" in out


def test_a_link_out_of_the_lessons_folder_never_shows_the_linked_file(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN-abc123\n")
    mine = home / "lessons"
    mine.mkdir(parents=True)
    (mine / "link.yaml").symlink_to(secret)
    for command in (
        ["lessons", "list"],
        ["lessons", "check", str(mine)],
        ["lessons", "check", str(mine / "link.yaml")],
    ):
        main(command)
        captured = capsys.readouterr()
        assert "SECRET" not in captured.out + captured.err
        assert f"{mine / 'link.yaml'}:1:1: is a link to a file outside {mine}; it is not read" in captured.out
