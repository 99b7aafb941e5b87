"""The TUI's math in the grading worker: previews, steps as written with their marks, check figures."""

from __future__ import annotations

import pytest

from studybuddy.services import math_requests
from studybuddy.services.grading import GradingService
from studybuddy.services.lessons import LessonService

LESSONS = LessonService(None)


def sigmoid():
    return LESSONS.get("sigmoid-derivative")


def test_a_preview_is_pretty_or_points_at_the_error() -> None:
    variables = (("s", "real", None),)
    assert math_requests.preview("s(1+s)", variables) == {"pretty": "s⋅(s + 1)"}
    bad = math_requests.preview("s(1-s", variables)
    assert bad["pretty"] is None and "never closed" in bad["message"]
    assert bad["pointer"].splitlines()[0] == "s(1-s" and "^" in bad["pointer"]
    assert math_requests.preview("   ", variables) == {"pretty": None}


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
        assert service.preview("2 lam w", [("lam", "real", None), ("w", "real", None)]) == {
            "pretty": "2⋅lam⋅w"
        }
        assert service.is_ready()
        lesson = sigmoid()
        assert service.verify_step(lesson, 1)["mark"] == "checked"
        assert service.numeric_check(lesson, "symmetry")["passed"]
