"""One set of terms per exercise, and one reading of an answer for its preview and its grade."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.core.grading.grader import answer_preview, grade_terms
from studybuddy.core.grading.terms import GradingTerms, exercise_terms
from studybuddy.core.lessons import validate_lesson
from studybuddy.core.lessons.checker import check_lesson
from studybuddy.services.lessons import LessonService
from studybuddy.storage.lesson_yaml import load_yaml_text

LESSONS = LessonService(None)


def sigmoid_prime() -> GradingTerms:
    lesson = LESSONS.get("sigmoid-derivative")
    return exercise_terms(lesson, lesson.exercise("sigmoid-prime"))


def test_an_exercise_terms_hold_every_lesson_name_and_allow_only_the_exercise_variables() -> None:
    terms = sigmoid_prime()
    assert terms.expected == "s*(1 - s)"
    assert ("s", "probability", None) in terms.variables and ("z", "real", None) in terms.variables
    assert terms.answer_variables == ("s",)
    assert ("s", "1/(1 + exp(-z))") in terms.definitions
    assert terms.mistakes[0].answer == "s*(1 + s)"
    assert all(type(name) is str for name, _, _ in terms.variables), "plain data: it pickles as it is"


def test_the_preview_is_pretty_or_points_at_the_error() -> None:
    terms = sigmoid_prime()
    assert answer_preview("s(1+s)", terms) == {"pretty": "s⋅(1 + s)"}, "as typed, not with s replaced"
    bad = answer_preview("s(1-s", terms)
    assert bad["pretty"] is None and "never closed" in str(bad["message"])
    assert str(bad["pointer"]).splitlines()[0] == "s(1-s" and "^" in str(bad["pointer"])
    assert answer_preview("   ", terms) == {"pretty": None}


@pytest.mark.parametrize(
    "answer",
    ["exp(-z)/(1 + exp(-z))^2", "s(1 - z)", "sigm(1 - s)", "s(1-s", "s^^2"],
)
def test_preview_and_grade_give_the_same_error_for_an_unreadable_answer(answer: str) -> None:
    terms = sigmoid_prime()
    preview, verdict = answer_preview(answer, terms), grade_terms(answer, terms)
    assert verdict.kind == "invalid" and preview["pretty"] is None
    assert preview["message"] == str(verdict.error)


def test_an_unreadable_expected_answer_is_said_alike_by_preview_and_grade() -> None:
    terms = GradingTerms("2*y", (("x", "real", None),))
    preview, verdict = answer_preview("x", terms), grade_terms("x", terms)
    assert verdict.kind == "invalid" and verdict.detail.startswith("the expected answer is unreadable")
    assert preview["message"] == verdict.detail


def test_an_unusable_declared_name_is_an_invalid_grade_not_a_crash() -> None:
    terms = GradingTerms("x", (("sin", "real", None),))
    assert grade_terms("x", terms).kind == "invalid"
    assert "built-in" in str(answer_preview("x", terms)["message"])


FIXTURE = Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml"


def test_the_checker_refuses_a_listed_mistake_a_learner_could_not_type_at_its_position() -> None:
    # one-minus-s allows only x; its listed mistake now uses s, which a learner could not type there
    text = FIXTURE.read_text(encoding="utf-8").replace("answer: 1/(1 + exp(x)) + 1", "answer: 1 + s")
    lesson = validate_lesson(load_yaml_text(text, "my.yaml"), "my.yaml")
    results = {result.key: result for result in check_lesson(lesson)}
    assert results["exercise one-minus-s"].passed
    mistake = results["exercise one-minus-s mistake 1"]
    assert not mistake.passed
    assert mistake.headline().startswith(
        "my.yaml:65:21: exercise one-minus-s mistake 1: exercises[2].mistakes[0].answer: unknown name 's'"
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("3g1-(g1+g2+g3)", "3⋅g₁ - (g₁ + g₂ + g₃)"),  # not folded into 2⋅g₁ - g₂ - g₃
        ("0.25", "0.25"),  # not 0.250000000000000
        ("g1 + g1", "g₁ + g₁"),
        ("2*(g1+1)", "2⋅(g₁ + 1)"),
        ("x1 g1 + x2 g2 + x3 g3", "x₁⋅g₁ + x₂⋅g₂ + x₃⋅g₃"),
        ("-(g1+g2)", "-(g₁ + g₂)"),
        ("g3 - 1e-3", "g₃ - 0.001"),
        ("max(g1, g2) + min(g1, g3)", "max(g₁, g₂) + min(g₁, g₃)"),  # not SymPy's Max and Min
    ],
)
def test_the_preview_shows_the_answer_as_typed_not_as_sympy_simplifies_it(typed: str, shown: str) -> None:
    lesson = LESSONS.get("conv-backward")
    terms = exercise_terms(lesson, lesson.exercises[0])
    assert answer_preview(typed, terms) == {"pretty": shown}


def test_the_preview_shows_numpy_s_diag_as_typed() -> None:
    lesson = LESSONS.get("residual-connections")
    exercise = next(exercise for exercise in lesson.exercises if exercise.id == "block-backward-vector")
    terms = exercise_terms(lesson, exercise)
    shown = answer_preview("W1^T @ diag(G)", terms)["pretty"]
    assert shown is not None and "diag(G)" in shown and "DiagMatrix" not in shown, shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("P - Y", "P - Y"),  # SymPy orders the sum of matrices -Y + P
        ("Y - P", "Y - P"),
        ("2*P - Y", "2⋅P - Y"),
        ("-P - Y", "-P - Y"),
        ("Y + P", "Y + P"),
    ],
)
def test_a_sum_of_matrices_is_previewed_in_the_order_typed(typed: str, shown: str) -> None:
    lesson = LESSONS.get("batched-softmax-fc")
    exercise = next(exercise for exercise in lesson.exercises if exercise.id == "dscores-matrix")
    assert answer_preview(typed, exercise_terms(lesson, exercise)) == {"pretty": shown}
