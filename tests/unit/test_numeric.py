"""Numeric checks: gradients by central differences, identities, worked examples (cs231n thresholds)."""

import pytest

from studybuddy.core.mathexpr import Domain, SymbolTable, Variable, parse_expression
from studybuddy.core.numeric import example_check, gradient_check, identity_check, rating, relative_error

SCALAR = SymbolTable.of({"x": "real", "y": "real"})
VECTORS = SymbolTable([Variable("w", Domain.REAL, (3,)), Variable("lam", Domain.POSITIVE)])


def p(text: str, table: SymbolTable = SCALAR):  # type: ignore[no-untyped-def]
    return parse_expression(text, table)


def test_relative_error_is_cs231n_style() -> None:
    assert relative_error(1.0, 1.0) == 0.0
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(2.0, 1.0) == pytest.approx(0.5)
    assert relative_error([1.0, 4.0], [1.0, 2.0]) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("error", "label"), [(1e-9, "great"), (1e-6, "suspicious"), (1e-3, "uncomfortable"), (0.5, "wrong")]
)
def test_ratings_follow_the_thresholds(error: float, label: str) -> None:
    assert rating(error) == label


def test_a_right_gradient_passes_with_a_tiny_relative_error() -> None:
    result = gradient_check(p("1/(1 + exp(-x))"), {"x": p("exp(-x)/(1 + exp(-x))^2")}, SCALAR)
    assert result.passed
    assert result.rows[0]["relative_error"] < 1e-7 and result.rows[0]["rating"] == "great"
    assert "passed" in result.summary


def test_a_wrong_gradient_fails_and_says_how_wrong() -> None:
    result = gradient_check(p("x^2*y"), {"x": p("x*y"), "y": p("x^2")}, SCALAR)
    assert not result.passed
    by_variable = {row["variable"]: row for row in result.rows}
    assert by_variable["x"]["rating"] == "wrong"
    assert by_variable["y"]["relative_error"] < 1e-7
    assert "failed" in result.summary


def test_gradient_check_at_a_given_point() -> None:
    result = gradient_check(p("x^3"), {"x": p("3x^2")}, SCALAR, at={"x": 2.0, "y": 0.0})
    assert result.passed
    assert result.rows[0]["analytic"] == pytest.approx(12.0)
    assert result.rows[0]["numeric"] == pytest.approx(12.0, rel=1e-8)


def test_gradient_of_a_vector_expression() -> None:
    loss = p("lam*dot(w, w)", VECTORS)
    assert gradient_check(loss, {"w": p("2 lam w", VECTORS)}, VECTORS).passed
    assert not gradient_check(loss, {"w": p("lam w", VECTORS)}, VECTORS).passed


def test_identity_check() -> None:
    assert identity_check(p("sin(x)^2 + cos(x)^2"), p("1"), SCALAR).passed
    failed = identity_check(p("sin(2x)"), p("2 sin(x)"), SCALAR)
    assert not failed.passed
    assert failed.summary.startswith("identity fails at")


def test_example_check_with_vectors() -> None:
    expr = p("dot(w, w)", VECTORS)
    assert example_check(expr, {"w": [1, 2, 3], "lam": 1}, 14, VECTORS).passed
    assert not example_check(expr, {"w": [1, 2, 3], "lam": 1}, 15, VECTORS).passed
    doubled = example_check(p("2 w", VECTORS), {"w": [1, 2, 3], "lam": 1}, [2, 4, 6], VECTORS)
    assert doubled.passed


def test_example_check_reports_a_shape_mismatch() -> None:
    result = example_check(p("2 w", VECTORS), {"w": [1, 2, 3], "lam": 1}, [2, 4], VECTORS)
    assert not result.passed and "shape" in result.summary


@pytest.mark.parametrize(
    ("function", "gradient"),
    [("Max(x, 0)*y", "Heaviside(x)*y"), ("Min(x, 1) + Abs(y)", "Heaviside(1 - x)")],
    ids=["Max", "Min"],
)
def test_checks_with_max_and_min_compile(function: str, gradient: str) -> None:
    """Max and Min print as a reduce: the compiled check must find it (a printer class printed
    functools.reduce, which the generated function's namespace lacked)."""
    result = gradient_check(p(function), {"x": p(gradient)}, SCALAR, at={"x": 0.7, "y": -2.0})
    assert result.passed, result.summary


WITH_UNUSED = SymbolTable(
    [
        Variable("x", Domain.REAL),
        Variable("s", Domain.PROBABILITY),
        Variable("w", Domain.REAL, (3,)),
        Variable("P", Domain.REAL, (2, 2)),
    ]
)


def test_a_gradient_check_names_only_the_values_it_was_made_at() -> None:
    # The lesson's other symbols are drawn as well; listed, they read as part of the check (a row of
    # "probabilities" summing to 1.3, a one-hot label of random numbers).
    result = gradient_check(p("x^2 + dot(w, w)", WITH_UNUSED), {"x": p("2x", WITH_UNUSED)}, WITH_UNUSED)
    assert result.passed
    where = result.summary.split(" at ", 1)[1]
    assert [part.split(" = ")[0] for part in where.split(", ") if " = " in part] == ["x", "w"]


def test_a_failed_identity_names_only_the_values_it_failed_at() -> None:
    result = identity_check(p("x + 1", WITH_UNUSED), p("x", WITH_UNUSED), WITH_UNUSED)
    assert not result.passed
    assert result.summary.startswith("identity fails at x = ") and ": lhs" in result.summary
    assert "s =" not in result.summary and "P =" not in result.summary
