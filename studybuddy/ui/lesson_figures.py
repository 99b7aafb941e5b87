"""What the math engine said about each lesson, kept for the session: steps as pretty text, step marks
and numeric check results. Reopening a lesson shows them at once instead of asking the worker again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LessonFigures:
    lesson: Any
    steps: list[str] | None = None  # pretty-printed, in derivation order
    marks: dict[int, str] = field(default_factory=dict)  # step index -> "start" | "checked" | "failed"
    checks: list[dict[str, Any]] | None = None  # GradingService.numeric_check results, in lesson order


class LessonFiguresCache:
    """By lesson id; an entry is dropped when the lesson file changed (the lessons compare unequal)."""

    def __init__(self) -> None:
        self._by_id: dict[str, LessonFigures] = {}

    def for_lesson(self, lesson: Any) -> LessonFigures:
        entry = self._by_id.get(lesson.id)
        if entry is None or entry.lesson != lesson:
            entry = self._by_id[lesson.id] = LessonFigures(lesson)
        return entry
