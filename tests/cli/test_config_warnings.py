"""A broken config file never stops a command: a warning on stderr names each entry left out (the file,
the line, what is used instead), then the command runs on the defaults."""

from __future__ import annotations

import json
import os
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


BAD_CONFIGS = {
    "fifo": lambda path: os.mkfifo(path),
    "dev-zero": lambda path: path.symlink_to("/dev/zero"),
    "deep": lambda path: path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "huge-integer": lambda path: path.write_text("[timer]\nminutes = " + "9" * 5_000 + "\n"),
}
COMMANDS = {
    "locate": ["locate"],
    "timer status": ["timer", "status", "--json"],
    "diary list": ["diary", "list"],
    "lessons list": ["lessons", "list", "--json"],
    "stats": ["stats", "--json"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("damage", list(BAD_CONFIGS))
def test_every_command_says_what_is_wrong_with_the_config_then_runs_on_the_defaults(
    config: Path, capsys: pytest.CaptureFixture[str], damage: str, command: str
) -> None:
    """A FIFO in the config's place hung every command; /dev/zero read until memory ran out; deep
    nesting or a 5,000-digit integer printed a traceback."""
    BAD_CONFIGS[damage](config)
    assert main(COMMANDS[command]) == 0
    captured = capsys.readouterr()
    (warning,) = captured.err.splitlines()
    assert warning.startswith(f"studybuddy: warning: {config}")
    assert warning.endswith("the whole file is ignored and every setting is at its default")
    assert "Traceback" not in captured.err and captured.out


def test_a_config_with_a_byte_order_mark_is_read(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.write_bytes(b"\xef\xbb\xbf[timer]\nminutes = 25\n")
    assert main(["timer", "status", "--json"]) == 0
    assert capsys.readouterr().err == ""
