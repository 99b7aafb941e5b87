"""The TUI's math in the grading worker: steps as written with their marks, check figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studybuddy.core.lessons import Lesson, validate_lesson
from studybuddy.core.lessons.checker import check_lesson
from studybuddy.services import math_requests
from studybuddy.services.grading import GradingService
from studybuddy.services.lessons import LessonService
from studybuddy.storage.lesson_yaml import load_yaml_text

LESSONS = LessonService(None)


def sigmoid():
    return LESSONS.get("sigmoid-derivative")


def test_steps_are_shown_as_written_and_marked() -> None:
    lesson = sigmoid()
    steps = math_requests.lesson_steps(lesson)["steps"]
    assert len(steps) == len(lesson.derivation) == 5
    assert steps[2] != steps[1], "the split square is not folded back into step 2"
    marks = [math_requests.verify_step(lesson, index)["mark"] for index in range(5)]
    assert marks == ["start", "checked", "checked", "checked", "checked"]


def test_a_gradient_check_gives_each_variables_figures() -> None:
    lesson = sigmoid()
    result = math_requests.numeric_check(lesson, "sigmoid-gradient")
    assert result["passed"] and result["kind"] == "gradient"
    (row,) = result["rows"]
    assert row["variable"] == "z"
    assert type(row["analytic"]) is float and type(row["numeric"]) is float, "plain numbers, no NumPy"
    assert row["relative_error"] < 1e-6
    assert row["analytic"] == pytest.approx(row["numeric"], rel=1e-6)


def test_a_bad_request_is_an_error_message_not_a_crash() -> None:
    answer = math_requests.answer("numeric_check", (sigmoid(), "no-such-check"))
    assert answer == {"math_error": "the lesson sigmoid-derivative has no check 'no-such-check'"}


def test_the_service_answers_across_the_process_boundary() -> None:
    with GradingService(timeout=5.0) as service:
        lesson = sigmoid()
        assert service.preview_exercise_answer(lesson, lesson.exercises[0], "s(1+s)") == {
            "pretty": "s⋅(1 + s)"  # as typed
        }
        assert service.is_ready()
        assert service.verify_step(lesson, 1)["mark"] == "checked"
        assert service.numeric_check(lesson, "symmetry")["passed"]


FIXTURE = (Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml").read_text()
ROUND_OFF = re.compile(r"\d\.\de[-+]\d+")  # a relative error's last digits vary with evaluation order
DOT_EXAMPLE = """\
  - id: dot-example
    kind: example
    description: A worked dot product.
    values: {v: [3, 4]}
    expr: dot(v, v)
    expected: 25
"""


def lesson_from(text: str, source: str = "mine.yaml") -> Lesson:
    return validate_lesson(load_yaml_text(text, source), source)


def test_a_lesson_with_a_vector_example_is_answered_like_any_other() -> None:
    # Its list of values made the lesson unhashable, and the worker's cache of lessons raised TypeError.
    text = FIXTURE.replace("  s: probability\n", "  s: probability\n  v: {domain: real, shape: [2]}\n")
    text = text.replace("exercises:\n", DOT_EXAMPLE + "exercises:\n")
    lesson = lesson_from(text)
    steps = math_requests.answer("lesson_steps", (lesson,))["math"]["steps"]
    assert len(steps) == 4 and "───" in steps[0], "pretty-printed, not the text as written"
    assert math_requests.answer("verify_step", (lesson, 1))["math"]["mark"] == "checked"
    check = math_requests.answer("numeric_check", (lesson, "dot-example"))["math"]
    assert check["passed"] and check["summary"].startswith("example check passed")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("  - expr: s*(1 - s)\n", "  - expr: s*(1 + s)\n", id="a step"),
        pytest.param("  s: 1/(1 + exp(-x))\n", "  s: 1/(1 + exp(x))\n", id="a definition"),
        pytest.param("    expected: 0.5\n", "    expected: 0.25\n", id="a check"),
    ],
)
def test_an_edited_lesson_is_never_answered_with_the_math_of_the_version_before(old, new) -> None:
    before, after = lesson_from(FIXTURE), lesson_from(FIXTURE.replace(old, new))
    assert before.id == after.id
    for lesson in (before, after, before, after):  # each asked while the other one is kept in the worker
        checker = {result.key: result for result in check_lesson(lesson)}
        steps = [math_requests.verify_step(lesson, index) for index in range(len(lesson.derivation))]
        checks = [math_requests.numeric_check(lesson, check.id) for check in lesson.checks]
        assert [step["message"] for step in steps] == [checker[f"step {i + 1}"].message for i in range(4)]
        assert [(c["passed"], ROUND_OFF.sub("…", c["summary"])) for c in checks] == [
            (checker[f"check {c.id}"].passed, ROUND_OFF.sub("…", checker[f"check {c.id}"].message))
            for c in lesson.checks
        ]
    assert not all(result.passed for result in check_lesson(after)), "the edit is one the checker sees"
