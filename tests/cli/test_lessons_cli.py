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
