"""Where something is in a lesson file, and the error an author reads when it is wrong there."""

from __future__ import annotations

from dataclasses import dataclass

from studybuddy.core.errors import StudybuddyError


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a lesson file; line and column count from 1, as editors show them."""

    source: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}"


class LessonError(StudybuddyError):
    """A lesson file that cannot be used, said as ``file:line:column: field.path: message``.

    ``detail`` holds extra lines shown under the message (e.g. the expression with a caret).
    """

    def __init__(
        self, message: str, *, location: Location | None = None, path: str = "", detail: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.path = path
        self.detail = detail

    def headline(self) -> str:
        parts = [str(self.location)] if self.location else []
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return ": ".join(parts)

    def __str__(self) -> str:
        return self.headline() + (f"\n{self.detail}" if self.detail else "")

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments do not survive the default pickling (reports cross process boundaries).
        return (_rebuild_error, (self.message, self.location, self.path, self.detail))


def _rebuild_error(message: str, location: Location | None, path: str, detail: str) -> LessonError:
    return LessonError(message, location=location, path=path, detail=detail)
