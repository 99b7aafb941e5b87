"""Matrix answers: right and wrong verdicts, and why a wrong one is wrong (sign, factor, transpose)."""

import pytest
from grading_support import diagnosed

from studybuddy.core.grading import ListedMistake, grade
from studybuddy.core.mathexpr import SymbolTable, Variable

# The fully connected layer's backward pass: z = W x, so dL/dW = dz x^T (2 x 3) and dL/dx = W^T dz.
TABLE = SymbolTable(
    [
        Variable("W", shape=(2, 3)),
        Variable("x", shape=(3,)),
        Variable("dz", shape=(2,)),
        Variable("A", shape=(2, 2)),
        Variable("N", "positive"),
        Variable("lam"),
    ]
)


def diagnosis(answer: str, expected: str, **kwargs: object) -> tuple[str, str]:
    return diagnosed(answer, expected, TABLE, **kwargs)


def test_a_rewritten_matrix_answer_is_equivalent() -> None:
    assert grade("(x dz^T)^T", "dz x^T", TABLE).kind == "equivalent"
    assert grade("(dz^T W)^T", "W^T dz", TABLE).kind == "equivalent"


def test_the_transposed_outer_product_is_a_shape_said_without_an_attempt() -> None:
    verdict = grade("x dz^T", "dz x^T", TABLE)
    assert verdict.kind == "shape"  # the quiz records no attempt for it
    assert verdict.detail == "Your answer is 3x2, the question wants 2x3: did you transpose?"


def test_a_transposed_square_matrix_is_named_as_a_transpose() -> None:
    assert grade("W^T A^T", "A W", TABLE).kind == "shape"
    assert diagnosis("A^T", "A") == ("transpose", "Your answer is the transpose of the expected one.")
    assert diagnosis("(A W W^T)^T", "A W W^T")[0] == "transpose"
    assert grade("A^T W", "A W", TABLE).diagnosis is None  # a factor transposed is not the whole answer


def test_a_negated_matrix_answer_is_a_sign_error() -> None:
    assert diagnosis("-W^T dz", "W^T dz") == (
        "sign",
        "Sign error: your answer is the negative of the expected one.",
    )


@pytest.mark.parametrize(
    ("answer", "expected", "message"),
    [
        ("dz x^T", "2 dz x^T", "Off by a constant factor: your answer is missing a factor 2."),
        ("2 dz x^T", "dz x^T", "Off by a constant factor: your answer has an extra factor 2."),
        ("-2 W^T dz", "W^T dz", "Sign error, and your answer has an extra factor 2."),
        ("x^T x", "2 x^T x", "Off by a constant factor: your answer is missing a factor 2."),
    ],
)
def test_a_constant_factor_is_named_as_for_scalars(answer: str, expected: str, message: str) -> None:
    assert diagnosis(answer, expected) == ("factor", message)


def test_a_missing_or_extra_scalar_variable_factor_is_named() -> None:
    assert diagnosis("dz x^T", "dz x^T / N") == ("missing-factor", "Your answer is missing the factor 1/N.")
    assert diagnosis("lam A", "A") == ("extra-factor", "Your answer has an extra factor lam.")


def test_a_listed_matrix_mistake_gets_the_lessons_feedback() -> None:
    mistakes = [ListedMistake("W dz", "unreadable here"), ListedMistake("-W x", "Mind the sign.")]
    # W dz does not parse (3-column W times a 2-vector); it matches nothing and the next one is found.
    assert diagnosis("-W x", "W x", mistakes=mistakes) == ("listed:1", "Mind the sign.")


def test_a_listed_mistake_of_another_shape_gives_its_feedback_with_the_shape() -> None:
    mistakes = [ListedMistake("W dz", "unreadable here"), ListedMistake("x^T W^T", "Row, not column.")]
    verdict = grade("x^T W^T", "W x", TABLE, mistakes=mistakes)
    assert verdict.kind == "shape"
    assert (
        verdict.detail == "Your answer is 1x2 (a row), the question wants 2x1 (a column): did you transpose?"
    )
    assert verdict.diagnosis is not None
    assert (verdict.diagnosis.code, verdict.diagnosis.message) == ("listed:1", "Row, not column.")


def test_an_unrelated_wrong_matrix_gets_no_diagnosis_and_names_only_its_variables() -> None:
    verdict = grade("A + A^T", "A", TABLE)
    assert verdict.kind == "different"
    assert verdict.diagnosis is None
    assert verdict.detail.startswith(
        "Not equal to the expected answer: they differ at random values of A (e.g. entry ("
    ), verdict.detail
