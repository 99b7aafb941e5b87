"""A broken config file never stops a command: a warning on stderr names each entry left out (the file,
the line, what is used instead), then the command runs on the defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studybuddy.cli import main


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(path))
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    return path


@pytest.mark.parametrize(
    ("text", "warnings"),
    [
        (
            "[timer]\nminutes = [\n",
            ["{path}:2: not valid TOML ("],  # then TOML's own words, then: the whole file is ignored
        ),
        (
            'home = 5\n[timer]\nminutes = "sixty"\nrotation = 3\nrotaton = []\n',
            [
                "{path}:1: home must be text in quotes, not 5; ignored",
                '{path}:3: timer.minutes must be a whole number, not "sixty"; using 60',
                "{path}:4: timer.rotation must be a list [...], not 3; ignored",
                "{path}:5: timer.rotaton is not a setting (did you mean timer.rotation?); ignored",
            ],
        ),
    ],
    ids=["not-toml", "bad-entries"],
)
def test_a_command_warns_then_runs_on_the_defaults(
    config: Path, capsys: pytest.CaptureFixture[str], text: str, warnings: list[str]
) -> None:
    config.write_text(text, encoding="utf-8")
    assert main(["timer", "status", "--json"]) == 0
    captured = capsys.readouterr()
    told = captured.err.splitlines()
    assert len(told) == len(warnings), told
    for line, warning in zip(told, warnings, strict=True):
        assert line.startswith(f"studybuddy: warning: {warning.format(path=config)}"), line
    assert json.loads(captured.out)["state"] == "idle"


def test_a_good_config_file_gives_no_warning(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.write_text('theme = "nord"\n[timer]\nminutes = 50\n', encoding="utf-8")
    assert main(["timer", "status"]) == 0
    assert capsys.readouterr().err == ""
