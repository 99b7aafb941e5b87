"""Matrix and vector functions over declared matrix symbols (NumPy's meanings, SymPy results).

Each builder raises ValueError with a readable reason for a wrong kind or shape; the expression builder
turns that into an ExprError pointing at the call. The operators' meanings are in numpy_ops.py.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from studybuddy.core.mathexpr import numpy_ops


def is_matrix(value: sympy.Basic) -> bool:
    return isinstance(value, MatrixExpr)


def shape_text(value: sympy.Basic) -> str:
    rows, cols = value.shape
    return f"{rows}x{cols}"


def _matrix(value: sympy.Basic, function: str) -> MatrixExpr:
    if not isinstance(value, MatrixExpr):
        raise ValueError(f"{function} expects a matrix or vector")
    return value


def _vector_length(value: sympy.Basic, function: str) -> int:
    matrix = _matrix(value, function)
    rows, cols = matrix.shape
    if cols != 1 and rows != 1:
        raise ValueError(f"{function} expects a vector, not a {shape_text(matrix)} matrix")
    return int(rows * cols)


def _entries(value: MatrixExpr) -> list[sympy.Basic]:
    rows, cols = value.shape
    return [value[i, j] for i in range(int(rows)) for j in range(int(cols))]


def _square(value: sympy.Basic, function: str) -> MatrixExpr:
    matrix = _matrix(value, function)
    if not matrix.is_square:
        raise ValueError(f"{function} needs a square matrix, not {shape_text(matrix)}")
    return matrix


def _transpose(value: sympy.Basic) -> sympy.Basic:
    return _matrix(value, "transpose").T


def _trace(value: sympy.Basic) -> sympy.Basic:
    return sympy.Trace(_square(value, "trace"))


def _det(value: sympy.Basic) -> sympy.Basic:
    return sympy.Determinant(_square(value, "det"))


def _inv(value: sympy.Basic) -> sympy.Basic:
    return sympy.Inverse(_square(value, "inv"))


def _diag(value: sympy.Basic) -> sympy.Basic:
    """numpy's diag: a vector becomes a diagonal matrix, a square matrix gives its diagonal."""
    matrix = _matrix(value, "diag")
    if matrix.shape[1] == 1 or matrix.shape[0] == 1:
        return sympy.DiagMatrix(matrix if matrix.shape[1] == 1 else matrix.T)
    return sympy.DiagonalOf(_square(matrix, "diag"))


def _outer(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    _vector_length(left, "outer")
    _vector_length(right, "outer")
    column = left if left.shape[1] == 1 else left.T
    row = right.T if right.shape[1] == 1 else right
    return column * row


def _kron(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    return sympy.KroneckerProduct(_matrix(left, "kron"), _matrix(right, "kron"))


def _hadamard(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    a, b = _matrix(left, "hadamard"), _matrix(right, "hadamard")
    if a.shape != b.shape:
        raise ValueError(f"hadamard needs equal shapes, not {shape_text(a)} and {shape_text(b)}")
    return sympy.HadamardProduct(a, b)


def _sum(value: sympy.Basic) -> sympy.Basic:
    """The sum of the entries (of a number: itself, as np.sum gives)."""
    value = numpy_ops.scalar_or_matrix(value)
    if not isinstance(value, MatrixExpr):
        return value
    return sympy.Add(*_entries(value))


def _norm(value: sympy.Basic) -> sympy.Basic:
    """The Euclidean (Frobenius for a matrix) norm, for real entries."""
    return sympy.sqrt(sympy.Add(*(entry**2 for entry in _entries(_matrix(value, "norm")))))


MATRIX_FUNCTIONS: dict[str, tuple[Callable[..., sympy.Basic], tuple[int, ...]]] = {
    "transpose": (_transpose, (1,)),
    "trace": (_trace, (1,)),
    "det": (_det, (1,)),
    "inv": (_inv, (1,)),
    "diag": (_diag, (1,)),
    "dot": (numpy_ops.dot, (2,)),
    "matmul": (lambda a, b: numpy_ops.matmul(a, b, "matmul"), (2,)),
    "multiply": (numpy_ops.multiply, (2,)),
    "outer": (_outer, (2,)),
    "kron": (_kron, (2,)),
    "hadamard": (_hadamard, (2,)),
    "sum": (_sum, (1,)),
    "norm": (_norm, (1,)),
    "mean": (numpy_ops.mean, (1,)),
}
