"""Which lines of a Markdown text are fenced code, by one rule for every reader of diary text (tags,
search, links, the import's day headings, the preview's math): what is inside a fence is code, never
prose, whichever of them reads it."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


class FenceTracker:
    """Fed a text's lines in order, says of each whether it is code: a line inside a fenced block,
    or a fence line that opens or closes one."""

    def __init__(self) -> None:
        self._open: str | None = None  # the fence of the block the last line left open

    def is_code(self, line: str) -> bool:
        opener = _FENCE.match(line)
        if self._open is None:
            if opener is None:
                return False
            self._open = opener.group(1)
            return True
        if opener is not None and _closes(self._open, opener.group(1), line):
            self._open = None
        return True


def _closes(fence: str, marker: str, line: str) -> bool:
    """A closing fence (CommonMark): the same character, at least as long, nothing after it."""
    return marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip().lstrip(fence[0])
