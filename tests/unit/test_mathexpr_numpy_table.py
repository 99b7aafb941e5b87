"""Typed NumPy code against real NumPy, for every operation and every pair of operand kinds.

The kinds are those NumPy tells apart: a number, a 1-D vector (3,), a column (3, 1), a row (1, 3), a
square matrix (3, 3) and a wide one (2, 3). For each operation and each pair, NumPy's own result on
random values is the reference: where NumPy computes, the typed code has NumPy's shape and values
(one documented difference: a result with a single entry is the number it holds); where NumPy raises,
the typed code is refused with a clear message, never a traceback.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np
import pytest
import sympy

from studybuddy.core.mathexpr import ExprError, SymbolTable, Variable, parse_expression
from studybuddy.core.mathexpr.api import numpy_shape

RNG = np.random.default_rng(12)
OPERANDS: dict[str, tuple[str, tuple[int, ...] | None, np.ndarray | float]] = {
    # kind: (name, declared shape, value)
    "number": ("a", None, float(RNG.uniform(0.5, 2.0))),
    "vector": ("g", (3,), RNG.uniform(0.5, 2.0, size=3)),
    "column": ("c", (3, 1), RNG.uniform(0.5, 2.0, size=(3, 1))),
    "row": ("r", (1, 3), RNG.uniform(0.5, 2.0, size=(1, 3))),
    "matrix": ("M", (3, 3), RNG.uniform(0.5, 2.0, size=(3, 3))),
    "wide": ("W", (2, 3), RNG.uniform(0.5, 2.0, size=(2, 3))),
}
TABLE = SymbolTable([Variable(name, shape=shape) for name, shape, _ in OPERANDS.values()])

BINARY: dict[str, tuple[str, Callable[[object, object], object]]] = {
    "+": ("{a} + {b}", operator.add),
    "-": ("{a} - {b}", operator.sub),
    "*": ("{a} * {b}", operator.mul),
    "/": ("{a} / {b}", operator.truediv),
    "@": ("{a} @ {b}", operator.matmul),
    "dot": ("np.dot({a}, {b})", np.dot),
    "matmul": ("np.matmul({a}, {b})", np.matmul),
    "multiply": ("np.multiply({a}, {b})", np.multiply),
    "outer": ("np.outer({a}, {b})", np.outer),
    "kron": ("np.kron({a}, {b})", np.kron),
    "maximum": ("np.maximum({a}, {b})", np.maximum),
    ">": ("({a} > {b})", operator.gt),
    "<=": ("({a} <= {b})", operator.le),
    ".T @": ("{a}.T @ {b}", lambda a, b: np.transpose(a) @ b),
    ".T *": ("{a}.T * {b}", lambda a, b: np.transpose(a) * b),
}
UNARY: dict[str, tuple[str, Callable[[object], object]]] = {
    ".T": ("{a}.T", np.transpose),
    "transpose": ("np.transpose({a})", np.transpose),
    "-": ("-{a}", operator.neg),
    "**2": ("{a}**2", lambda a: a**2),
    "exp": ("np.exp({a})", np.exp),
    "sum": ("np.sum({a})", np.sum),
    "mean": ("np.mean({a})", np.mean),
    "max": ("np.max({a})", np.max),
    "norm": ("np.linalg.norm({a})", np.linalg.norm),
    "diag": ("np.diag({a})", np.diag),
    "trace": ("np.trace({a})", np.trace),
    "1 - x": ("1 - {a}", lambda a: 1 - a),
    "x > 0": ("({a} > 0)", lambda a: a > 0),
    "x @ x": ("{a} @ {a}", lambda a: a @ a),
    "outer self": ("np.outer({a}, {a})", lambda a: np.outer(a, a)),
}


def numpy_value(kind: str) -> np.ndarray | float:
    return OPERANDS[kind][2]


def evaluated(expr: sympy.Basic) -> np.ndarray:
    """``expr`` at the operands' values, as a float array (held shape: a 1-D vector as n x 1)."""
    replacements: dict[sympy.Basic, sympy.Basic] = {}
    for name, shape, value in OPERANDS.values():
        symbol = TABLE.symbol(name)
        if shape is None:
            replacements[symbol] = sympy.Float(value)
        else:
            replacements[symbol] = sympy.ImmutableMatrix(np.asarray(value).reshape(symbol.shape).tolist())
    done = expr.xreplace(replacements)
    done = done.doit() if hasattr(done, "doit") else done
    return np.array(sympy.N(sympy.ImmutableMatrix(done) if done.is_Matrix else done), dtype=float)


def agrees_with_numpy(text: str, reference: Callable[[], object]) -> None:
    try:
        with np.errstate(all="raise"):
            expected = np.asarray(reference(), dtype=float)
    except (ValueError, TypeError, FloatingPointError) as numpy_error:
        with pytest.raises(ExprError) as refused:
            parse_expression(text, TABLE)
        message = refused.value.message
        assert "cannot compute" not in message, (
            f"{text}: NumPy says {numpy_error}; ours is unclear: {message}"
        )
        return
    try:
        shape = numpy_shape(text, TABLE)
        got = evaluated(parse_expression(text, TABLE))
    except ExprError as error:
        pytest.fail(f"{text}: NumPy gives shape {expected.shape}, ours refuses: {error}")
    wanted_shape = () if expected.size == 1 else expected.shape  # one entry: the number it holds
    assert shape == wanted_shape, f"{text}: NumPy's shape {expected.shape}, ours {shape}"
    np.testing.assert_allclose(got.ravel(), expected.ravel(), rtol=1e-9, err_msg=text)


@pytest.mark.parametrize("right", OPERANDS)
@pytest.mark.parametrize("left", OPERANDS)
@pytest.mark.parametrize("operation", BINARY)
def test_an_operation_between_two_kinds_is_numpy_s(operation: str, left: str, right: str) -> None:
    form, function = BINARY[operation]
    text = form.format(a=OPERANDS[left][0], b=OPERANDS[right][0])
    agrees_with_numpy(text, lambda: function(numpy_value(left), numpy_value(right)))


@pytest.mark.parametrize("kind", OPERANDS)
@pytest.mark.parametrize("operation", UNARY)
def test_an_operation_on_one_kind_is_numpy_s(operation: str, kind: str) -> None:
    form, function = UNARY[operation]
    agrees_with_numpy(form.format(a=OPERANDS[kind][0]), lambda: function(numpy_value(kind)))


@pytest.mark.parametrize(
    ("typed", "position"),
    [("g_1", 0), ("g_3", 2), ("c_2_1", (1, 0)), ("r_1_3", (0, 2)), ("W_2_3", (1, 2)), ("M_3_1", (2, 0))],
)
def test_an_entry_counts_from_one_as_the_app_shows_it(typed: str, position: int | tuple[int, int]) -> None:
    name = typed.split("_")[0]
    array = np.asarray(next(value for n, _, value in OPERANDS.values() if n == name))
    assert evaluated(parse_expression(typed, TABLE)) == pytest.approx(array[position])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("g_4", "g_4 is past the end of g: it has 3 entries"),
        ("g_0", "entries count from 1 here"),
        ("W_3_1", "W_3_1 is past the end of W: it has 2 rows"),
        ("W_1_4", "W_1_4 is past the end of W: it has 3 columns"),
        ("g[3]", "NumPy's g[3] is g_4"),
        ("np.linalg.eig(M)", "np.linalg.eig is not one of the NumPy functions studybuddy reads"),
        ("np.__import__(M)", "np.__import__ is not one of the NumPy functions studybuddy reads"),
        ("numpy.random.rand(a)", "numpy.random.rand is not one of the NumPy functions studybuddy reads"),
        ("np.sum", "sum needs parentheses"),
        ("np.", "np. needs a function after it"),
    ],
)
def test_past_the_end_and_outside_the_whitelist_is_refused_by_name(typed: str, message: str) -> None:
    with pytest.raises(ExprError) as refused:
        parse_expression(typed, TABLE)
    assert message in refused.value.message
