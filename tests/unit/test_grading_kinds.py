"""The kinds beside an expression, graded through the one call every grade goes through (grade_terms with
an exercise's terms): a shape, a number with a tolerance, a choice of options; and a vector or matrix
answer of the wrong shape, said without counting. Each wrong answer says why; each unreadable one where."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from studybuddy.core.grading.grader import answer_preview, grade_terms
from studybuddy.core.grading.terms import exercise_terms
from studybuddy.core.grading.verdict import Verdict
from studybuddy.core.lessons import Lesson, validate_lesson
from studybuddy.core.lessons.variants import instantiate
from studybuddy.storage.lesson_yaml import load_yaml_text

FIXTURE = Path(__file__).parent.parent / "fixtures" / "lessons" / "exercise-kinds.yaml"
LESSON: Lesson = validate_lesson(load_yaml_text(FIXTURE.read_text(), "kinds.yaml"), "kinds.yaml")


def graded(exercise_id: str, answer: str, seed: int | None = None) -> Verdict:
    exercise = LESSON.exercise(exercise_id)
    if seed is not None:
        exercise = instantiate(exercise, seed)
    return grade_terms(answer, exercise_terms(LESSON, exercise))


def said(verdict: Verdict) -> tuple[str, str | None, str]:
    return verdict.kind, verdict.diagnosis.code if verdict.diagnosis else None, verdict.detail


# --- shapes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["(D, C)", "D x C", "D×C", "[D, C]", "D, C", " ( D , C ) ", "(D,C)"])
def test_a_shape_is_right_however_it_is_written(answer: str) -> None:
    assert graded("dw-shape", answer).kind == "equivalent"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("(C, D)", ("different", "transpose", "The dimensions are in the wrong order: did you transpose?")),
        (
            "(N, C)",
            ("different", "listed:0", "The product X.T @ dscores sums over the N examples; N is gone."),
        ),
        ("(D, N)", ("different", None, "Dimension 2 of your shape is wrong.")),
        ("(D,)", ("different", "dimensions", "(N,) is a 1-D shape; the question wants two dimensions.")),
        ("(D, C, 1)", ("different", "dimensions", "The question's shape has 2 dimensions, yours 3.")),
        ("10000 x 10000", ("different", None, "Dimensions 1 and 2 of your shape are wrong.")),
    ],
)
def test_a_wrong_shape_says_what_is_wrong(answer: str, expected: tuple[str, str | None, str]) -> None:
    assert said(graded("dw-shape", answer)) == expected


def test_a_huge_shape_is_compared_without_building_anything() -> None:
    started = time.process_time()
    assert graded("dw-shape", "10000 x 10000").kind == "different"
    assert graded("dw-shape", "(99999999999, 99999999999)").kind == "different"
    assert time.process_time() - started < 30  # a 10,000 x 10,000 array would be 800 MB; nothing is built


@pytest.mark.parametrize(
    ("answer", "message", "pointed"),
    [
        ("(D, -3)", "a dimension is a whole number of 1 or more, not -3", "-3"),
        ("(0, C)", "a dimension is a whole number of 1 or more, not 0", "0"),
        ("(D, 2.5)", "a dimension is a whole number of 1 or more, not 2.50000000000000", "2.5"),
        ("(D, M)", "unknown name 'M'", "M"),
        ("(D, W)", "unknown name 'W' (this exercise asks for the answer in C, D, N)", "W"),
        ("(D, )", None, None),
        ("(D,, C)", "a dimension is missing here", ","),
        ("", None, None),
    ],
)
def test_an_unusable_shape_is_invalid_at_its_column(
    answer: str, message: str | None, pointed: str | None
) -> None:
    verdict = graded("dw-shape", answer)
    if message is None:
        assert verdict.kind in ("different", "invalid")
        return
    assert verdict.kind == "invalid"
    assert verdict.error is not None and message in verdict.error.message
    assert answer[verdict.error.start : verdict.error.end] == pointed


# --- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["0.622", "0.6225", "0.623", "1/(1 + exp(-0.5))", "sigmoid(0.5)"])
def test_a_number_within_its_tolerance_is_right(answer: str) -> None:
    assert graded("sigmoid-value", answer).kind == "equivalent"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("0.62", ("different", "close", "Close, but not within ±0.001: round only at the end.")),
        ("0.235", ("different", "listed:0", "That is the derivative at 0.5, s(1 - s).")),
        ("-0.6225", ("different", "sign", "Sign error: your answer is the negative of the right one.")),
        ("1.245", ("different", "factor", "Off by a constant factor: yours is 2 times the right value.")),
        ("0.5", ("different", None, "Not right: 0.5 is not the answer.")),
    ],
)
def test_a_wrong_number_is_diagnosed_without_giving_the_answer_away(
    answer: str, expected: tuple[str, str | None, str]
) -> None:
    verdict = graded("sigmoid-value", answer)
    assert said(verdict) == expected
    assert "0.622" not in verdict.detail


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("z", "this question asks for a number: write the value, not 'z'"),
        ("1/0", "division by zero"),
        ("log(-1)", "this is not a real number"),
        ("oo", "this has no finite value"),
    ],
)
def test_a_number_answer_that_is_no_number_is_invalid(answer: str, message: str) -> None:
    verdict = graded("sigmoid-value", answer)
    assert verdict.kind == "invalid" and verdict.error is not None
    assert message in verdict.error.message


def test_a_variant_grades_with_its_own_values() -> None:
    variant = instantiate(LESSON.exercise("out-size"), 3)
    n, k = (int(value) for _, value in variant.drawn)
    assert f"width {n}" in variant.prompt and f"width {k}" in variant.prompt
    assert graded("out-size", str(n - k + 1), seed=3).kind == "equivalent"
    assert said(graded("out-size", str(n - k), seed=3))[1] == "listed:0"
    assert graded("out-size", "n - k + 1", seed=3).kind == "invalid"  # the prompt gives the numbers


# --- choices ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["b", "B", "(b)", "b)", "2", " b "])
def test_the_right_option_is_right_and_explained(answer: str) -> None:
    verdict = graded("step-bug", answer)
    assert verdict.kind == "equivalent"
    assert verdict.diagnosis is not None and verdict.diagnosis.message == "Yes, += climbs the loss."


def test_a_wrong_option_gets_its_own_feedback() -> None:
    assert said(graded("step-bug", "a")) == (
        "different",
        "listed:0",
        "This one is right; it steps against the gradient, downhill.",
    )
    assert said(graded("step-bug", "c"))[1] == "listed:2"


@pytest.mark.parametrize(
    ("answer", "message", "pointed"),
    [
        ("d", "there is no option d (the options are a to c)", "d"),
        ("7", "there is no option 7 (the options are a to c)", "7"),
        ("a b", "choose one option: only one is right", "a b"),
        ("b?", "separate the letters with a space or a comma: a, c", "?"),
        ("", "choose an option: type its letter", None),
    ],
)
def test_an_unreadable_choice_is_invalid_and_costs_nothing(
    answer: str, message: str, pointed: str | None
) -> None:
    verdict = graded("step-bug", answer)
    assert verdict.kind == "invalid" and verdict.error is not None
    assert verdict.error.message == message
    if pointed is not None:
        assert answer[verdict.error.start : verdict.error.end] == pointed


# --- a vector or matrix of the wrong shape ---------------------------------------------------------


def test_a_vector_of_the_wrong_shape_is_said_not_counted() -> None:
    assert said(graded("dx", "g^T W")) == (
        "shape",
        "listed:0",
        "Your answer is 1x2 (a row), the question wants 2x1 (a column): did you transpose?",
    )
    assert graded("dx", "W.T @ g").kind == "equivalent"
    assert graded("dx", "np.dot(W.T, g)").kind == "equivalent"


@pytest.mark.parametrize(
    ("answer", "expected", "detail"),
    [
        ("x x^T", "W^T g", "Your answer is 2x2, the question wants 2x1 (a column)."),
        ("x^T", "x", "Your answer is 1x2 (a row), the question wants 2x1 (a column): did you transpose?"),
        ("W", "W^T", "Your answer is 3x2, the question wants 2x3: did you transpose?"),
        (
            "g * g",
            "dot(g, g)",
            "Your answer is 3x1 (a column), the question wants a number: a sum or a dot product (a @ b, "
            "dot(a, b)) gives one number; `*` is elementwise.",
        ),
        ("dot(g, g)", "g", "Your answer is a number, the question wants 3x1 (a column)."),
    ],
)
def test_shape_messages(answer: str, expected: str, detail: str) -> None:
    from studybuddy.core.grading import grade

    verdict = grade(answer, expected, LESSON.symbol_table())
    assert (verdict.kind, verdict.detail) == ("shape", detail)


def test_a_right_shaped_wrong_matrix_names_its_wrong_entries() -> None:
    from studybuddy.core.grading import grade

    verdict = grade("W + hadamard(W, OneDiag)", "W", LESSON.symbol_table())
    assert verdict.kind == "invalid"  # OneDiag is no name: a sanity check of the table
    verdict = grade("W.T @ g + outer(x, x) @ W.T @ g", "W^T g", LESSON.symbol_table())
    assert verdict.kind == "different" and "every entry is wrong" in verdict.detail
    verdict = grade("g + g_2 * (g > 10**6)", "g", LESSON.symbol_table())
    assert verdict.kind == "different"


def test_the_preview_reads_each_kind_as_its_grade_does() -> None:
    def pretty(exercise_id: str, text: str) -> object:
        return answer_preview(text, exercise_terms(LESSON, instantiate(LESSON.exercise(exercise_id), 1)))

    assert pretty("dw-shape", "D x C") == {"pretty": "(D, C)"}
    assert pretty("step-bug", "b") == {"pretty": "you choose b"}
    assert pretty("sigmoid-value", "1/2") == {"pretty": "0.5"}
    assert pretty("step-bug", "z")["message"] == "there is no option z (the options are a to c) at column 1"  # type: ignore[index]
    shown = pretty("dx", "g_1 + g_2")["pretty"]  # type: ignore[index]
    assert shown == "g₁ + g₂"
