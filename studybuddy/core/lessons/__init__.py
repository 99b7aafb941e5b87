"""Lessons: the model, validation of a loaded lesson document, and the checker that proves a lesson."""

from studybuddy.core.lessons.errors import LessonError, Location
from studybuddy.core.lessons.model import (
    Check,
    Exercise,
    Lesson,
    LessonSummary,
    Mistake,
    SourceText,
    Step,
    StepRule,
    SymbolSpec,
)
from studybuddy.core.lessons.validate import validate_lesson

__all__ = [
    "Check",
    "Exercise",
    "Lesson",
    "LessonError",
    "LessonSummary",
    "Location",
    "Mistake",
    "SourceText",
    "Step",
    "StepRule",
    "SymbolSpec",
    "validate_lesson",
]
