"""The library's mix (issue 16, "The mix"), over every bundled lesson: each has a time estimate that fits a
one-hour study box, each has a derive exercise or an exercise with variants, at least a quarter of all
exercises are in a form other than a plain expression (vector, matrix, shape, number, choice or derive),
and the `requires` graph names existing lessons and has no cycle, so the browser can show it in order."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from studybuddy.core.grading.grader import expected_shape
from studybuddy.core.grading.terms import exercise_terms
from studybuddy.core.learning_path import PathNode, learning_order
from studybuddy.core.lessons import Lesson
from studybuddy.core.lessons.model import MAX_MINUTES, MIN_MINUTES
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

MINIMUM_NON_EXPRESSION_SHARE = 0.25


@cache
def bundled() -> tuple[Lesson, ...]:
    return tuple(read_lesson(file) for file in find_lesson_files([(bundled_lessons_dir(), "bundled")]))


def lesson_ids() -> list[str]:
    return [lesson.id for lesson in bundled()]


def lesson(lesson_id: str) -> Lesson:
    return next(item for item in bundled() if item.id == lesson_id)


def exercise_forms(item: Lesson) -> Counter[str]:
    """How many of the lesson's exercises are in each form; an answer over vectors or matrices (its
    expected answer has a shape) is "vector/matrix", any other answer "expression"."""
    forms: Counter[str] = Counter()
    for exercise in item.exercises:
        form = exercise.kind
        if form == "answer":
            form = "vector/matrix" if expected_shape(exercise_terms(item, exercise)) else "expression"
        forms[form] += 1
    forms["derive"] += len(item.derive_exercises)
    return forms


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_every_lesson_says_how_long_it_takes_and_fits_a_one_hour_box(lesson_id: str) -> None:
    minutes = lesson(lesson_id).minutes
    assert minutes is not None, f"{lesson_id} has no 'minutes:'"
    assert MIN_MINUTES <= minutes <= MAX_MINUTES == 60


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_every_lesson_has_a_derive_exercise_or_an_exercise_with_variants(lesson_id: str) -> None:
    item = lesson(lesson_id)
    variants = [exercise.id for exercise in item.exercises if exercise.parameters]
    assert item.derive_exercises or variants, f"{lesson_id}: no 'kind: derive' exercise and no 'parameters:'"


def test_at_least_a_quarter_of_all_exercises_are_not_plain_expressions() -> None:
    forms: Counter[str] = Counter()
    for item in bundled():
        forms += exercise_forms(item)
    total = sum(forms.values())
    share = 1 - forms["expression"] / total
    assert share >= MINIMUM_NON_EXPRESSION_SHARE, f"{share:.0%} of {total} exercises: {dict(forms)}"
    # every form is represented, so the share is not one form alone
    assert {"vector/matrix", "shape", "number", "choice", "derive"} <= set(forms)


def test_requires_names_existing_lessons_and_gives_one_path_without_a_cycle() -> None:
    lessons = bundled()
    order = learning_order([PathNode(x.id, x.topic, tuple(name for name, _ in x.requires)) for x in lessons])
    assert order.problems == ()
    assert sorted(order.ids) == sorted(x.id for x in lessons)
    place = {lesson_id: index for index, lesson_id in enumerate(order.ids)}
    for item in lessons:
        assert all(place[name] < place[item.id] for name, _ in item.requires), item.id
