"""Every bundled exercise: the live preview and the grade read an answer alike, through the app's calls.

The quiz screen once graded without the exercise's ``variables`` while its preview used them, so
``exp(-z)/(1 + exp(-z))^2`` in an exercise asking for ``s`` previewed "unknown name 'z'" and was then
graded right. Both now go through ``GradingService.preview_exercise_answer`` and ``grade_exercise``;
this holds them to agreeing on every exercise's answer, each of its listed mistakes, and an answer
using a name the exercise does not allow.
"""

from __future__ import annotations

import re

import pytest

from studybuddy.core.lessons import Exercise, Lesson
from studybuddy.core.lessons.variants import instantiate
from studybuddy.services.grading import GradingService
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

LESSONS = [read_lesson(file) for file in find_lesson_files([(bundled_lessons_dir(), "bundled")])]
EXERCISES = [  # an exercise with parameters as a variant, as the app draws one
    pytest.param(lesson, instantiate(exercise, 1), id=f"{lesson.id}/{exercise.id}")
    for lesson in LESSONS
    for exercise in lesson.exercises
]


def as_typed(exercise: Exercise, text: str) -> str:
    """An answer or mistake as the learner types it for the variant on screen: the drawn values in
    place of the parameters' names (the learner types values, not the names)."""
    for name, value in exercise.drawn:
        text = re.sub(rf"\b{name}\b", f"({value})", text)
    return text


@pytest.fixture(scope="module")
def grading():
    with GradingService(timeout=10.0) as service:
        yield service


def outside_name(lesson: Lesson, exercise: Exercise) -> str:
    """A lesson symbol the exercise does not allow, else a name the lesson never declares (with an
    underscore, so that it cannot be read as a product of declared one-letter names)."""
    allowed = set(exercise.variables) if exercise.variables is not None else None
    declared = [symbol.name for symbol in lesson.symbols]
    if allowed is not None:
        for name in declared:
            if name not in allowed:
                return name
    return "undeclared_name"


def test_the_library_has_exercises_that_limit_their_names() -> None:
    assert len(EXERCISES) >= 100
    assert sum(1 for param in EXERCISES if param.values[1].variables is not None) >= 40


@pytest.mark.parametrize(("lesson", "exercise"), EXERCISES)
def test_the_preview_shows_an_error_exactly_when_the_grade_says_invalid(
    grading: GradingService, lesson: Lesson, exercise: Exercise
) -> None:
    outside = outside_name(lesson, exercise)
    answer = as_typed(exercise, exercise.answer.text)
    answers = [answer, *(as_typed(exercise, mistake.answer.text) for mistake in exercise.mistakes), outside]
    seen = {}
    for text in answers:
        preview = grading.preview_exercise_answer(lesson, exercise, text)
        verdict = grading.grade_exercise(lesson, exercise, text)
        seen[text] = (preview.get("message"), verdict.kind)
        assert (preview["pretty"] is None) == (verdict.kind == "invalid"), f"{text!r}: {seen[text]}"
        if verdict.kind == "invalid":
            assert verdict.error is not None and preview["message"] == str(verdict.error)
    assert seen[answer][1] == "equivalent"
    message, kind = seen[outside]
    assert kind == "invalid", seen[outside]
    if exercise.kind == "answer":  # a number, a shape or a choice refuses a name with its own words
        assert message.startswith(f"unknown name '{outside}'"), seen[outside]
