"""Matrix and vector functions over declared matrix symbols (NumPy's meanings, SymPy results).

Each builder raises ValueError with a readable reason for a wrong kind or shape; the expression builder
turns that into an ExprError pointing at the call. The operators' meanings are in numpy_ops.py.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from studybuddy.core.mathexpr import numpy_ops
from studybuddy.core.mathexpr.numpy_ops import Array, ShapeRefusal


def is_matrix(value: sympy.Basic) -> bool:
    return isinstance(value, MatrixExpr)


def shape_text(value: sympy.Basic) -> str:
    rows, cols = value.shape
    return f"{rows}x{cols}"


def _matrix(array: Array, function: str) -> MatrixExpr:
    if not isinstance(array.value, MatrixExpr):
        raise ShapeRefusal(f"{function} expects a matrix or vector, not a number")
    return array.value


def _flattened(array: Array) -> list[sympy.Basic]:
    """The entries in NumPy's (row-major) order; a number is one entry."""
    if not is_matrix(array.value):
        return [array.value]
    return numpy_ops.entries(array.value)


def _square(array: Array, function: str) -> MatrixExpr:
    matrix = _matrix(array, function)
    if array.flat or not matrix.is_square:
        raise ShapeRefusal(f"{function} needs a square matrix, not {numpy_ops.describe(array)}")
    return matrix


def _trace(array: Array) -> Array:
    """NumPy's trace: the sum of a 2-D array's diagonal (square or not)."""
    matrix = _matrix(array, "trace")
    if array.flat:
        raise ShapeRefusal(f"trace needs a matrix, not {numpy_ops.describe(array)}")
    if matrix.is_square:
        return Array(sympy.Trace(matrix))
    return Array(sympy.Add(*_diagonal(matrix)))


def _diagonal(matrix: MatrixExpr) -> list[sympy.Basic]:
    rows, cols = numpy_ops.shape_of(matrix)
    return [matrix[i, i] for i in range(min(rows, cols))]


def _det(array: Array) -> Array:
    return Array(sympy.Determinant(_square(array, "det")))


def _inv(array: Array) -> Array:
    return Array(sympy.Inverse(_square(array, "inv")))


def _diag(array: Array) -> Array:
    """NumPy's diag: a 1-D vector becomes a diagonal matrix, a 2-D array gives its diagonal (1-D)."""
    matrix = _matrix(array, "diag")
    if array.flat:
        return Array(sympy.DiagMatrix(matrix))
    diagonal = _diagonal(matrix)  # written out: SymPy's DiagonalOf breaks on an explicit matrix
    return Array.of(sympy.ImmutableMatrix(len(diagonal), 1, diagonal), flat=True)


def _outer(left: Array, right: Array) -> Array:
    """NumPy's outer: of the entries of both, flattened (a vector's outer product u v^T)."""
    if all(is_matrix(side.value) and numpy_ops.is_vector(side.value) for side in (left, right)):
        return Array.of(numpy_ops.column(left.value) * numpy_ops.column(right.value).T)
    a, b = _flattened(left), _flattened(right)
    numpy_ops._check_size(len(a), len(b), "outer")
    return Array.of(sympy.ImmutableMatrix(len(a), len(b), lambda i, j: a[i] * b[j]))


def _kron(left: Array, right: Array) -> Array:
    """NumPy's kron: of two 1-D vectors a 1-D vector; a 1-D vector beside a 2-D array counts as a row."""
    if not is_matrix(left.value) or not is_matrix(right.value):
        return numpy_ops.multiply(left, right, "kron")
    if left.flat and right.flat:
        return Array.of(sympy.KroneckerProduct(left.value, right.value), flat=True)
    a = left.value.T if left.flat else left.value
    b = right.value.T if right.flat else right.value
    return Array.of(sympy.KroneckerProduct(a, b))


def _hadamard(left: Array, right: Array) -> Array:
    _matrix(left, "hadamard"), _matrix(right, "hadamard")
    if left.shape != right.shape:
        raise ShapeRefusal(
            f"hadamard needs equal shapes, not {numpy_ops.describe(left)} and {numpy_ops.describe(right)}"
        )
    return Array.of(sympy.HadamardProduct(left.value, right.value), left.flat)


def _sum(array: Array) -> Array:
    """The sum of the entries (of a number: itself, as np.sum gives)."""
    return Array(sympy.Add(*_flattened(array)))


def _norm(array: Array) -> Array:
    """The Euclidean (Frobenius for a matrix) norm, for real entries (of a number: its size)."""
    if not is_matrix(array.value):
        return Array(sympy.Abs(array.value))
    return Array(sympy.sqrt(sympy.Add(*(entry**2 for entry in _flattened(array)))))


def _transpose(array: Array) -> Array:
    return numpy_ops.numpy_transpose(array)


MATRIX_FUNCTIONS: dict[str, tuple[Callable[..., Array], tuple[int, ...]]] = {
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
