"""Every bundled numeric check: its "at ..." line names only the free values the check was made at.

A gradient check once listed every symbol of the lesson, defined ones included (batched-softmax-fc's
said s11 + s12 + s13 = 1.27 beside the z it was computed at). Here every gradient check of the library
is run as the app runs it, and the names after "at" are held to the check's own free symbols, with
every name the lesson defines left out.
"""

from __future__ import annotations

import re

import pytest

from studybuddy.core.lessons import Lesson
from studybuddy.core.lessons.compile import LessonMath
from studybuddy.services.math_requests import numeric_check
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

LESSONS = [read_lesson(file) for file in find_lesson_files([(bundled_lessons_dir(), "bundled")])]
GRADIENT_CHECKS = [
    pytest.param(lesson, check.id, id=f"{lesson.id}/{check.id}")
    for lesson in LESSONS
    for check in lesson.checks
    if check.kind == "gradient"
]
_NAMED = re.compile(r"(?:^|, )([A-Za-z_][A-Za-z0-9_]*) = ")


def test_the_library_has_gradient_checks_beside_definitions() -> None:
    assert len(GRADIENT_CHECKS) >= 30
    assert any(param.values[0].definitions for param in GRADIENT_CHECKS)


@pytest.mark.parametrize(("lesson", "check_id"), GRADIENT_CHECKS)
def test_a_gradient_check_names_only_its_own_free_values(lesson: Lesson, check_id: str) -> None:
    result = numeric_check(lesson, check_id)
    where = result["summary"].split(") at ", 1)[1]
    named = _NAMED.findall(where)
    check = next(check for check in lesson.checks if check.id == check_id)
    math = LessonMath(lesson)
    assert check.function is not None
    used = {
        getattr(symbol, "name", str(symbol))
        for expr in (math.expanded(check.function), *(math.expanded(text) for _, text in check.gradient))
        for symbol in expr.free_symbols
    } | {name for name, _ in check.gradient}
    defined = {name for name, _ in lesson.definitions}
    assert named and set(named) <= used, (named, sorted(used))
    assert not defined & set(named), f"a defined name is listed: {sorted(defined & set(named))}"
