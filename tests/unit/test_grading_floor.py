"""floor and ceiling: conv-layer output sizes, graded exactly at the integers where floors jump."""

import math

import numpy as np
import pytest
import sympy

from studybuddy.core.grading import evaluation, grade, precise
from studybuddy.core.grading.evaluation import Evaluator
from studybuddy.core.grading.sampling import Samples
from studybuddy.core.mathexpr import SymbolTable

# As in the convolution lesson: sizes, kernel and stride are natural numbers, padding an integer.
SIZES = SymbolTable.of({"n": "natural", "k": "natural", "s": "natural", "p": "integer"})
REALS = SymbolTable.of({"x": "real", "y": "positive"})


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("floor((n - k + s)/s)", "floor((n - k)/s) + 1"),
        ("floor((n + 2p - k + s)/s)", "floor((n + 2p - k)/s) + 1"),
        ("floor((n + s - 1)/s)", "ceiling(n/s)"),
        ("-floor(-n/s)", "ceiling(n/s)"),
        ("floor((n - 2)/2) + 1", "floor(n/2)"),
    ],
)
def test_rewritten_output_sizes_are_equivalent(answer: str, expected: str) -> None:
    assert grade(answer, expected, SIZES).kind == "equivalent"


def test_forgetting_the_floor_is_wrong_at_a_size_the_stride_does_not_divide() -> None:
    verdict = grade("(n - k)/s + 1", "floor((n - k)/s) + 1", SIZES)
    assert verdict.kind == "different"
    assert verdict.counterexample is not None
    n, k, s = (int(verdict.counterexample[name]) for name in "nks")
    assert (n - k) % s != 0


def test_ceiling_is_not_floor_plus_one_when_the_stride_divides_the_size() -> None:
    verdict = grade("floor(n/s) + 1", "ceiling(n/s)", SIZES)
    assert verdict.kind == "different"
    assert verdict.counterexample is not None
    assert int(verdict.counterexample["n"]) % int(verdict.counterexample["s"]) == 0


def test_floor_and_ceiling_differ_where_the_quotient_is_not_whole() -> None:
    verdict = grade("floor(n/s)", "ceiling(n/s)", SIZES)
    assert verdict.kind == "different"
    assert verdict.counterexample is not None
    assert int(verdict.counterexample["n"]) % int(verdict.counterexample["s"]) != 0


def test_forgetting_the_plus_one_is_diagnosed_as_off_by_one() -> None:
    verdict = grade("floor((n + 2p - k)/s)", "floor((n + 2p - k)/s) + 1", SIZES)
    assert verdict.diagnosis is not None
    assert verdict.diagnosis.message == "Off by a constant: your answer is the expected answer minus 1."


def test_over_the_reals_floor_plus_one_and_ceiling_differ_at_the_integers() -> None:
    verdict = grade("floor(x) + 1", "ceiling(x)", REALS)
    assert verdict.kind == "different"
    assert verdict.counterexample is not None and verdict.counterexample["x"].is_integer()
    assert grade("-ceiling(-x)", "floor(x)", REALS).kind == "equivalent"


def test_quotients_that_float64_puts_on_the_wrong_side_of_an_integer_still_agree() -> None:
    # In float64 (0.3 - 0.1)/0.1 is 1.9999999999999998 and 0.3/0.1 is 3.0000000000000004: floors that
    # see those values disagree at x = 0.3, y = 0.1 although floor(x/y - 1) = floor(x/y) - 1.
    assert grade("floor((x - y)/y)", "floor(x/y) - 1", REALS).kind == "equivalent"
    assert grade("ceiling((x - y)/y)", "ceiling(x/y) - 1", REALS).kind == "equivalent"
    assert grade("floor((x - y)/y)", "floor(x/y)", REALS).kind == "different"


def test_floors_are_exact_at_sample_points_whose_float_value_misses_the_integer() -> None:
    x, y = sympy.symbols("x y", real=True)
    hundredths = np.array([29, 57, 30, -29, 100])
    samples = Samples({x: hundredths, y: np.array([10] * 5)}, {}, 5)
    evaluate = Evaluator(samples.arrays(False), 5, False, samples.fractions())
    assert math.floor(0.29 * 100) == 28  # the trap: float64 rounds 29 down
    assert evaluate(sympy.floor(100 * x)).tolist() == [29, 57, 30, -29, 100]
    assert evaluate(sympy.ceiling(100 * x)).tolist() == [29, 57, 30, -29, 100]
    assert evaluate(sympy.floor((x - y) / y)).tolist() == [1, 4, 2, -4, 9]
    assert math.isnan(evaluate(sympy.floor(1 / (x - 3 * y)))[2])  # x = 3y there: undefined, no crash


def test_a_decimal_in_a_floor_is_the_number_it_spells() -> None:
    # 0.3 in binary is a little less than 3/10, and floor(10 * that) would be 2.
    assert grade("floor(0.3 n)", "floor(3 n/10)", SIZES).kind == "equivalent"
    assert grade("floor(0.1 n)", "floor(n/10)", SIZES).kind == "equivalent"


def test_a_floor_of_a_root_is_exact_where_the_root_is_whole() -> None:
    assert grade("floor(sqrt(n^2 + 2n + 1))", "n + 1", SIZES).kind == "equivalent"
    assert grade("floor(sqrt(n^2 + 1))", "n + 1", SIZES).kind == "different"


def test_output_sizes_are_graded_without_asking_sympy_for_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # SymPy's evalf of a floor costs milliseconds per point; rational arguments never need it.
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("SymPy's evalf was asked for a value")

    monkeypatch.setattr(precise, "precise_by_evalf", refuse)
    monkeypatch.setattr(evaluation, "_evalf_number", refuse)
    assert grade("floor((n + 2p - k + 3s)/s)", "floor((n + 2p - k)/s) + 3", SIZES).kind == "equivalent"
    assert grade("floor((n + 2p - k)/s) + 2", "floor((n + 2p - 2k)/s) + 1", SIZES).kind == "different"
    assert grade("ceiling((n + 2p)/s)", "floor((n + 2p)/s) + 1", SIZES).kind == "different"


def test_a_floor_wrong_only_where_a_side_is_zero_gets_no_empty_diagnosis() -> None:
    table = SymbolTable.of({"z": "integer"})
    verdict = grade("floor(sqrt(z^2 + 1))", "Abs(z)", table)
    assert verdict.kind == "different"
    assert verdict.counterexample == {"z": 0.0}
    assert verdict.diagnosis is None
