"""The lesson checker: a correct lesson passes item by item; a wrong one fails where it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.core.lessons import Lesson, validate_lesson
from studybuddy.core.lessons.checker import check_lesson
from studybuddy.storage.lesson_yaml import load_yaml_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lessons"
GOOD = (FIXTURES / "sigmoid-derivative.yaml").read_text()


def load(text: str, source: str = "my.yaml") -> Lesson:
    return validate_lesson(load_yaml_text(text, source), source)


def failures(text: str) -> dict[str, str]:
    return {result.key: result.headline() for result in check_lesson(load(text)) if not result.passed}


def test_a_correct_lesson_passes_every_item() -> None:
    results = check_lesson(load(GOOD))
    assert [r.key for r in results] == [
        "step 1", "step 2", "step 3", "step 4",
        "check sigmoid-gradient", "check symmetry", "check at-zero",
        "exercise sigmoid-prime", "exercise sigmoid-prime mistake 1",
        "exercise sigmoid-at-zero", "exercise one-minus-s", "exercise one-minus-s mistake 1",
    ]  # fmt: skip
    assert [r.headline() for r in results if not r.passed] == []


def test_a_step_that_does_not_follow_names_the_step_and_a_point() -> None:
    text = (FIXTURES / "broken" / "wrong-step.yaml").read_text()
    found = failures(text)
    assert found["step 2"].startswith(
        "my.yaml:17:11: step 2: does not follow from step 1 by differentiating with respect to x: "
        "different, e.g. at x = "
    )
    result = next(r for r in check_lesson(load(text)) if r.key == "step 2")
    assert "step 1 with the rule applied gives" in result.detail and "step 2 gives" in result.detail


def test_a_wrong_gradient_check_fails_with_the_relative_error() -> None:
    found = failures(GOOD.replace("gradient: {x: s*(1 - s)}", "gradient: {x: s*(1 + s)}"))
    assert found["check sigmoid-gradient"].startswith(
        "my.yaml:25:5: check sigmoid-gradient: gradient check failed"
    )


def test_a_cost_bomb_answer_is_refused_by_the_parser_at_its_column() -> None:
    found = failures(GOOD.replace("answer: 1/2\n", "answer: 9^9^9^9\n"))
    assert list(found) == ["exercise sigmoid-at-zero"]
    assert found["exercise sigmoid-at-zero"] == (
        "my.yaml:54:17: exercise sigmoid-at-zero: exercises[1].answer: "
        "the exponent is too large (at most 1000) at column 5"
    )


def test_an_injection_answer_is_an_unknown_name_and_runs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    found = failures(GOOD.replace("answer: 1/2\n", "answer: __import__('os').system('echo pwned')\n"))
    assert "exercises[1].answer" in found["exercise sigmoid-at-zero"]
    assert calls == []


def test_an_unknown_name_points_inside_the_expression() -> None:
    found = failures(GOOD.replace("answer: s*(1 - s)\n", "answer: s*(1 - sigma)\n"))
    # `sigma` starts at offset 7 of the answer, which starts at column 13.
    assert found["exercise sigmoid-prime"].startswith(
        "my.yaml:44:20: exercise sigmoid-prime: exercises[0].answer: "
    )


def test_a_listed_mistake_that_is_actually_right_fails() -> None:
    found = failures(GOOD.replace("answer: s*(1 + s)", "answer: s - s^2"))
    assert found["exercise sigmoid-prime mistake 1"].startswith(
        "my.yaml:48:17: exercise sigmoid-prime mistake 1: this listed mistake is graded correct"
    )


def test_an_answer_using_a_name_the_exercise_does_not_allow_fails() -> None:
    found = failures(GOOD.replace("answer: exp(-x)/(1 + exp(-x))", "answer: 1 - s"))
    assert found["exercise one-minus-s"].startswith(
        "my.yaml:60:17: exercise one-minus-s: exercises[2].answer: unknown name 's'"
    )
