"""Equivalence verdicts: what a learner sees for right, wrong, unreadable and undecidable answers."""

import pytest

from studybuddy.core.grading import ListedMistake, grade
from studybuddy.core.mathexpr import Domain, SymbolTable, Variable

TABLE = SymbolTable.of(
    {"x": "real", "y": "real", "s": "probability", "lam": "real", "w": "real", "N": "positive"}
)


def test_a_rewritten_answer_is_proved_equal() -> None:
    verdict = grade("s - s^2", "s*(1-s)", TABLE)
    assert verdict.kind == "equivalent"
    assert verdict.strength == "proved equal"


def test_a_wrong_answer_names_a_point_where_the_two_differ() -> None:
    verdict = grade("s*(1+s)", "s*(1-s)", TABLE)
    assert verdict.kind == "different"
    assert verdict.strength.startswith("different, e.g. at s = ")
    assert verdict.counterexample is not None and 0 < verdict.counterexample["s"] < 1
    s = verdict.counterexample["s"]
    assert s * (1 + s) != pytest.approx(s * (1 - s))


def test_the_same_input_always_gets_the_same_verdict() -> None:
    first = grade("sin(x)^2 + y", "1 - cos(x)^2 + y^2", TABLE, seed=3)
    second = grade("sin(x)^2 + y", "1 - cos(x)^2 + y^2", TABLE, seed=3)
    assert (first.kind, first.strength, first.detail, first.counterexample) == (
        second.kind,
        second.strength,
        second.detail,
        second.counterexample,
    )


def test_domains_decide_what_is_equal() -> None:
    assert grade("sqrt(x^2)", "x", TABLE).kind == "different"
    positive = SymbolTable.of({"x": "positive"})
    assert grade("sqrt(x^2)", "x", positive).kind == "equivalent"


def test_points_where_a_side_is_undefined_are_skipped() -> None:
    # (x^2 - 1)/(x + 1) is undefined at x = -1 only; the removable singularity does not make it wrong.
    verdict = grade("x - 1", "(x^2 - 1)/(x + 1)", TABLE)
    assert verdict.kind == "equivalent"


def test_log_rules_hold_where_both_sides_are_defined() -> None:
    table = SymbolTable.of({"x": "real", "y": "real", "z": "real"})
    assert grade("log(x^2*y/z)", "2*log(x) + log(y) - log(z)", table).kind == "equivalent"


def test_a_side_defined_where_the_other_is_not_must_still_agree() -> None:
    assert grade("sqrt((x - 3)*(x - 5))", "sqrt(x - 3)*sqrt(x - 5)", TABLE).kind == "different"


def test_float_noise_never_marks_a_right_answer_wrong() -> None:
    # At large |x| the float values lose every digit to cancellation; 30-digit arithmetic settles it.
    verdict = grade("1/(1 + exp(-2x))", "tanh(x)/2 + 1/2", TABLE)
    assert verdict.kind == "equivalent"


def test_answers_agreeing_only_to_a_millionth_are_different() -> None:
    assert grade("99999999/10^8", "99999998/99999999", TABLE).kind == "different"
    assert grade("exp(x) + 10^-7", "exp(x)", TABLE).kind == "different"
    assert grade("x*(1 + 10^-6)", "x", TABLE).kind == "different"


def test_decimals_compare_with_a_tolerance() -> None:
    assert grade("0.5x", "x/2", TABLE).kind == "equivalent"
    assert grade("0.333x", "x/3", TABLE).kind == "different"


def test_numbers_are_compared_exactly() -> None:
    assert grade("4^(-1/2)", "1/2", TABLE).strength == "proved equal"
    assert grade("1 + log(27, 3)", "3", TABLE).kind == "different"


def test_complex_answers_use_principal_values() -> None:
    t = SymbolTable.of({"t": "real"})
    assert grade("E^(I*t)", "cos(t) + I*sin(t)", t).kind == "equivalent"
    assert grade("E^(I*t)", "I*sin(t)", t).kind == "different"


def test_integer_domains_are_sampled_at_integers() -> None:
    n = SymbolTable.of({"n": "integer", "x": "real"})
    assert grade("(-1)^n*cos(x)^n", "(-cos(x))^n", n).kind == "equivalent"
    natural = SymbolTable.of({"n": "natural"})
    assert grade("(n + 1)*factorial(n)", "factorial(n + 1)", natural).kind == "equivalent"


def test_definitions_are_substituted_into_both_sides() -> None:
    table = SymbolTable.of({"x": "real", "s": "probability"})
    defs = {"s": "1/(1 + exp(-x))"}
    assert grade("exp(-x)/(1 + exp(-x))^2", "s*(1 - s)", table, definitions=defs).kind == "equivalent"
    assert grade("s*(1 - s)", "exp(-x)/(1 + exp(-x))^2", table, definitions=defs).kind == "equivalent"


def test_circular_definitions_are_an_invalid_request_not_a_hang() -> None:
    table = SymbolTable.of({"a": "real", "b": "real"})
    verdict = grade("a", "b", table, definitions={"a": "b + 1", "b": "a - 1"})
    assert verdict.kind == "invalid"
    assert "circle" in verdict.detail


def test_an_unreadable_expected_answer_says_so() -> None:
    verdict = grade("x", "x +", TABLE)
    assert verdict.kind == "invalid"
    assert verdict.detail.startswith("the expected answer is unreadable")


def test_undefined_functions_are_compared_as_any_function() -> None:
    table = SymbolTable.of({"a": "real", "b": "real", "x": "real"})
    same = grade("(f(a) - f(b))*x", "(f(b) - f(a))*(-x)", table, functions=["f"])
    swapped = grade("(f(a) - f(b))*x", "(f(b) - f(a))*x", table, functions=["f"])
    assert (same.kind, swapped.kind) == ("equivalent", "different")


def test_derivatives_in_answers_are_carried_out() -> None:
    table = SymbolTable.of({"s": "real", "t": "real"})
    assert grade("3*t*diff(q(s), s)", "3*diff(t*q(s), s)", table, functions=["q"]).kind == "equivalent"


def test_vector_answers_are_compared_at_random_vectors() -> None:
    table = SymbolTable([Variable("w", Domain.REAL, (3,)), Variable("lam", Domain.POSITIVE)])
    assert grade("2 lam w", "lam*w*2", table).kind == "equivalent"
    assert grade("lam w", "2*lam*w", table).kind == "different"
    assert grade("w^T", "w", table).kind == "shape"  # said, not counted (test_grading_shapes.py)


def test_a_listed_mistake_that_is_equivalent_to_the_answer_does_not_change_a_right_verdict() -> None:
    verdict = grade("s*(1-s)", "s - s^2", TABLE, mistakes=[ListedMistake("s*(1-s)", "never shown")])
    assert verdict.kind == "equivalent"
