"""Every bundled lesson's math as the app shows it (the grading worker's answers) agrees with what
`studybuddy lessons check` says of it, item for item (issue 9: ten lessons never ran their math in
the app)."""

from __future__ import annotations

import re

import pytest

from studybuddy.core.lessons.checker import plan_checks
from studybuddy.services import math_requests
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

FILES = find_lesson_files([(bundled_lessons_dir(), "bundled")])
ROUND_OFF = re.compile(r"\d\.\de[-+]\d+")  # a relative error's last digits vary with evaluation order


def same_words(message: str) -> str:
    return ROUND_OFF.sub("…", message)


@pytest.mark.parametrize("file", FILES, ids=lambda file: file.path.stem)
def test_the_app_marks_every_step_and_runs_every_check_as_the_checker_does(file) -> None:
    lesson = read_lesson(file)
    checker = {  # what `studybuddy lessons check` says of each step and numeric check
        item.key: item.run() for item in plan_checks(lesson) if item.key.startswith(("step ", "check "))
    }

    steps = math_requests.answer("lesson_steps", (lesson,))
    assert "math_error" not in steps
    assert len(steps["math"]["steps"]) == len(lesson.derivation)

    for index in range(len(lesson.derivation)):
        answer = math_requests.answer("verify_step", (lesson, index))
        assert "math_error" not in answer, f"step {index + 1}: {answer}"
        expected = checker[f"step {index + 1}"]
        assert answer["math"]["message"] == expected.message
        assert answer["math"]["mark"] in ({"start", "checked"} if expected.passed else {"failed"})

    for check in lesson.checks:
        answer = math_requests.answer("numeric_check", (lesson, check.id))
        assert "math_error" not in answer, f"check {check.id}: {answer}"
        expected = checker[f"check {check.id}"]
        assert answer["math"]["passed"] == expected.passed
        assert same_words(answer["math"]["summary"]) == same_words(expected.message)


PYTHON_OPERATOR = re.compile(r"\*|\w_?\d*\*\*")  # SymPy's str() of a product or power: w11*x1, x1**2


@pytest.mark.parametrize("file", FILES, ids=lambda file: file.path.stem)
def test_every_step_is_shown_as_math_not_as_python(file) -> None:
    # SymPy's pretty printer writes the arguments of Max and Min with str(): a ReLU's step read
    # 'Max(0, w11*x1 + w12*x2)' beside 'w₁₁⋅x₁' everywhere else.
    lesson = read_lesson(file)
    steps = math_requests.answer("lesson_steps", (lesson,))["math"]["steps"]
    raw = [f"step {n}: {step}" for n, step in enumerate(steps, start=1) if PYTHON_OPERATOR.search(step)]
    assert raw == []
