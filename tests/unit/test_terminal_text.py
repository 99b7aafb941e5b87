"""Text bound for a terminal: every control character shown as a visible escape, never sent."""

from __future__ import annotations

import json

import pytest

from studybuddy.core.terminal_text import has_control_character, json_for_terminal, printable, printable_line


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),  # OSC 52: write the clipboard
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear the screen
        ("\x9b2J", "\\x9b2J"),  # C1 CSI
        ("a\rb\x08c\x00d\x7f", "a\\x0db\\x08c\\x00d\\x7f"),
        ("tab\tand\nnewline, ünïcödé, λ, 日本", "tab\tand\nnewline, ünïcödé, λ, 日本"),
    ],
)
def test_every_control_character_but_tab_and_newline_is_escaped(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert printable(printable(text)) == shown  # escaping twice changes nothing more
    assert (has_control_character(text) is None) == (text == shown)


def test_one_line_text_has_no_line_breaks() -> None:
    assert printable_line("a\tb\nc\x1b") == "a b c\\x1b"


def test_json_keeps_its_value_and_loses_its_raw_controls() -> None:
    value = {"path": "x\x9b\x1b\x7f.yaml", "title": "ü"}
    document = json_for_terminal(json.dumps(value, ensure_ascii=False))
    assert json.loads(document) == value
    assert not any(0x7F <= ord(char) <= 0x9F or ord(char) < 0x20 for char in document.replace("\n", ""))
