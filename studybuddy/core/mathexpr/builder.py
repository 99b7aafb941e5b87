"""A whitelist walk over Python's syntax tree of the canonical string, building SymPy objects directly.

``ast.parse`` only parses; nothing is compiled or evaluated. Each node kind we accept is listed here,
everything else is an error. Costs are checked before an expensive value is built: the digits a power
of numbers would have, exponent sizes, factorial arguments, the node count and the nesting depth.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import sympy
from sympy.calculus.accumulationbounds import AccumBounds
from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.polys.polyerrors import BasePolynomialError

from studybuddy.core.mathexpr import numpy_ops
from studybuddy.core.mathexpr.errors import ExprError
from studybuddy.core.mathexpr.matrices import MATRIX_FUNCTIONS, is_matrix, shape_text
from studybuddy.core.mathexpr.numpy_ops import Array, ShapeRefusal
from studybuddy.core.mathexpr.symbols import SymbolTable
from studybuddy.core.mathexpr.tokenizer import Canonical, Kind

# SymPy raises these for arithmetic it refuses (shape mismatches, matrix + scalar, ...).
_SYMPY_REFUSALS = (
    ArithmeticError,
    ValueError,
    TypeError,
    NotImplementedError,
    IndexError,
    RecursionError,
    BasePolynomialError,
)

_LOG10_2 = math.log10(2)
_MAX_DIFF_ORDER = 10
_MAX_EXPANDED_TERMS = 100  # a sum or product with numeric bounds is written out up to this many terms


@dataclass(frozen=True)
class Limits:
    """Cost limits checked on built values, so no input can make parsing slow or huge."""

    max_length: int = 2000
    max_depth: int = 60
    max_nodes: int = 400
    max_digits: int = 40  # digits in one typed number
    max_exponent: int = 1000  # |exponent| on a number, and the digits of any number built
    max_symbolic_exponent: int = 10_000  # |exponent| on a symbolic base: (x - a)^6000 costs nothing
    max_factorial: int = 200


def _log(arg: sympy.Basic, base: sympy.Basic | None = None) -> sympy.Basic:
    """``log(arg)``, without SymPy's automatic evaluation when ``arg`` has variables.

    For a symbolic argument ``log.eval`` can only undo an exponential or find the argument is 0, but it
    asks ``arg.is_zero`` to do so, and for ``p/(1 - p)`` that sets SymPy's assumptions system to work
    (~10 ms of a 15 ms grade). A symbolic argument that is identically 0 yet not already folded to 0
    is left as it is: it is undefined at every sample point, so the grader still cannot call it equal.
    """
    if base is not None or arg.is_number:
        return sympy.log(arg) if base is None else sympy.log(arg, base)
    if isinstance(arg, sympy.exp) and arg.exp.is_extended_real:
        return arg.exp
    return sympy.log(arg, evaluate=False)


# name -> (builder, allowed argument counts)
_SCALAR_FUNCTIONS: dict[str, tuple[Callable[..., sympy.Basic], tuple[int, ...]]] = {
    "exp": (sympy.exp, (1,)), "log": (_log, (1, 2)), "sqrt": (sympy.sqrt, (1,)),
    "cbrt": (sympy.cbrt, (1,)), "root": (sympy.root, (2,)),
    "sin": (sympy.sin, (1,)), "cos": (sympy.cos, (1,)), "tan": (sympy.tan, (1,)), "cot": (sympy.cot, (1,)),
    "sec": (sympy.sec, (1,)), "csc": (sympy.csc, (1,)), "asin": (sympy.asin, (1,)),
    "acos": (sympy.acos, (1,)), "atan": (sympy.atan, (1,)), "acot": (sympy.acot, (1,)),
    "asec": (sympy.asec, (1,)), "acsc": (sympy.acsc, (1,)), "atan2": (sympy.atan2, (2,)),
    "sinh": (sympy.sinh, (1,)), "cosh": (sympy.cosh, (1,)), "tanh": (sympy.tanh, (1,)),
    "coth": (sympy.coth, (1,)), "sech": (sympy.sech, (1,)), "csch": (sympy.csch, (1,)),
    "asinh": (sympy.asinh, (1,)), "acosh": (sympy.acosh, (1,)), "atanh": (sympy.atanh, (1,)),
    "acoth": (sympy.acoth, (1,)), "asech": (sympy.asech, (1,)), "acsch": (sympy.acsch, (1,)),
    "Abs": (sympy.Abs, (1,)), "sign": (sympy.sign, (1,)), "Heaviside": (sympy.Heaviside, (1, 2)),
    "Max": (sympy.Max, tuple(range(1, 33))), "Min": (sympy.Min, tuple(range(1, 33))),
    "floor": (sympy.floor, (1,)), "ceiling": (sympy.ceiling, (1,)),
    "factorial": (sympy.factorial, (1,)), "binomial": (sympy.binomial, (2,)),
    "re": (sympy.re, (1,)), "im": (sympy.im, (1,)), "arg": (sympy.arg, (1,)),
    "conjugate": (sympy.conjugate, (1,)),
}  # fmt: skip

# Functions of numbers, vectors or matrices alike (numpy_ops.py): what each does with a matrix is its own.
_ARRAY_FUNCTIONS: dict[str, tuple[Callable[..., Array], tuple[int, ...]]] = {
    "sigmoid": (numpy_ops.sigmoid, (1,)),
    "relu": (numpy_ops.relu, (1,)),
    "softmax": (numpy_ops.softmax, (1,)),
    "maximum": (lambda a, b: numpy_ops.combine(sympy.Max, a, b, "maximum"), (2,)),
    "minimum": (lambda a, b: numpy_ops.combine(sympy.Min, a, b, "minimum"), (2,)),
    "Max": (lambda *args: numpy_ops.largest(sympy.Max, list(args), "max"), tuple(range(1, 33))),
    "Min": (lambda *args: numpy_ops.largest(sympy.Min, list(args), "min"), tuple(range(1, 33))),
    "amax": (lambda arg: numpy_ops.largest(sympy.Max, [arg], "np.max"), (1,)),
    "amin": (lambda arg: numpy_ops.largest(sympy.Min, [arg], "np.min"), (1,)),
}
_COMPARISONS: dict[type[ast.cmpop], str] = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<="}

_CONSTANTS: dict[str, sympy.Basic] = {"E": sympy.E, "pi": sympy.pi, "I": sympy.I, "oo": sympy.oo}
_UNDEFINED = (sympy.nan, sympy.zoo)
_INFINITE = (sympy.oo, -sympy.oo, sympy.zoo)


class Builder:
    """Builds one expression; ``build`` is the entry point."""

    def __init__(self, canonical: Canonical, typed: str, table: SymbolTable, limits: Limits) -> None:
        self.canonical = canonical
        self.typed = typed
        self.table = table
        self.limits = limits
        self.nodes = 0

    # -- positions and errors -------------------------------------------------------------------

    def span(self, node: ast.AST) -> tuple[int, int]:
        owners = self.canonical.owners
        first = getattr(node, "col_offset", 0)
        last = (getattr(node, "end_col_offset", None) or first + 1) - 1
        first = min(max(first, 0), len(owners) - 1)
        last = min(max(last, first), len(owners) - 1)
        return owners[first].start, owners[last].end

    def error(self, message: str, node: ast.AST, suggestion: str | None = None) -> ExprError:
        start, end = self.span(node)
        return ExprError(message, self.typed, start, end, suggestion)

    def shown(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.typed[start:end]

    # -- the walk -------------------------------------------------------------------------------

    def build(self) -> sympy.Basic:
        return self.array().value

    def array(self) -> Array:
        """The value with NumPy's view of it (a 1-D vector or a 2-D array: numpy_ops.Array)."""
        try:
            tree = ast.parse(self.canonical.text, mode="eval")
        except SyntaxError as exc:
            raise self._syntax_error(exc) from None
        except (RecursionError, MemoryError, ValueError):
            raise ExprError("the expression is too complex", self.typed, 0, len(self.typed)) from None
        return self.visit(tree.body, 0)

    def _syntax_error(self, exc: SyntaxError) -> ExprError:
        offset = (exc.offset or 0) - 1
        owners = self.canonical.owners
        if offset < 0 or offset >= len(owners):
            end = len(self.typed)
            return ExprError("the expression is incomplete", self.typed, max(0, end - 1), end)
        piece = owners[offset]
        shown = self.typed[piece.start : piece.end]
        if piece.kind is Kind.COMMA:
            return ExprError(
                "a comma is only allowed between a function's arguments", self.typed, piece.start, piece.end
            )
        return ExprError(f"unexpected {shown!r}", self.typed, piece.start, piece.end)

    def count(self, node: ast.AST) -> None:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise self.error("the expression is too long", node)

    def visit(self, node: ast.AST, depth: int) -> Array:
        """The value of ``node``, with whether NumPy would hold it as a 1-D array (numpy_ops.Array)."""
        self.count(node)
        if depth > self.limits.max_depth:
            raise self.error("the expression is nested too deeply", node)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.visit(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return operand
            return self.checked(lambda: numpy_ops.negate(operand), node, operand)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.Compare):
            return self.comparison(node, depth)
        if isinstance(node, ast.Name):
            return self.atom(node)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return Array(self.number(str(node.value), node))
        if isinstance(node, ast.Tuple):
            raise self.error("a comma separates a function's arguments (write decimals as 0.5)", node)
        raise self.error("this is not part of a math expression", node)

    def atom(self, node: ast.Name) -> Array:
        piece = self.canonical.atoms.get(node.id)
        if piece is None:  # cannot happen: the tokenizer writes every name as a placeholder
            raise self.error("this is not part of a math expression", node)
        if piece.kind is Kind.NUMBER:
            return Array(self.number(piece.value, node))
        if piece.kind is Kind.VARIABLE:
            variable = self.table.variable_of(self.table.symbol(piece.value))
            flat = variable.shape is not None and len(variable.shape) == 1  # shape [n]: NumPy's (n,)
            return Array.of(self.table.symbol(piece.value), flat)
        if piece.kind is Kind.ENTRY:  # g_2: checked against g's length by the tokenizer
            name, row, col = piece.value.split("|")
            with sympy.evaluate(True):  # an entry's indices are numbers, also in a preview's build
                return Array(self.table.symbol(name)[int(row), int(col)])
        if piece.kind is Kind.CONSTANT:
            return Array(_CONSTANTS[piece.value])
        if piece.kind is Kind.TRANSPOSE:
            raise self.error("unknown name 'T' (T means transpose only after a matrix, as in A^T)", node)
        raise self.error(f"{piece.value} needs parentheses, like {piece.value}(x)", node)

    def number(self, text: str, node: ast.AST) -> sympy.Basic:
        mantissa, _, exponent = text.lower().partition("e")
        digits = sum(ch.isdigit() for ch in mantissa)
        if digits > self.limits.max_digits:
            raise self.error(f"a number with more than {self.limits.max_digits} digits", node)
        if exponent and abs(int(exponent)) > self.limits.max_exponent:
            raise self.error("the number's exponent is too large", node)
        if "." in mantissa or exponent:
            return sympy.Float(text, max(15, digits))
        return sympy.Integer(int(mantissa))

    # -- operators ------------------------------------------------------------------------------

    def binary(self, node: ast.BinOp, depth: int) -> Array:
        if isinstance(node.op, ast.Pow):
            if self._is_transpose(node.right):
                base = self.visit(node.left, depth + 1)
                if self._typed_transpose(node.right) == ".T":  # NumPy's: a number's or 1-D vector's is itself
                    return self.checked(lambda: numpy_ops.numpy_transpose(base), node, base)
                if not is_matrix(base.value):
                    raise self.error(
                        "unknown name 'T' (T means transpose only after a matrix, as in A^T)", node.right
                    )
                return self.checked(lambda: numpy_ops.math_transpose(base), node, base)
            return self.power(self.visit(node.left, depth + 1), self.visit(node.right, depth + 1), node)
        # a + b + c parses as ((a + b) + c): walk that left spine in a loop, so a long sum is "too
        # long" rather than "too deep" and the Python stack stays shallow.
        family = _family(node.op)
        spine = [node]
        while isinstance(spine[-1].left, ast.BinOp) and _family(spine[-1].left.op) == family:
            spine.append(spine[-1].left)
            self.count(spine[-1])
        value = self.visit(spine[-1].left, depth + 1)
        for link in reversed(spine):
            value = self.combine(link, value, self.visit(link.right, depth + 1))
        return value

    def combine(self, node: ast.BinOp, left: Array, right: Array) -> Array:
        """One operator between two built values: NumPy's meaning for vectors and matrices where the
        learner typed the operator (numpy_ops.py), the mathematical product where they wrote two
        factors side by side (``W x``)."""
        op = node.op
        if isinstance(op, ast.Add):
            return self.checked(lambda: numpy_ops.add(left, right, "+"), node, left, right)
        if isinstance(op, ast.Sub):
            return self.checked(lambda: numpy_ops.add(left, numpy_ops.negate(right), "-"), node, left, right)
        if isinstance(op, ast.Mult):
            if self._typed_operator(node) == "*":
                return self.checked(lambda: numpy_ops.multiply(left, right, "*"), node, left, right)
            return self.checked(lambda: _product(left, right), node, left, right)
        if isinstance(op, ast.MatMult):
            return self.checked(lambda: numpy_ops.matmul(left, right, "@"), node, left, right)
        if isinstance(op, ast.Div):
            if not is_matrix(right.value) and right.value == 0:
                raise self.error("division by zero", node.right)
            return self.checked(lambda: numpy_ops.divide(left, right), node, left, right)
        if isinstance(op, ast.FloorDiv):  # Python's k // 2, as people write it in code: floor(k/2)
            for side, array in ((node.left, left), (node.right, right)):
                if is_matrix(array.value):
                    raise self.error(f"// divides numbers, not a {shape_text(array.value)} matrix", side)
            if right.value == 0:
                raise self.error("division by zero", node.right)
            return self.checked(lambda: Array(sympy.floor(left.value / right.value)), node)
        raise self.error("this operator is not allowed (use + - * / ^)", node)

    def _typed_operator(self, node: ast.BinOp) -> str:
        """What the learner typed for ``node``'s operator ("*", "×", "**", "^", ...), or "" when it
        was left out (``2x``, ``W x``: the tokenizer wrote a ``*`` owned by the factor after it)."""
        text, owners = self.canonical.text, self.canonical.owners
        start = getattr(node.left, "end_col_offset", None) or 0
        stop = getattr(node.right, "col_offset", None) or len(text)
        for index in range(start, min(stop, len(text))):
            if text[index] not in "( )":
                owner = owners[index]
                return self.typed[owner.start : owner.end] if owner.kind is Kind.OPERATOR else ""
        return ""

    def _is_transpose(self, node: ast.AST) -> bool:
        piece = self.canonical.atoms.get(node.id) if isinstance(node, ast.Name) else None
        return piece is not None and piece.kind is Kind.TRANSPOSE

    def _typed_transpose(self, node: ast.AST) -> str:
        """How a transpose was typed: ".T" (NumPy's attribute) or "T" (after ^ or **, the mathematics)."""
        piece = self.canonical.atoms[node.id] if isinstance(node, ast.Name) else None
        return "" if piece is None else self.typed[piece.start : piece.end]

    def power(self, base_array: Array, exponent_array: Array, node: ast.BinOp) -> Array:
        base, exponent = base_array.value, exponent_array.value
        limit = self.limits.max_exponent if base.is_number else self.limits.max_symbolic_exponent
        if is_matrix(exponent):
            raise self.error("a matrix cannot be an exponent", node.right)
        if isinstance(exponent, sympy.Rational):
            if abs(exponent.p) > limit or exponent.q > limit:
                raise self.error(f"the exponent is too large (at most {limit})", node.right)
        elif isinstance(exponent, sympy.Float) and abs(exponent) > limit:
            raise self.error(f"the exponent is too large (at most {limit})", node.right)
        if is_matrix(base):
            if self._typed_operator(node) == "**":  # NumPy's x**2: each entry squared
                return self.checked(lambda: numpy_ops.power(base_array, exponent), node, base_array)
            if base_array.flat or not base.is_square:
                what = numpy_ops.describe(base_array)
                raise self.error(
                    f"^ of {what}: write ** for NumPy's power of each entry (x**2), or a product "
                    "such as x^T x or dot(x, x) for the squared length",
                    node,
                )
            if not (isinstance(exponent, sympy.Integer)):
                raise self.error("a matrix can only be raised to a whole number (or ^T)", node.right)
        elif isinstance(exponent, sympy.Number) and base.is_number:
            digits = float(abs(exponent)) * _largest_log10(base)
            if digits > self.limits.max_exponent:
                limit = self.limits.max_exponent
                raise self.error(f"the result would have about {digits:.3g} digits (at most {limit})", node)
        if base == 0 and exponent.is_extended_negative:
            raise self.error("division by zero (0 to a negative power)", node)
        return self.checked(lambda: Array.of(base**exponent), node, base_array)

    def comparison(self, node: ast.Compare, depth: int) -> Array:
        """``z > 0`` is 1 where it holds and 0 elsewhere (NumPy's booleans in arithmetic: ``dout * (x >
        0)``); ``0 < x < 1`` holds where both do."""
        values = [self.visit(node.left, depth + 1)]
        values += [self.visit(operand, depth + 1) for operand in node.comparators]
        result: Array | None = None
        for index, op in enumerate(node.ops):
            operator = _COMPARISONS.get(type(op))
            if operator is None:
                raise self.error("only >, >=, < and <= compare here (1 where it holds, else 0)", node)
            pair = values[index], values[index + 1]
            one = self.checked(partial(numpy_ops.compare, operator, *pair), node, *pair)
            if result is not None:
                one = self.checked(partial(numpy_ops.multiply, result, one), node, result, one)
            result = one
        assert result is not None
        return result

    # -- calls ----------------------------------------------------------------------------------

    def call(self, node: ast.Call, depth: int) -> Array:
        piece = self.canonical.atoms.get(node.func.id) if isinstance(node.func, ast.Name) else None
        if piece is None or piece.kind not in (Kind.FUNCTION, Kind.UNDEFINED_FUNCTION):
            raise self.error("only functions can be called", node.func)
        if node.keywords:
            raise self.error(f"{piece.value} takes plain arguments, without name=", node)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.error("unexpected '*' before an argument", node)
        if not node.args:
            raise self.error(f"{piece.value} needs an argument", node)
        name = piece.value
        if name in ("summation", "product"):
            return self.bounded(name, node, depth)
        if name == "diff":
            return self.derivative(node, depth)
        arrays = [self.visit(arg, depth + 1) for arg in node.args]
        args = [array.value for array in arrays]
        if piece.kind is Kind.UNDEFINED_FUNCTION:
            self._scalars(name, args, node)
            return self.checked(lambda: Array(sympy.Function(name)(*args)), node)
        if name in MATRIX_FUNCTIONS:
            matrix_builder, counts = MATRIX_FUNCTIONS[name]
            self._arity(name, args, counts, node)
            return self.checked(lambda: matrix_builder(*arrays), node, *arrays)
        if name in _ARRAY_FUNCTIONS:
            array_builder, counts = _ARRAY_FUNCTIONS[name]
            self._arity(name, args, counts, node)
            return self.checked(lambda: array_builder(*arrays), node, *arrays, function=name)
        builder, counts = _SCALAR_FUNCTIONS[name]
        self._arity(name, args, counts, node)
        if len(args) == 1 and is_matrix(args[0]):  # a NumPy ufunc: exp(z) is exp of each entry
            ufunc = partial(numpy_ops.elementwise, builder, arrays[0], name)
            return self.checked(ufunc, node, arrays[0], function=name)
        self._scalars(name, args, node)
        self._check_function_cost(name, args, node)
        return self.checked(lambda: Array(builder(*args)), node, function=name)

    def _arity(self, name: str, args: list[sympy.Basic], counts: tuple[int, ...], node: ast.Call) -> None:
        if len(args) not in counts:
            expected = " or ".join(str(c) for c in counts[:2]) if len(counts) <= 2 else f"{counts[0]} or more"
            raise self.error(f"{name} takes {expected} argument(s), not {len(args)}", node)

    def _scalars(self, name: str, args: list[sympy.Basic], node: ast.Call) -> None:
        for arg, arg_node in zip(args, node.args, strict=True):
            if is_matrix(arg):
                raise self.error(f"{name} expects a scalar, not a {shape_text(arg)} matrix", arg_node)

    def _check_function_cost(self, name: str, args: list[sympy.Basic], node: ast.Call) -> None:
        too_big = isinstance(args[0], sympy.Number) and abs(args[0]) > self.limits.max_factorial
        if name == "factorial" and too_big:
            raise self.error(f"factorial argument too large (at most {self.limits.max_factorial})", node)
        if name == "binomial" and all(isinstance(a, sympy.Number) for a in args):
            n, k = (float(abs(a)) for a in args)
            digits = min(k, abs(n - k)) * math.log10(max(n, 2.0))
            if digits > self.limits.max_exponent:
                raise self.error("the binomial coefficient is too large", node)
        if name in ("root",) and isinstance(args[1], sympy.Number):
            if args[1] == 0:
                raise self.error("root of order 0 is undefined", node)
            if abs(args[1]) > self.limits.max_exponent or abs(args[1]) < 1 / self.limits.max_exponent:
                raise self.error("the root's order is too large", node)

    def bounded(self, name: str, node: ast.Call, depth: int) -> Array:
        """``summation(f, (k, a, b))`` and ``product(f, (k, a, b))``; short numeric ranges are written out."""
        if len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple) or len(node.args[1].elts) != 3:
            raise self.error(f"write {name}(expression, (k, start, end))", node)
        body = self.visit(node.args[0], depth + 1).value
        index_node, low_node, high_node = node.args[1].elts
        index = self.visit(index_node, depth + 2).value
        if not isinstance(index, sympy.Symbol):
            raise self.error(f"the {name} index must be a variable", index_node)
        low, high = self.visit(low_node, depth + 2).value, self.visit(high_node, depth + 2).value
        if is_matrix(body):
            raise self.error(f"{name} expects a scalar expression", node.args[0])
        kind = sympy.Sum if name == "summation" else sympy.Product
        value = self.checked(lambda: Array(kind(body, (index, low, high))), node).value
        count = high - low
        short = isinstance(count, sympy.Integer) and count < _MAX_EXPANDED_TERMS
        polynomial_sum = name == "summation" and body.is_polynomial(index)
        if short or polynomial_sum:
            return self.checked(lambda: Array(value.doit()), node)
        return Array(value)

    def derivative(self, node: ast.Call, depth: int) -> Array:
        if not 2 <= len(node.args) <= 3:
            raise self.error("write diff(expression, x) or diff(expression, x, order)", node)
        body = self.visit(node.args[0], depth + 1)
        variable = self.visit(node.args[1], depth + 1).value
        if not isinstance(variable, sympy.Symbol):
            raise self.error("diff differentiates with respect to a variable", node.args[1])
        order = self.visit(node.args[2], depth + 1).value if len(node.args) == 3 else sympy.Integer(1)
        if not isinstance(order, sympy.Integer) or not 0 <= order <= _MAX_DIFF_ORDER:
            raise self.error(f"the order of diff must be a whole number from 0 to {_MAX_DIFF_ORDER}", node)
        derivative = partial(sympy.diff, body.value, variable, int(order))
        return self.checked(lambda: Array.of(derivative(), body.flat), node, body)

    # -- every built value passes through here ---------------------------------------------------

    def checked(
        self, make: Callable[[], Array], node: ast.AST, *operands: Array, function: str | None = None
    ) -> Array:
        """``make()``, its refusals said at ``node``; with a vector or matrix among ``operands`` it is
        built with SymPy's evaluation on, even for a preview's as-written build (``evaluate=False``):
        shapes, indices and entries are arithmetic that must be done, or ``W^T @ diag(g)`` fails there."""
        try:
            if any(is_matrix(operand.value) for operand in operands):
                with sympy.evaluate(True):
                    array = make()
            else:
                array = make()
        except ShapeRefusal as exc:  # said for the learner already
            raise self.error(str(exc), node) from None
        except _SYMPY_REFUSALS as exc:
            reason = str(exc).strip() or type(exc).__name__
            raise self.error(f"cannot compute {self.shown(node)!r}: {reason}", node) from None
        value = array.value
        if isinstance(value, sympy.MatrixBase):  # written entry by entry: each entry is a value
            for entry in value:
                self._check_defined(entry, node, function)
            return array
        if isinstance(value, MatrixExpr):
            return array
        self._check_defined(value, node, function)
        self._check_size(value, node)
        return array

    def _check_defined(self, value: sympy.Basic, node: ast.AST, function: str | None) -> None:
        # zoo/nan absorb everything built on them, so looking at the value and its direct arguments
        # finds them where they first appear.
        # (SymPy's nan, zoo, oo and -oo are singletons: identity is the cheap, exact test.)
        bad = _UNDEFINED if self.canonical.has_infinity else (*_UNDEFINED, *_INFINITE)
        parts = (value, *value.args)
        if not any(isinstance(part, AccumBounds) or any(part is b for b in bad) for part in parts):
            return
        if function is not None:
            raise self.error(f"{self.shown(node)} is undefined", node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            raise self.error("division by zero", node)
        raise self.error(f"{self.shown(node)!r} is undefined", node)

    def _check_size(self, value: sympy.Basic, node: ast.AST) -> None:
        if isinstance(value, sympy.Rational):
            bits = max(abs(value.p).bit_length(), value.q.bit_length())
            if bits * _LOG10_2 > self.limits.max_exponent:
                raise self.error(f"a number with more than {self.limits.max_exponent} digits", node)


def _product(left: Array, right: Array) -> Array:
    """Two factors side by side (``W x``, ``2 x``, ``x^T x W``): the mathematical product, a 1 x 1
    matrix counting as the number it holds. A vector is a column there; the product is a 1-D vector
    where NumPy's ``@`` would give one (``W x``, ``2 x``), else 2-D (``g x^T``, ``x^T W``)."""
    if not is_matrix(left.value) or not is_matrix(right.value):
        return Array.of(left.value * right.value, left.flat or right.flat)
    return Array.of(left.value * right.value, right.flat)


def _family(op: ast.operator) -> str:
    """Operators that chain left to right at one precedence level."""
    if isinstance(op, ast.Add | ast.Sub):
        return "sum"
    if isinstance(op, ast.Mult | ast.Div | ast.FloorDiv | ast.MatMult):
        return "product"
    return type(op).__name__


def _largest_log10(value: sympy.Basic) -> float:
    """log10 of the largest magnitude (or inverse magnitude) among the numbers inside ``value``.

    For a product of numbers raised to n, n times this bounds the digits of the result.
    """
    largest = 0.0
    for number in value.atoms(sympy.Number, sympy.NumberSymbol):
        if isinstance(number, sympy.Rational):
            largest = max(largest, math.log10(abs(number.p) or 1), math.log10(number.q))
        elif isinstance(number, sympy.Float) and number != 0:
            largest = max(largest, abs(float(sympy.log(abs(number), 10))))
        else:  # pi, E and friends
            largest = max(largest, 0.5)
    return largest
