"""Proofs and high-precision re-checks: which right answers are "proved equal", and float noise at
extreme points never turns a right answer into a wrong one."""

import pytest
import sympy

from studybuddy.core.grading import grade
from studybuddy.core.grading.identity import is_identically_zero
from studybuddy.core.grading.precise import confirm
from studybuddy.core.mathexpr import SymbolTable, parse_expression

TABLE = SymbolTable.of({"x": "real", "y": "real", "s": "probability", "u": "positive", "v": "positive"})


def parsed(text: str) -> sympy.Basic:
    return parse_expression(text, TABLE)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("sin(x)^2 + cos(x)^2", "1"),
        ("2 sin(x) cos(x)", "sin(2x)"),
        ("cos(x)^2 - sin(x)^2", "cos(2x)"),
        ("sin(x)cos(y) + cos(x)sin(y)", "sin(x + y)"),
        ("1 - tanh(x)^2", "1/cosh(x)^2"),
        ("cosh(x)^2 - sinh(x)^2", "1"),
        ("exp(-x)/(1 + exp(-x))^2", "1/(1 + exp(-x)) * (1 - 1/(1 + exp(-x)))"),
        ("exp(x/2)^2", "exp(x)"),
        ("(x + 1)^3", "x^3 + 3x^2 + 3x + 1"),
        ("1/(x - 1) - 1/(x + 1)", "2/(x^2 - 1)"),
    ],
)
def test_identities_people_derive_are_proved(answer: str, expected: str) -> None:
    assert is_identically_zero(parsed(answer) - parsed(expected))
    verdict = grade(answer, expected, TABLE)
    assert (verdict.kind, verdict.strength) == ("equivalent", "proved equal")


@pytest.mark.parametrize(
    "difference",
    [
        "sin(x) - cos(x)",
        "sin(x)^2 + cos(x)^2 - 1 + 1/10^9",
        "tanh(x) - 1",
        "log(u v) - log(u) - log(v)",  # true for positive u, v, but logs are opaque to this check
        # True, but an angle with a constant part stays opaque (the half-angle tangent of pi is infinite).
        "sin(x + 1)^2 + cos(x + 1)^2 - 1",
    ],
)
def test_the_rational_check_never_claims_what_it_cannot_show(difference: str) -> None:
    assert not is_identically_zero(parsed(difference))


def test_an_identity_beyond_the_cheap_proofs_is_still_equivalent_by_sampling() -> None:
    verdict = grade("log(u) + log(v)", "log(u v)", TABLE)
    assert verdict.kind == "equivalent"
    assert verdict.strength.startswith("equal at ")


def test_cancellation_at_extreme_points_is_not_a_difference() -> None:
    # At x = 40, float64 computes 1 - tanh(x)^2 as 0; the true value is about 7e-35.
    x = TABLE.symbol("x")
    confirmation = confirm(parsed("1 - tanh(x)^2"), parsed("1/cosh(x)^2"), {x: sympy.Integer(40)}, 1e-12)
    assert confirmation is not None and not confirmation.differs
    assert confirmation.values[1].real == pytest.approx(4 * float(sympy.exp(-80)), rel=1e-6)
    assert grade("log(1 + exp(x))", "x + log(1 + exp(-x))", TABLE).kind == "equivalent"


def test_a_real_difference_is_confirmed_with_both_values() -> None:
    x = TABLE.symbol("x")
    confirmation = confirm(parsed("x^2"), parsed("x^2 + 10^-20"), {x: sympy.Integer(3)}, 1e-12)
    assert confirmation is not None and not confirmation.differs  # within the relative tolerance
    confirmation = confirm(parsed("Abs(x)"), parsed("x"), {x: sympy.Rational(-3, 2)}, 1e-12)
    assert confirmation is not None and confirmation.differs
    assert confirmation.values == (1.5, -1.5)


def test_step_functions_are_compared_with_their_value_at_zero() -> None:
    assert grade("Heaviside(x)", "(sign(x) + 1)/2", TABLE).kind == "equivalent"
    verdict = grade("Heaviside(x)", "Heaviside(-x)", TABLE)
    assert verdict.kind == "different"
