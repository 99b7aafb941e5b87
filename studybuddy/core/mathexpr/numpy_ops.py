"""What operators and functions mean for vectors and matrices: NumPy's meaning, or a clear refusal.

Learners write NumPy (`s * (1 - s)`, `dout * (x > 0)`, `np.dot(W.T, g)`), so typed code means what it
means in NumPy:

- ``*`` (a typed asterisk) is elementwise, with NumPy's broadcasting: a scalar with anything, equal
  shapes entry by entry, and a vector of length n against a matrix with n columns (NumPy's 1-D vector
  is a row there: `M * v` scales column j by v_j). Other shapes are refused, naming both.
- ``@``, ``dot`` and ``matmul`` are the matrix product. Where the shapes line up as written (`g @ x^T`,
  an outer product) that is the product; where they only line up as NumPy's 1-D vectors do, a vector on
  the left is a row (`g @ W` is W^T g), one on the right a column, and two vectors give their dot
  product. A 1-D result is a vector, held as a column.
- ``+`` and ``-`` broadcast as ``*`` does (`1 - s`, `X W + b` adds b to every row).
- ``**`` typed is elementwise (`x**2`), while ``^`` keeps its mathematical meaning on a square matrix
  (`A^2` is A A); `x^2` of a vector asks which of the two is meant.
- one-argument functions apply to each entry (`exp(z)`, `sigmoid(z)`, `relu(z)`, `z > 0`).

Mathematical juxtaposition (`W x`, `g x^T`, `2 x A^T v`) stays the matrix product: only a typed ``*``
is NumPy's. A declared vector (``shape: [n]``) is a column, n x 1, and every n x 1 or 1 x n value is a
vector in the rules above; a 1 x 1 value is a number.

Each function raises ShapeRefusal (a ValueError) with a sentence for the learner; the builder shows it
at the operator or call. Results written entry by entry (elementwise functions and comparisons) are
bounded by MAX_ENTRIES.
"""

from __future__ import annotations

from collections.abc import Callable

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


def shape_of(value: sympy.Basic) -> tuple[int, int]:
    """(rows, columns); a scalar is 1 x 1."""
    if not is_matrix(value):
        return (1, 1)
    rows, cols = value.shape
    return int(rows), int(cols)


def describe(value: sympy.Basic) -> str:
    """'a 3x3 matrix', 'a 3-vector', 'a number': how a refusal names an operand."""
    rows, cols = shape_of(value)
    if (rows, cols) == (1, 1):
        return "a number"
    if rows == 1 or cols == 1:
        return f"a {rows * cols}-vector"
    return f"a {rows}x{cols} matrix"


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


# --- products ----------------------------------------------------------------------------------------


def matmul(left: sympy.Basic, right: sympy.Basic, operator: str = "@") -> sympy.Basic:
    """``left @ right`` (and ``dot``/``matmul`` of two non-scalars), NumPy's way for vectors."""
    left, right = scalar_or_matrix(left), scalar_or_matrix(right)
    if not (is_matrix(left) and is_matrix(right)):
        raise ShapeRefusal(f"{operator} multiplies two matrices or vectors; use * with a number")
    (rows, inner), (inner_right, cols) = shape_of(left), shape_of(right)
    if inner == inner_right:
        return scalar_or_matrix(left * right)
    if is_vector(left) and is_vector(right) and _length(left) == _length(right):
        return _inner(left, right)  # two 1-D vectors: their dot product
    if is_vector(left) and _length(left) == inner_right:
        return right.T * column(left)  # a 1-D vector on the left is a row; a 1-D result, a column
    if is_vector(right) and _length(right) == inner:
        return left * column(right)
    raise ShapeRefusal(
        f"{operator} needs the columns of the left to match the rows of the right, not "
        f"{rows}x{inner} {operator} {inner_right}x{cols}"
    )


def _inner(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    a, b = column(left), column(right)
    return sympy.Add(*(a[i, 0] * b[i, 0] for i in range(_length(a))))


def dot(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    """NumPy's ``dot``: numbers multiply, two vectors give their dot product, otherwise ``@``."""
    left, right = scalar_or_matrix(left), scalar_or_matrix(right)
    if not is_matrix(left) or not is_matrix(right):
        return left * right
    if is_vector(left) and is_vector(right):
        if _length(left) != _length(right):
            raise ShapeRefusal(
                f"dot needs two vectors of the same length, not {_length(left)} and {_length(right)}"
            )
        return _inner(left, right)
    return matmul(left, right, "dot")


def multiply(left: sympy.Basic, right: sympy.Basic, operator: str = "*") -> sympy.Basic:
    """Elementwise ``left * right`` with NumPy's broadcasting."""
    left, right = scalar_or_matrix(left), scalar_or_matrix(right)
    if not is_matrix(left) or not is_matrix(right):
        return left * right
    shape = broadcast(left, right, operator)
    if shape_of(left) == shape_of(right):
        return sympy.HadamardProduct(left, right)
    if is_vector(left) and is_vector(right):
        return sympy.HadamardProduct(column(left), column(right))
    matrix, vector = (left, right) if is_vector(right) else (right, left)
    assert shape_of(matrix) == shape
    # Column j times v_j (NumPy's row broadcast): v^T repeated on every row, entry by entry. Not
    # matrix @ DiagMatrix(v): SymPy asks its assumptions system about that (200 ms the first time,
    # 350 ms more to write its entries), and it prints as DiagMatrix(v) in the preview.
    return sympy.HadamardProduct(matrix, sympy.OneMatrix(shape[0], 1) * column(vector).T)


def add(left: sympy.Basic, right: sympy.Basic, operator: str = "+") -> sympy.Basic:
    """``left + right`` with NumPy's broadcasting (``-`` is ``add(left, -right)``)."""
    left, right = scalar_or_matrix(left), scalar_or_matrix(right)
    if not is_matrix(left) and not is_matrix(right):
        return left + right
    if not is_matrix(left) or not is_matrix(right):
        matrix, number = (left, right) if is_matrix(left) else (right, left)
        return matrix + number * sympy.OneMatrix(*shape_of(matrix))
    shape = broadcast(left, right, operator)
    if shape_of(left) == shape_of(right):
        return left + right
    if is_vector(left) and is_vector(right):
        return column(left) + column(right)
    matrix, vector = (left, right) if is_vector(right) else (right, left)
    return matrix + sympy.OneMatrix(shape[0], 1) * column(vector).T  # v added to every row


def divide(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    """``left / right``: by a number, or elementwise (NumPy) by a vector or matrix."""
    right = scalar_or_matrix(right)
    if not is_matrix(right):
        return scalar_or_matrix(left) / right
    return multiply(left, elementwise(lambda entry: 1 / entry, right, "/"), "/")


def power(base: sympy.Basic, exponent: sympy.Basic) -> sympy.Basic:
    """``base ** exponent`` typed as ``**``: elementwise, as NumPy's (a number exponent)."""
    base = scalar_or_matrix(base)
    if not is_matrix(base):
        return base**exponent
    return sympy.HadamardPower(base, exponent)


def broadcast(left: sympy.Basic, right: sympy.Basic, operator: str) -> tuple[int, int]:
    """The shape of an elementwise ``left operator right`` (both non-scalar), or a refusal."""
    a, b = shape_of(left), shape_of(right)
    if a == b:
        return a
    if is_vector(left) and is_vector(right) and _length(left) == _length(right):
        return (_length(left), 1)
    for matrix, vector in ((left, right), (right, left)):
        if is_vector(vector) and not is_vector(matrix) and shape_of(matrix)[1] == _length(vector):
            return shape_of(matrix)
    hint = ""
    if operator == "*":
        hint = ": write @ for the matrix product, or hadamard(...) for elementwise of equal shapes"
    raise ShapeRefusal(
        f"`{operator}` between {describe(left)} and {describe(right)}: NumPy cannot broadcast "
        f"{a[0]}x{a[1]} and {b[0]}x{b[1]}{hint}"
    )


# --- entry by entry ----------------------------------------------------------------------------------


def elementwise(function: Callable[[sympy.Basic], sympy.Basic], value: sympy.Basic, name: str) -> sympy.Basic:
    """``function`` applied to each entry of a matrix (a number: to it), as a NumPy ufunc is."""
    value = scalar_or_matrix(value)
    if not is_matrix(value):
        return function(value)
    rows, cols = shape_of(value)
    _check_size(rows, cols, name)
    return sympy.ImmutableMatrix(rows, cols, lambda i, j: function(value[i, j]))


def combine(
    function: Callable[[sympy.Basic, sympy.Basic], sympy.Basic],
    left: sympy.Basic,
    right: sympy.Basic,
    name: str,
) -> sympy.Basic:
    """``function`` of matching entries, with NumPy's broadcasting (``maximum``, comparisons)."""
    left, right = scalar_or_matrix(left), scalar_or_matrix(right)
    if not is_matrix(left) and not is_matrix(right):
        return function(left, right)
    if not is_matrix(left) or not is_matrix(right):
        matrix = left if is_matrix(left) else right
        rows, cols = shape_of(matrix)
    else:
        rows, cols = broadcast(left, right, name)
    _check_size(rows, cols, name)

    def entry(value: sympy.Basic, i: int, j: int) -> sympy.Basic:
        if not is_matrix(value):
            return value
        if shape_of(value) == (rows, cols):
            return value[i, j]
        vector = column(value)  # broadcast: a vector along the rows (or two vectors as columns)
        return vector[j if cols > 1 else i, 0]

    return sympy.ImmutableMatrix(rows, cols, lambda i, j: function(entry(left, i, j), entry(right, i, j)))


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


def sigmoid(value: sympy.Basic) -> sympy.Basic:
    return elementwise(lambda z: 1 / (1 + sympy.exp(-z)), value, "sigmoid")


def relu(value: sympy.Basic) -> sympy.Basic:
    return elementwise(lambda z: sympy.Max(z, 0), value, "relu")


def softmax(value: sympy.Basic) -> sympy.Basic:
    """``exp(z) / sum(exp(z))`` over a vector's entries."""
    value = scalar_or_matrix(value)
    if not is_vector(value):
        raise ShapeRefusal(
            f"softmax takes a vector, not {describe(value)} (with scalar logits write "
            "exp(z1)/(exp(z1) + exp(z2) + ...))"
        )
    exps = [sympy.exp(entry) for entry in entries(value)]
    total = sympy.Add(*exps)
    rows, cols = shape_of(value)
    return sympy.ImmutableMatrix(rows, cols, [e / total for e in exps])


def compare(operator: str, left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    """``left > right`` as 1 or 0 (``Indicator``), entry by entry for vectors and matrices."""

    def one(a: sympy.Basic, b: sympy.Basic) -> sympy.Basic:
        if operator in (">", ">="):
            return Indicator(a - b, 0 if operator == ">" else 1)
        return Indicator(b - a, 0 if operator == "<" else 1)

    return combine(one, left, right, f"`{operator}`")


def largest(function: type[sympy.Max] | type[sympy.Min], args: list[sympy.Basic], name: str) -> sympy.Basic:
    """``max(a, b, ...)`` of numbers, or ``max(v)`` of one vector or matrix: its largest entry."""
    if len(args) == 1 and is_matrix(args[0]):
        return function(*entries(args[0]))
    for arg in args:
        if is_matrix(arg):
            elementwise_name = "maximum" if function is sympy.Max else "minimum"
            raise ShapeRefusal(
                f"{name} of several arguments takes numbers, not {describe(arg)}: "
                f"np.{elementwise_name}(a, b) is elementwise"
            )
    return function(*args)


def mean(value: sympy.Basic) -> sympy.Basic:
    """The mean of a vector's or matrix's entries (a number's is itself)."""
    value = scalar_or_matrix(value)
    if not is_matrix(value):
        return value
    found = entries(value)
    return sympy.Add(*found) / len(found)
