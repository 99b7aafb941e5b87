"""The one error a person sees when an expression cannot be read: a message plus where it went wrong."""

from __future__ import annotations

import unicodedata

from studybuddy.core.errors import StudybuddyError


def _display_width(text: str) -> int:
    """Terminal columns taken by ``text``: wide (full-width, CJK) characters take two, combining ones none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("F", "W") else 1
    return width


class ExprError(StudybuddyError):
    """An expression that cannot be accepted, with the span of the typed text that caused it.

    ``start`` and ``end`` are indices into ``text`` as the person typed it (not into any normalised
    form), so a caret drawn under them lands on the offending characters.
    """

    def __init__(
        self,
        message: str,
        text: str = "",
        start: int = 0,
        end: int | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.message = message
        self.text = text
        self.start = max(0, min(start, len(text)))
        stop = self.start + 1 if end is None else end
        self.end = max(self.start, min(stop, max(len(text), self.start + 1)))
        self.suggestion = suggestion
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" at column {self.start + 1}" if self.text else ""
        hint = f": did you mean {self.suggestion}?" if self.suggestion else ""
        return f"{self.message}{where}{hint}"

    def pointer(self) -> str:
        """The input on one line and carets under the offending span on the next.

        Characters that would break the line (tabs, newlines, control characters) are shown as
        spaces so the carets stay aligned with what is printed above them.
        """
        shown = "".join(ch if ch.isprintable() else " " for ch in self.text)
        indent = _display_width(shown[: self.start])
        width = max(1, _display_width(shown[self.start : self.end]))
        return f"{shown}\n{' ' * indent}{'^' * width}"

    def at(self, text: str, start: int, end: int) -> ExprError:
        """The same error placed at another span (used when a sub-step reports a local position)."""
        return ExprError(self.message, text, start, end, self.suggestion)
