"""Property: any text at all gives a SymPy value or the project's own ExprError, never another exception."""

from __future__ import annotations

import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from studybuddy.core.mathexpr import ExprError, SymbolTable, Variable, infer_names, parse_expression

TABLE = SymbolTable.of({"x": "real", "y": "positive", "lam": "positive", "p": "probability", "n": "natural"})
MATRICES = SymbolTable([Variable("A", shape=(2, 2)), Variable("v", shape=(2,)), Variable("x")])

MATH_ALPHABET = [
    *"xyAvnp0123456789.+-*/^()@, eEIπλ²³⁻¹−×·÷√∞ᵀ₁_ ",
    "sin", "log", "exp", "sqrt", "lam", "pi", "oo", "T", "factorial", "Max", "summation", "diff",
    "dot", "trace", "**", "９", "ｘ", "\u200b", "\x00",
]  # fmt: skip


def parses_or_explains(text: str, table: SymbolTable) -> None:
    try:
        value = parse_expression(text, table)
    except ExprError as error:
        assert error.message
        assert 0 <= error.start <= len(text)
        error.pointer()
        return
    assert isinstance(value, sympy.Basic)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("9^9^9^9")
@example("((((")
def test_any_text(text: str) -> None:
    parses_or_explains(text, TABLE)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MATH_ALPHABET), max_size=25).map("".join))
@example("factorial(factorial(20))")
@example("A^T A v")
@example("dot(v, A v)")
def test_any_math_looking_text(text: str) -> None:
    parses_or_explains(text, TABLE)
    parses_or_explains(text, MATRICES)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_infer_names_gives_names_or_explains(text: str) -> None:
    try:
        names = infer_names(text)
    except ExprError:
        return
    # whatever it finds can be declared, and the text then parses or is explained
    try:
        table = SymbolTable(Variable(name) for name in names)
    except ExprError:
        return
    parses_or_explains(text, table)
