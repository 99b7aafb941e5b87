"""`studybuddy locate`: where everything is and how the home was chosen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studybuddy.cli import main


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)


def locate_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main([*args, "locate", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_home_flag_wins_and_everything_is_inside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "study"
    found = locate_json(capsys, "--home", str(home))
    assert found["home"] == {"path": str(home), "exists": False, "chosen_by": "--home"}
    assert found["diary"]["path"] == str(home / "diary")
    assert found["lessons"]["path"] == str(home / "lessons")
    assert found["database"]["path"].startswith(str(home))
    assert found["config_file"]["path"] == str(tmp_path / "config.toml")


def test_environment_then_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text(f'home = "{tmp_path / "from-config"}"\n')
    found = locate_json(capsys)
    assert found["home"]["path"] == str(tmp_path / "from-config")
    assert found["home"]["chosen_by"] == f"config file {tmp_path / 'config.toml'}"
    assert found["config_file"]["exists"] is True
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "from-env"))
    found = locate_json(capsys)
    assert (found["home"]["path"], found["home"]["chosen_by"]) == (
        str(tmp_path / "from-env"),
        "$STUDYBUDDY_HOME",
    )


def test_with_no_setup_the_platform_folder_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    found = locate_json(capsys)
    assert found["home"]["chosen_by"] == "platform default"
    assert "studybuddy" in found["home"]["path"]
    assert main(["locate"]) == 0
    out = capsys.readouterr().out
    assert "chosen by  platform default" in out and "(not created yet)" in out


@pytest.mark.parametrize("command", [["locate"], ["diary", "list"], ["timer", "status"], ["stats"]])
def test_a_home_path_the_system_refuses_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    home = tmp_path / ("a" * 300) / ("b" * 4000)  # longer than any file system allows (ENAMETOOLONG)
    assert main(["--home", str(home), *command]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studybuddy: ") and "Traceback" not in err and "too long" in err.lower()
