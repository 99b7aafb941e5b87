"""What operators and functions mean for vectors and matrices: NumPy's meaning, or a clear refusal.

Learners write NumPy (`s * (1 - s)`, `dout * (x > 0)`, `np.dot(W.T, g)`), so typed code means what it
means in NumPy. NumPy tells a 1-D vector (n,) from a 2-D column (n, 1): a declared ``shape: [n]`` is
1-D, ``[n, 1]`` a column, and every value carries which it is (``Array``; SymPy holds both as n x 1).

- ``*``, ``/``, ``+``, ``-``, ``maximum`` and comparisons are elementwise with NumPy's broadcasting:
  shapes lined up from the right, each pair of sizes equal or 1. So `M * v` scales column j by v_j,
  a (3, 1) column minus a (3,) vector is 3x3, and `W * g` of a 3x2 W and a 3-vector is refused,
  naming both shapes.
- ``@``, ``dot`` and ``matmul`` are NumPy's: a 1-D vector on the left is a row, on the right a column,
  two give their dot product, and a product with a 1-D vector is 1-D (`g @ W` is W^T g).
- ``.T`` and ``transpose`` are NumPy's (a 1-D vector's is itself); ``^T`` is the mathematics' (a vector
  is a column, ``x^T`` its row, so ``g @ x^T`` and ``g x^T`` are the outer product).
- ``**`` typed is elementwise (`x**2`), while ``^`` keeps its mathematical meaning on a square matrix
  (`A^2` is A A); `x^2` of a vector asks which of the two is meant.
- one-argument functions apply to each entry (`exp(z)`, `sigmoid(z)`, `relu(z)`, `z > 0`).

Mathematical juxtaposition (`W x`, `g x^T`, `2 x A^T v`) stays the matrix product, a vector a column;
only a typed operator is NumPy's. A 1 x 1 result (NumPy's (1,) or (1, 1)) is the number it holds.

Each function raises ShapeRefusal (a ValueError) with a sentence for the learner; the builder shows it
at the operator or call. Results written entry by entry (elementwise functions and comparisons) are
bounded by MAX_ENTRIES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

MAX_ENTRIES = 400  # entries of a result written out one by one (exp of a 20x20 matrix)


class ShapeRefusal(ValueError):
    """An operation the shapes do not allow, said for the learner (shown as it is, at the operator)."""


class Indicator(sympy.Heaviside):
    """``z > 0`` (1 where it holds, else 0), as NumPy's booleans count in arithmetic.

    It is SymPy's Heaviside step with the value at 0 that the comparison gives (0 for ``>``, 1 for
    ``>=``), so every part of the grader that knows Heaviside knows it; only printing differs: it shows
    as the comparison the learner wrote, not as θ(z).
    """

    def __new__(cls, arg: sympy.Basic, H0: sympy.Basic = sympy.S.Half, **options: object) -> sympy.Basic:
        # Heaviside.__new__ calls super(cls, cls), which recurses for a subclass.
        return sympy.Function.__new__(cls, arg, H0, **options)

    def _comparison(self) -> sympy.Basic:
        arg, at_zero = self.args
        relation = sympy.StrictGreaterThan if at_zero == 0 else sympy.GreaterThan
        return relation(arg, 0, evaluate=False)

    def _sympystr(self, printer: object) -> str:
        return f"({printer._print(self._comparison())})"  # type: ignore[attr-defined]

    def _pretty(self, printer: object) -> object:
        shown = printer._print(self._comparison())  # type: ignore[attr-defined]
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(*shown.parens())

    def _numpycode(self, printer: object) -> str:
        return printer._print(sympy.Heaviside(*self.args))  # type: ignore[attr-defined]


def is_matrix(value: sympy.Basic) -> bool:
    return isinstance(value, MatrixExpr)


@dataclass(frozen=True)
class Array:
    """A built value and whether NumPy would hold it as a 1-D array.

    SymPy has no 1-D arrays: a 1-D vector is held as an n x 1 column, so ``flat`` says which n x 1 values
    are NumPy's (n,) (a declared ``shape: [n]`` and what is computed from it) and which are 2-D (n, 1)
    columns. The two broadcast differently: (3, 1) - (3,) is 3x3 in NumPy.
    """

    value: sympy.Basic
    flat: bool = False
    row_of_vector: bool = False  # ``x^T`` of a 1-D x: the mathematical row, so ``g @ x^T`` is g x^T

    @staticmethod
    def of(value: sympy.Basic, flat: bool = False) -> Array:
        """``value`` with a 1 x 1 matrix as the number it holds; ``flat`` only for an n x 1 matrix."""
        value = scalar_or_matrix(value)
        return Array(value, flat and is_matrix(value) and shape_of(value)[1] == 1)

    @property
    def shape(self) -> tuple[int, ...]:
        """NumPy's shape: () for a number, (n,) for a 1-D vector, (rows, columns) for 2-D."""
        if not is_matrix(self.value):
            return ()
        rows, cols = shape_of(self.value)
        return (rows,) if self.flat else (rows, cols)


def shape_of(value: sympy.Basic) -> tuple[int, int]:
    """(rows, columns) as held; a scalar is 1 x 1."""
    if not is_matrix(value):
        return (1, 1)
    rows, cols = value.shape
    return int(rows), int(cols)


def describe(value: sympy.Basic | Array) -> str:
    """'a 3x3 matrix', 'a 3-vector', 'a 3x1 column', 'a number': how a refusal names an operand."""
    array = value if isinstance(value, Array) else Array(value, is_vector(value))
    shape = array.shape
    if not shape:
        return "a number"
    if len(shape) == 1:
        return f"a {shape[0]}-vector"
    rows, cols = shape
    if cols == 1:
        return f"a {rows}x1 column"
    if rows == 1:
        return f"a 1x{cols} row"
    return f"a {rows}x{cols} matrix"


def numpy_shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def is_vector(value: sympy.Basic) -> bool:
    rows, cols = shape_of(value)
    return (rows == 1) != (cols == 1)


def scalar_or_matrix(value: sympy.Basic) -> sympy.Basic:
    """A 1 x 1 matrix as the number it holds (NumPy's 1-D dot products are numbers), else ``value``."""
    if is_matrix(value) and shape_of(value) == (1, 1):
        return value[0, 0]
    return value


def column(value: sympy.Basic) -> sympy.Basic:
    """A vector as a column (n x 1)."""
    rows, _ = shape_of(value)
    return value.T if rows == 1 else value


def _length(value: sympy.Basic) -> int:
    rows, cols = shape_of(value)
    return rows * cols


# --- transposes ----------------------------------------------------------------------------------------


def numpy_transpose(array: Array) -> Array:
    """NumPy's ``a.T`` and ``np.transpose(a)``: a number or 1-D vector is itself, a 2-D array is
    transposed."""
    if not is_matrix(array.value) or array.flat:
        return array
    return Array.of(array.value.T)


def math_transpose(array: Array) -> Array:
    """``a^T`` as in the mathematics: a vector (a column) becomes a row and a row becomes the vector."""
    if not is_matrix(array.value):
        raise ShapeRefusal("^T transposes a matrix or vector, not a number")
    if array.flat:
        return Array(array.value.T, flat=False, row_of_vector=True)
    rows, _ = shape_of(array.value)
    return Array.of(array.value.T, flat=rows == 1)


# --- products ----------------------------------------------------------------------------------------


def matmul(left: Array, right: Array, operator: str = "@") -> Array:
    """``left @ right`` (and ``dot``/``matmul`` of two non-scalars), NumPy's way for 1-D vectors: one on
    the left is a row, one on the right a column, two give their dot product, and the result of a
    1-D vector's product is 1-D. ``g @ x^T`` (x^T the mathematical row of a 1-D x) is the outer product."""
    if not (is_matrix(left.value) and is_matrix(right.value)):
        raise ShapeRefusal(f"{operator} multiplies two matrices or vectors; use * with a number")
    a, b = left.value, right.value
    if left.flat and right.flat:
        if _length(a) != _length(b):
            raise ShapeRefusal(
                f"{operator} needs two vectors of the same length, not {_length(a)} and {_length(b)}: of two "
                "1-D vectors it is their dot product (and x.T of a 1-D x is x itself); the outer product "
                "is np.outer(u, v)"
            )
        return Array(_inner(a, b))
    (rows, inner), (inner_right, _) = shape_of(a), shape_of(b)
    if left.flat:
        if inner_right == rows:
            return Array.of(b.T * a, flat=True)  # (n,) @ (n, k) is (k,)
        if right.row_of_vector:
            return Array.of(a * b)
    elif right.flat:
        if inner == inner_right:
            return Array.of(a * b, flat=True)  # (m, n) @ (n,) is (m,)
    elif inner == inner_right:
        return Array.of(a * b)
    raise ShapeRefusal(
        f"{operator} needs the columns of the left to match the rows of the right, not "
        f"{numpy_shape_text(left.shape)} {operator} {numpy_shape_text(right.shape)}"
    )


def _inner(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    a, b = column(left), column(right)
    return sympy.Add(*(a[i, 0] * b[i, 0] for i in range(_length(a))))


def dot(left: Array, right: Array) -> Array:
    """NumPy's ``dot``: numbers multiply; for 1-D and 2-D arrays it is ``@`` (two vectors: their dot
    product)."""
    if not is_matrix(left.value) or not is_matrix(right.value):
        return multiply(left, right, "dot")
    return matmul(left, right, "dot")


def multiply(left: Array, right: Array, operator: str = "*") -> Array:
    """Elementwise ``left * right`` with NumPy's broadcasting."""
    if not is_matrix(left.value) or not is_matrix(right.value):
        flat = left.flat or right.flat
        return Array.of(left.value * right.value, flat)
    shape = broadcast(left, right, operator)
    # The row broadcast is OneMatrix products entry by entry, not matrix @ DiagMatrix(v): SymPy asks its
    # assumptions system about that (200 ms the first time, 350 ms more to write its entries), and it
    # prints as DiagMatrix(v) in the preview.
    return Array.of(sympy.HadamardProduct(_spread(left, shape), _spread(right, shape)), len(shape) == 1)


def add(left: Array, right: Array, operator: str = "+") -> Array:
    """``left + right`` with NumPy's broadcasting (``-`` is ``add(left, -right)``)."""
    if not is_matrix(left.value) and not is_matrix(right.value):
        return Array(left.value + right.value)
    if not is_matrix(left.value) or not is_matrix(right.value):
        matrix, number = (left, right) if is_matrix(left.value) else (right, left)
        spread = matrix.value + number.value * sympy.OneMatrix(*shape_of(matrix.value))
        return Array.of(spread, matrix.flat)
    shape = broadcast(left, right, operator)
    return Array.of(_spread(left, shape) + _spread(right, shape), len(shape) == 1)


def negate(array: Array) -> Array:
    return Array.of(-array.value, array.flat)


def divide(left: Array, right: Array) -> Array:
    """``left / right``: by a number, or elementwise (NumPy) by a vector or matrix."""
    if not is_matrix(right.value):
        return Array.of(left.value / right.value, left.flat)
    return multiply(left, elementwise(lambda entry: 1 / entry, right, "/"), "/")


def power(base: Array, exponent: sympy.Basic) -> Array:
    """``base ** exponent`` typed as ``**``: elementwise, as NumPy's (a number exponent)."""
    if not is_matrix(base.value):
        return Array(base.value**exponent)
    return Array.of(sympy.HadamardPower(base.value, exponent), base.flat)


def broadcast(left: Array, right: Array, operator: str) -> tuple[int, ...]:
    """NumPy's shape of an elementwise ``left operator right`` (both arrays), or a refusal: the shapes
    lined up from the right, each pair of sizes equal or one of them 1."""
    a, b = left.shape, right.shape
    width = max(len(a), len(b))
    padded_a, padded_b = (1,) * (width - len(a)) + a, (1,) * (width - len(b)) + b
    shape = []
    for m, n in zip(padded_a, padded_b, strict=True):
        if m != n and 1 not in (m, n):
            hint = ""
            if operator == "*":
                hint = ": write @ for the matrix product, or hadamard(...) for elementwise of equal shapes"
            raise ShapeRefusal(
                f"`{operator}` between {describe(left)} and {describe(right)}: NumPy cannot broadcast "
                f"{numpy_shape_text(a)} and {numpy_shape_text(b)}{hint}"
            )
        shape.append(max(m, n))
    return tuple(shape)


def held_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """How a NumPy shape is held: (n,) as n x 1."""
    return (shape[0], 1) if len(shape) == 1 else (shape[0], shape[1])


def _spread(array: Array, shape: tuple[int, ...]) -> sympy.Basic:
    """``array`` broadcast to NumPy ``shape`` (held as ``held_shape``), by products with ones."""
    value = array.value
    if array.shape == shape:
        return value
    rows, cols = held_shape(shape)
    if array.flat:  # a 1-D vector against 2-D: it is a row, repeated on every row
        return value.T if rows == 1 else sympy.OneMatrix(rows, 1) * value.T
    own_rows, _ = shape_of(value)
    if own_rows == 1:  # a row, repeated on every row
        return sympy.OneMatrix(rows, 1) * value
    return value * sympy.OneMatrix(1, cols)  # a column, repeated in every column


def _entry_at(array: Array, shape: tuple[int, ...], i: int, j: int) -> sympy.Basic:
    """The entry of ``array`` that broadcasting puts at (i, j) of a result of NumPy ``shape``."""
    value = array.value
    if not is_matrix(value):
        return value
    if array.flat:
        return value[i if len(shape) == 1 else j, 0]
    own_rows, own_cols = shape_of(value)
    return value[i if own_rows > 1 else 0, j if own_cols > 1 else 0]


# --- entry by entry ----------------------------------------------------------------------------------


def elementwise(function: Callable[[sympy.Basic], sympy.Basic], array: Array, name: str) -> Array:
    """``function`` applied to each entry of a matrix (a number: to it), as a NumPy ufunc is."""
    value = array.value
    if not is_matrix(value):
        return Array(function(value))
    rows, cols = shape_of(value)
    _check_size(rows, cols, name)
    return Array.of(sympy.ImmutableMatrix(rows, cols, lambda i, j: function(value[i, j])), array.flat)


def combine(
    function: Callable[[sympy.Basic, sympy.Basic], sympy.Basic], left: Array, right: Array, name: str
) -> Array:
    """``function`` of matching entries, with NumPy's broadcasting (``maximum``, comparisons)."""
    if not is_matrix(left.value) and not is_matrix(right.value):
        return Array(function(left.value, right.value))
    if not is_matrix(left.value) or not is_matrix(right.value):
        shape = left.shape or right.shape
    else:
        shape = broadcast(left, right, name)
    rows, cols = held_shape(shape)
    _check_size(rows, cols, name)
    built = sympy.ImmutableMatrix(
        rows, cols, lambda i, j: function(_entry_at(left, shape, i, j), _entry_at(right, shape, i, j))
    )
    return Array.of(built, len(shape) == 1)


def _check_size(rows: int, cols: int, name: str) -> None:
    if rows * cols > MAX_ENTRIES:
        raise ShapeRefusal(
            f"{name} of a {rows}x{cols} matrix is too large to write out entry by entry "
            f"(at most {MAX_ENTRIES} entries)"
        )


def entries(value: sympy.Basic) -> list[sympy.Basic]:
    rows, cols = shape_of(value)
    return [value[i, j] for i in range(rows) for j in range(cols)]


# --- learner notation --------------------------------------------------------------------------------


def sigmoid(array: Array) -> Array:
    return elementwise(lambda z: 1 / (1 + sympy.exp(-z)), array, "sigmoid")


def relu(array: Array) -> Array:
    return elementwise(lambda z: sympy.Max(z, 0), array, "relu")


def softmax(array: Array) -> Array:
    """``exp(z) / sum(exp(z))`` over a vector's entries."""
    value = array.value
    if not is_vector(value):
        raise ShapeRefusal(
            f"softmax takes a vector, not {describe(array)} (with scalar logits write "
            "exp(z1)/(exp(z1) + exp(z2) + ...))"
        )
    exps = [sympy.exp(entry) for entry in entries(value)]
    total = sympy.Add(*exps)
    rows, cols = shape_of(value)
    return Array.of(sympy.ImmutableMatrix(rows, cols, [e / total for e in exps]), array.flat)


def compare(operator: str, left: Array, right: Array) -> Array:
    """``left > right`` as 1 or 0 (``Indicator``), entry by entry for vectors and matrices."""

    def one(a: sympy.Basic, b: sympy.Basic) -> sympy.Basic:
        if operator in (">", ">="):
            return Indicator(a - b, 0 if operator == ">" else 1)
        return Indicator(b - a, 0 if operator == "<" else 1)

    return combine(one, left, right, f"`{operator}`")


def largest(function: type[sympy.Max] | type[sympy.Min], args: list[Array], name: str) -> Array:
    """``max(a, b, ...)`` of numbers, or ``max(v)`` of one vector or matrix: its largest entry."""
    if len(args) == 1 and is_matrix(args[0].value):
        return Array(function(*entries(args[0].value)))
    for arg in args:
        if is_matrix(arg.value):
            elementwise_name = "maximum" if function is sympy.Max else "minimum"
            raise ShapeRefusal(
                f"{name} of several arguments takes numbers, not {describe(arg)}: "
                f"np.{elementwise_name}(a, b) is elementwise"
            )
    return Array(function(*(arg.value for arg in args)))


def mean(array: Array) -> Array:
    """The mean of a vector's or matrix's entries (a number's is itself)."""
    if not is_matrix(array.value):
        return array
    found = entries(array.value)
    return Array(sympy.Add(*found) / len(found))
