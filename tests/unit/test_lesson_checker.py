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
        "time estimate", "step 1", "step 2", "step 3", "step 4",
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


MATRIX_CHECKS = """\
  - id: trace-identity
    kind: identity
    description: The trace is the sum of the diagonal.
    lhs: trace(W)
    rhs: sum(diag(W))
  - id: det-identity
    kind: identity
    description: det(W W) = det(W)^2.
    lhs: det(W @ W)
    rhs: det(W)^2
  - id: norm-identity
    kind: identity
    description: The squared norm is the dot product with itself.
    lhs: norm(v)^2
    rhs: dot(v, v)
  - id: sum-at-a-point
    kind: identity
    description: At (3, 0, 0) the sum of the entries is the norm.
    lhs: sum(v)
    rhs: norm(v)
    at: {v: [3, 0, 0]}
  - id: trace-and-det-at-a-point
    kind: identity
    description: At a given matrix.
    lhs: trace(W) + det(W)
    rhs: sum(diag(W)) + det(W)
    at: {W: [[1, 2], [3, 4]]}
  - id: trace-gradient
    kind: gradient
    description: The gradient of trace(W^T W) is 2W.
    function: trace(transpose(W) @ W)
    gradient: {W: 2*W}
  - id: det-gradient
    kind: gradient
    description: Jacobi's formula.
    function: det(W)
    gradient: {W: "det(W)*transpose(inv(W))"}
  - id: norm-gradient
    kind: gradient
    description: The gradient of the norm is v over the norm.
    function: norm(v)
    gradient: {v: v/norm(v)}
  - id: sum-gradient
    kind: gradient
    description: The gradient of the sum of squares is 2v.
    function: sum(hadamard(v, v))
    gradient: {v: 2*v}
  - id: det-example
    kind: example
    description: A worked determinant.
    values: {W: [[1, 2], [3, 4]]}
    expr: det(W) + trace(W)
    expected: 3
"""


def with_matrices(checks: str) -> str:
    text = GOOD.replace(
        "  s: probability\n",
        "  s: probability\n  W: {domain: real, shape: [2, 2]}\n  v: {domain: real, shape: [3]}\n",
        1,
    )
    return text.replace("checks:\n", "checks:\n" + checks, 1)


def test_trace_det_norm_and_sum_work_in_every_kind_of_numeric_check() -> None:
    """They work in answers; in numeric checks trace and det failed to compile ("could not be
    checked: PrintMethodNotImplementedError", with no file:line), and a matrix given in `at` was
    passed on as nested tuples (TypeError)."""
    results = {result.key: result for result in check_lesson(load(with_matrices(MATRIX_CHECKS)))}
    checks = {key: result for key, result in results.items() if key.startswith("check ")}
    assert len(checks) == 13
    assert [result.headline() for result in checks.values() if not result.passed] == []


def test_a_wrong_matrix_gradient_still_fails() -> None:
    wrong = MATRIX_CHECKS.replace("gradient: {W: 2*W}", "gradient: {W: W}")
    found = failures(with_matrices(wrong))
    assert found["check trace-gradient"].startswith(
        "my.yaml:54:5: check trace-gradient: gradient check failed"
    )


def test_a_numeric_check_that_cannot_be_computed_is_reported_at_the_check() -> None:
    bad = """\
  - id: wrong-size
    kind: example
    description: A vector of three given two numbers.
    values: {v: [1, 2]}
    expr: sum(v)
    expected: 3
"""
    found = failures(with_matrices(bad))
    assert found["check wrong-size"].startswith("my.yaml:27:5: check wrong-size: could not be checked: ")


def test_a_lesson_without_a_time_estimate_loads_but_fails_its_check_at_its_id() -> None:
    text = GOOD.replace("minutes: 15", "")
    assert load(text).minutes is None  # a lesson written before the field still opens
    assert failures(text) == {
        "time estimate": "my.yaml:1:5: time estimate: no time estimate: add 'minutes: N' (5 to 60), the "
        "minutes a learner needs for the steps, the checks and every exercise"
    }
