"""Diary text bound for a terminal: an entry can come from an import, a sync or another program, and
its escape sequences (OSC 52 writes the clipboard, ESC [2J clears the screen) must reach the reader as
visible escapes, never as orders to the terminal. Redirected to a file, the entry stays as written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from studybuddy.cli import main

HOSTILE = "hello \x1b]52;c;aGk=\x07 \x1b[2J \x9b31m world #backprop\n"
ENTRY = f"---\ndate: 2025-07-09\n---\n{HOSTILE}"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    home = tmp_path / "home"
    (home / "diary").mkdir(parents=True)
    (home / "diary" / "2025-07-09.md").write_text(ENTRY, encoding="utf-8")
    return home


def _to_terminal(monkeypatch: pytest.MonkeyPatch, is_terminal: bool) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: is_terminal)


def _no_raw_controls(text: str) -> bool:
    return not any(c in text for c in "\x1b\x07\x9b")


@pytest.mark.parametrize(
    "command",
    [("show", "2025-07-09"), ("search", "hello"), ("export",), ("show", "2025-07-09", "--json")],
    ids=" ".join,
)
def test_to_a_terminal_every_control_character_is_shown_as_an_escape(
    home: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _to_terminal(monkeypatch, True)
    assert main(["--home", str(home), "diary", *command]) == 0
    out = capsys.readouterr().out
    assert _no_raw_controls(out)
    assert "hello" in out and "world" in out
    if "--json" in command:  # the same JSON value, escaped as JSON does
        assert json.loads(out)["body"] == HOSTILE
    else:
        assert "\\x1b]52" in out


@pytest.mark.parametrize("command", [("show", "2025-07-09"), ("export",)], ids=" ".join)
def test_to_a_file_or_pipe_the_entry_is_exactly_as_written(
    home: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _to_terminal(monkeypatch, False)
    assert main(["--home", str(home), "diary", *command]) == 0
    assert HOSTILE in capsys.readouterr().out
