"""Text a stranger may have written, made safe to show in a terminal.

A terminal obeys control characters: ESC starts a sequence that can clear the screen, retitle the
window or write the clipboard (OSC 52), BEL rings, CR and backspace overwrite what was printed, and
the C1 controls (U+0080 to U+009F) act like ESC sequences on some terminals. Lesson files, their names
and the caches built from them are shared or can be damaged, so text from them that is bound for a
terminal goes through :func:`printable`: every control character is shown as a visible escape
(``\\x1b``), so the reader sees that something odd is there and the terminal does nothing.
"""

from __future__ import annotations

import re

# Every control character (Unicode category Cc) but tab and newline, which text may hold.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("[\t\n]")
# Inside a JSON document, DEL and the C1 controls (which json.dumps(ensure_ascii=False) leaves as
# they are) can only be inside strings: written as \u escapes, the document means the same.
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character but tab and newline written as ``\\xNN``."""
    return _CONTROLS.sub(_escaped, text)


def printable_line(text: str) -> str:
    """:func:`printable`, on one line: tabs and newlines become spaces (a table cell, a title)."""
    return _LINE_BREAKS.sub(" ", printable(text))


def has_control_character(text: str) -> re.Match[str] | None:
    """The first control character of ``text`` other than tab and newline, if there is one."""
    return _CONTROLS.search(text)


def json_for_terminal(document: str) -> str:
    """A JSON text from ``json.dumps(..., ensure_ascii=False)`` with its remaining raw control
    characters (DEL, C1) written as ``\\u`` escapes: the same JSON value, safe to print."""
    return _RAW_IN_JSON.sub(lambda found: f"\\u{ord(found[0]):04x}", document)


def _escaped(found: re.Match[str]) -> str:
    return f"\\x{ord(found[0]):02x}"
