"""The key a hint names ("Start the hour with F6"), read from the live bindings: a key remapped in
the config file's ``[keys]`` is named as remapped, never as the default the text was written with."""

from __future__ import annotations

import re
from typing import Any

from textual.keys import format_key
from textual.screen import Screen

# How a sentence names a key (the footer's short forms, "^t", "esc", read oddly in prose).
_NAMES = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space", "backspace": "Backspace"}


def bound_key(screen: Screen[Any], binding_id: str) -> str | None:
    """The first key that runs ``binding_id`` on ``screen`` (its own bindings and the app's), or None."""
    for key, active in screen.active_bindings.items():
        if active.binding.id == binding_id:
            return key
    return None


def key_name(key: str) -> str:
    """``f6`` -> ``F6``, ``ctrl+t`` -> ``ctrl+t``, ``escape`` -> ``Esc``, ``question_mark`` -> ``?``."""
    *modifiers, last = key.split("+")
    name = last.upper() if re.fullmatch(r"f\d{1,2}", last) else _NAMES.get(last) or format_key(last)
    return "+".join([*modifiers, name])


def key_hint(screen: Screen[Any], binding_id: str) -> str:
    """The key to name in a hint for ``binding_id``; the command palette's when no key runs it."""
    key = bound_key(screen, binding_id)
    if key is None:
        return f"the command palette ({key_name(screen.app.COMMAND_PALETTE_BINDING)})"
    return key_name(key)
