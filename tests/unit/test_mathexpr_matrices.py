"""Matrix and vector input over declared shapes; shape mistakes are explained, not crashed on."""

from __future__ import annotations

import pytest
import sympy

from studybuddy.core.mathexpr import ExprError, SymbolTable, Variable, parse_expression

TABLE = SymbolTable(
    [
        Variable("A", shape=(3, 2)),
        Variable("B", shape=(2, 3)),
        Variable("S", shape=(3, 3)),
        Variable("v", shape=(2,)),
        Variable("u", shape=(2,)),
        Variable("x"),
    ]
)
A, B, S, v, u, x = (TABLE.symbol(n) for n in ("A", "B", "S", "v", "u", "x"))


def parse(text: str) -> sympy.Basic:
    return parse_expression(text, TABLE)


def test_vectors_are_columns() -> None:
    assert v.shape == (2, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("A^T", A.T),
        ("Aᵀ", A.T),
        ("(A B)^T", (A * B).T),
        ("A B", A * B),
        ("A @ B", A * B),
        ("2x A v", 2 * x * A * v),
        ("transpose(B)", B.T),
        ("S^2", S**2),
        ("inv(S)", S.inverse()),
        ("trace(S)", sympy.Trace(S)),
        ("outer(u, v)", u * v.T),
        ("dot(u, v)", u[0, 0] * v[0, 0] + u[1, 0] * v[1, 0]),
        ("sum(v)", v[0, 0] + v[1, 0]),
        ("norm(v)", sympy.sqrt(v[0, 0] ** 2 + v[1, 0] ** 2)),
        ("hadamard(u, v)", sympy.HadamardProduct(u, v)),
        ("A - B^T", A - B.T),
        # NumPy's broadcasting (test_mathexpr_numpy.py has the rest)
        ("A + x", A + x * sympy.OneMatrix(3, 2)),
        ("dot(u, x)", x * u),
    ],
)
def test_matrix_expressions(typed: str, expected: sympy.Basic) -> None:
    assert parse(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("A A", "cannot compute 'A A'"),
        ("A + B", "`+` between a 3x2 matrix and a 2x3 matrix: NumPy cannot broadcast (3, 2) and (2, 3)"),
        ("A^2", "^ of a 3x2 matrix: write ** for NumPy's power of each entry"),
        ("trace(v)", "trace needs a matrix, not a 2-vector"),  # NumPy: diag requires 2-D
        ("x @ A", "@ multiplies two matrices or vectors; use * with a number"),
        ("x^A", "a matrix cannot be an exponent"),
        ("S^x", "a matrix can only be raised to a whole number"),
        ("hadamard(A, B)", "hadamard needs equal shapes"),
    ],
)
def test_shape_mistakes_are_explained(typed: str, message: str) -> None:
    with pytest.raises(ExprError) as caught:
        parse(typed)
    assert message in caught.value.message
